import Foundation
import LontarModelFiles

/// LoRA adapters in PEFT's format: a folder with `adapter_config.json` and
/// `adapter_model.safetensors`, tensors named like
/// `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`
/// (A: [r, in], B: [out, r]), so `PeftModel.from_pretrained` loads what
/// Lontar trains and Lontar loads what PEFT trains.
///
/// PEFT's q/k rows are in Hugging Face order; a model loaded from GGUF keeps
/// llama.cpp's interleaved order, so B of q_proj and k_proj is permuted on
/// the way out and back on the way in.
extension LoRAAdapters {
    /// The PEFT tensor name of a slot's A or B.
    public static func peftName(layer: Int, _ t: LoRATarget, _ which: String) -> String {
        "base_model.model.model.layers.\(layer).\(t.block).\(t.rawValue).lora_\(which).weight"
    }

    /// Rows of a q/k output (B of q_proj/k_proj) from GGUF's interleaved order
    /// to Hugging Face's half-split order (`toHF`) or back.
    static func permuteRotaryRows(_ values: [Float], heads: Int, headDim: Int, columns: Int, toHF: Bool) -> [Float] {
        var out = values
        let half = headDim / 2
        for h in 0..<heads {
            for i in 0..<half {
                for s in 0..<2 {
                    let gguf = h * headDim + 2 * i + s, hf = h * headDim + s * half + i
                    let (from, to) = toHF ? (gguf, hf) : (hf, gguf)
                    for c in 0..<columns { out[to * columns + c] = values[from * columns + c] }
                }
            }
        }
        return out
    }

    private func needsPermutation(_ t: LoRATarget) -> Int? {
        guard shape.ropeInterleaved else { return nil }
        switch t {
        case .q: return shape.heads
        case .k: return shape.kvHeads
        default: return nil
        }
    }

    /// Writes the adapters as a PEFT adapter folder (created if needed).
    public func savePEFT(to directory: URL, baseModel: String = "") throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var writer = SafetensorsWriter(metadata: [(key: "format", value: "pt")])
        for s in slots {
            var b = self.b(s)
            if let heads = needsPermutation(s.target) {
                b = Self.permuteRotaryRows(b, heads: heads, headDim: shape.headDim, columns: config.rank, toHF: true)
            }
            try writer.add(Self.peftName(layer: s.layer, s.target, "A"), shape: [config.rank, s.inFeatures], floats: a(s))
            try writer.add(Self.peftName(layer: s.layer, s.target, "B"), shape: [s.outFeatures, config.rank], floats: b)
        }
        try writer.write(to: directory.appendingPathComponent("adapter_model.safetensors"))
        let json: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": config.rank, "lora_alpha": config.alpha,
            "lora_dropout": config.dropout, "target_modules": config.targets.map(\.rawValue), "bias": "none",
            "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true, "use_rslora": false,
            "use_dora": false, "base_model_name_or_path": baseModel, "modules_to_save": NSNull(),
            "layers_to_transform": NSNull(), "rank_pattern": [String: Any](), "alpha_pattern": [String: Any](),
        ]
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: directory.appendingPathComponent("adapter_config.json"), options: .atomic)
    }

    /// The LoRA settings of a PEFT adapter folder.
    public static func peftConfig(at directory: URL) throws -> LoRAConfig {
        let url = directory.appendingPathComponent("adapter_config.json")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TrainingError.adapterFile("\(url.path) is missing or not a JSON object")
        }
        guard (json["peft_type"] as? String) == "LORA" else {
            throw TrainingError.adapterFile("\(url.path): peft_type is \(json["peft_type"] ?? "missing"), not LORA")
        }
        guard let r = json["r"] as? Int, r > 0, let alpha = (json["lora_alpha"] as? NSNumber)?.doubleValue else {
            throw TrainingError.adapterFile("\(url.path): needs a positive integer r and a number lora_alpha")
        }
        if (json["use_rslora"] as? Bool) == true || (json["use_dora"] as? Bool) == true {
            throw TrainingError.adapterFile("\(url.path): rsLoRA and DoRA adapters are not supported")
        }
        if let patterns = json["rank_pattern"] as? [String: Any], !patterns.isEmpty {
            throw TrainingError.adapterFile("\(url.path): per-module ranks (rank_pattern) are not supported")
        }
        let names: [String]
        if let list = json["target_modules"] as? [String] { names = list }
        else if let one = json["target_modules"] as? String { names = one == "all-linear" ? ["all"] : [one] }
        else { throw TrainingError.adapterFile("\(url.path): target_modules is missing") }
        var targets: [LoRATarget] = []
        for n in names {
            guard let t = LoRATarget.parse(n) else {
                throw TrainingError.adapterFile("\(url.path): unsupported target module '\(n)'")
            }
            targets += t
        }
        return LoRAConfig(rank: r, alpha: alpha, dropout: (json["lora_dropout"] as? NSNumber)?.doubleValue ?? 0,
                          targets: Array(Set(targets)))
    }

    /// Loads a PEFT adapter folder for a model of `shape`.
    public static func loadPEFT(from directory: URL, shape: LlamaShape) throws -> LoRAAdapters {
        let config = try peftConfig(at: directory)
        let adapters = LoRAAdapters(shape: shape, config: config)
        let url = directory.appendingPathComponent("adapter_model.safetensors")
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch {
            throw TrainingError.adapterFile("\(url.path): \(error)")
        }
        var expected = Set<String>()
        for s in adapters.slots {
            var values: [String: [Float]] = [:]
            for (which, shapeWanted) in [("A", [config.rank, s.inFeatures]), ("B", [s.outFeatures, config.rank])] {
                let name = peftName(layer: s.layer, s.target, which)
                expected.insert(name)
                guard let t = file.tensorIfPresent(name) else {
                    throw TrainingError.adapterFile("\(url.path): missing tensor \(name)")
                }
                guard t.shape == shapeWanted else {
                    throw TrainingError.adapterFile("\(url.path): \(name) has shape \(t.shape), expected \(shapeWanted)")
                }
                values[which] = try t.floats()
            }
            var b = values["B"]!
            if let heads = adapters.needsPermutation(s.target) {
                b = permuteRotaryRows(b, heads: heads, headDim: shape.headDim, columns: config.rank, toHF: false)
            }
            adapters.set(s, a: values["A"]!, b: b)
        }
        if let extra = file.tensorNames.first(where: { !expected.contains($0) }) {
            throw TrainingError.adapterFile("\(url.path): unexpected tensor \(extra) (a layer or module this model lacks?)")
        }
        return adapters
    }

    /// Copies another adapter set's values (same shape and settings).
    public func copy(from other: LoRAAdapters) {
        precondition(other.parameterCount == parameterCount)
        parameters.pointer.update(from: other.parameters.pointer, count: parameterCount)
    }
}
