/// The projections of a Llama decoder layer a LoRA adapter can attach to,
/// named as PEFT's `target_modules` names them.
public enum LoRATarget: String, CaseIterable, Codable, Sendable, Comparable {
    case q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj"
    case gate = "gate_proj", up = "up_proj", down = "down_proj"

    /// The module holding the projection in a Hugging Face Llama (`self_attn` or `mlp`).
    public var block: String {
        switch self {
        case .q, .k, .v, .o: return "self_attn"
        case .gate, .up, .down: return "mlp"
        }
    }

    /// llama.cpp's tensor name stem (`attn_q`, `ffn_gate`, …).
    public var ggufName: String {
        switch self {
        case .q: return "attn_q"
        case .k: return "attn_k"
        case .v: return "attn_v"
        case .o: return "attn_output"
        case .gate: return "ffn_gate"
        case .up: return "ffn_up"
        case .down: return "ffn_down"
        }
    }

    public static func < (a: LoRATarget, b: LoRATarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Parses `q`, `q_proj`, `attn`, `mlp` or `all` into targets.
    public static func parse(_ text: String) -> [LoRATarget]? {
        switch text {
        case "all", "all-linear": return allCases
        case "attn", "attention": return [.q, .k, .v, .o]
        case "mlp", "ffn": return [.gate, .up, .down]
        default: return allCases.first { $0.rawValue == text || $0.rawValue == text + "_proj" }.map { [$0] }
        }
    }
}

/// LoRA hyperparameters: W x + (alpha / r) B A dropout(x), B zero at start.
public struct LoRAConfig: Codable, Sendable, Equatable {
    public var rank: Int
    public var alpha: Double
    public var dropout: Double
    public var targets: [LoRATarget]

    public init(rank: Int = 16, alpha: Double = 32, dropout: Double = 0.05,
                targets: [LoRATarget] = LoRATarget.allCases) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = targets.sorted()
    }

    /// The adapter's output multiplier alpha / r.
    public var scale: Float { Float(alpha / Double(rank)) }
}
