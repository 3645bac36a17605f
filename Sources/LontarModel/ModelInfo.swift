import Foundation
import LontarKernels
import LontarModelFiles

/// What a model is and where its memory goes.
public struct ModelInfo: Sendable, CustomStringConvertible {
    public struct Part: Sendable {
        public var name: String
        public var parameters: Int
        public var bytes: Int
        public var format: String
    }

    public var architecture: String
    public var source: String
    public var config: LlamaConfig
    public var format: WeightFormat
    public var parts: [Part]

    public var parameters: Int { parts.reduce(0) { $0 + $1.parameters } }
    public var bytes: Int { parts.reduce(0) { $0 + $1.bytes } }

    /// Bits per parameter of the blocks' linear weights (about 4.127 for NF4).
    public var blockLinearBitsPerParameter: Double {
        let linear = parts.filter { $0.name.hasPrefix("attention") || $0.name.hasPrefix("feed-forward") }
        let p = linear.reduce(0) { $0 + $1.parameters }, b = linear.reduce(0) { $0 + $1.bytes }
        return p == 0 ? 0 : Double(b * 8) / Double(p)
    }

    public var description: String {
        func mib(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        func millions(_ p: Int) -> String { String(format: "%.1fM", Double(p) / 1e6) }
        let c = config
        var lines = [
            "\(architecture): \(c.numHiddenLayers) layers, hidden \(c.hiddenSize), heads \(c.numAttentionHeads) (kv \(c.numKeyValueHeads), head dim \(c.headDim)), feed-forward \(c.intermediateSize), vocabulary \(c.vocabSize)",
            "rope theta \(c.ropeTheta)\(c.ropeScaling.map { ", \($0.type) scaling x\($0.factor)" } ?? ""), rms eps \(c.rmsNormEps), context \(c.maxPositionEmbeddings.map(String.init) ?? "?")",
            "source: \(source); block weights: \(format.rawValue)",
            "| part | parameters | format | memory |",
            "|---|---:|---|---:|",
        ]
        for p in parts { lines.append("| \(p.name) | \(millions(p.parameters)) | \(p.format) | \(mib(p.bytes)) |") }
        lines.append("| total | \(millions(parameters)) | | \(mib(bytes)) |")
        lines.append(String(format: "block linear weights: %.3f bits/parameter", blockLinearBitsPerParameter))
        return lines.joined(separator: "\n")
    }
}

extension LlamaModel {
    /// Architecture, hyper-parameters and memory per part.
    public func info() -> ModelInfo {
        var attention = (0, 0), ffn = (0, 0)
        for l in layers {
            for w in [l.q, l.k, l.v, l.o] { attention.0 += w.outFeatures * w.inFeatures; attention.1 += w.byteCount }
            for w in [l.gate, l.up, l.down] { ffn.0 += w.outFeatures * w.inFeatures; ffn.1 += w.byteCount }
        }
        return LlamaModel.describe(config: config, source: source, format: format, attention: attention, ffn: ffn,
                                   output: outputSharesEmbedding ? nil : (output.format, output.byteCount))
    }

    /// What a model of this configuration would hold, without building it
    /// (e.g. to see whether Llama 3 8B in NF4 fits in memory).
    public static func estimateInfo(config: LlamaConfig, format: WeightFormat,
                                    outputFormat: WeightFormat? = nil) -> ModelInfo {
        let c = config, d = c.hiddenSize, hd = c.headDim
        func bytes(_ rows: Int, _ cols: Int, _ f: WeightFormat) -> Int {
            switch f {
            case .f32: rows * cols * 4
            case .bf16: rows * cols * 2
            case .nf4: lt_nf4_packed_bytes(rows * cols) + lt_nf4_blocks(rows * cols) + 4 * lt_nf4_dq_blocks(rows * cols) + 4
            case .q8: rows * cols + 4 * rows * ((cols + Int(LT_Q8_BLOCK) - 1) / Int(LT_Q8_BLOCK))
            }
        }
        let attnShapes = [(c.numAttentionHeads * hd, d), (c.numKeyValueHeads * hd, d), (c.numKeyValueHeads * hd, d),
                          (d, c.numAttentionHeads * hd)]
        let ffnShapes = [(c.intermediateSize, d), (c.intermediateSize, d), (d, c.intermediateSize)]
        let L = c.numHiddenLayers
        let attention = (L * attnShapes.reduce(0) { $0 + $1.0 * $1.1 }, L * attnShapes.reduce(0) { $0 + bytes($1.0, $1.1, format) })
        let ffn = (L * ffnShapes.reduce(0) { $0 + $1.0 * $1.1 }, L * ffnShapes.reduce(0) { $0 + bytes($1.0, $1.1, format) })
        let head = outputFormat ?? (format == .f32 ? .f32 : .bf16)
        let shares = c.tieWordEmbeddings && head == .f32
        return describe(config: c, source: "estimate", format: format, attention: attention, ffn: ffn,
                        output: shares ? nil : (head, bytes(c.vocabSize, d, head)))
    }

    static func describe(config c: LlamaConfig, source: String, format: WeightFormat, attention: (Int, Int),
                         ffn: (Int, Int), output: (WeightFormat, Int)?) -> ModelInfo {
        let d = c.hiddenSize
        let norms = (2 * c.numHiddenLayers + 1) * d
        var parts = [
            ModelInfo.Part(name: "token embeddings", parameters: c.vocabSize * d, bytes: c.vocabSize * d * 4, format: "f32"),
            ModelInfo.Part(name: "attention q/k/v/o", parameters: attention.0, bytes: attention.1, format: format.rawValue),
            ModelInfo.Part(name: "feed-forward gate/up/down", parameters: ffn.0, bytes: ffn.1, format: format.rawValue),
            ModelInfo.Part(name: "norms", parameters: norms, bytes: norms * 4, format: "f32"),
        ]
        if let (f, b) = output {
            parts.append(ModelInfo.Part(name: c.tieWordEmbeddings ? "output head (tied, own copy)" : "output head",
                                        parameters: c.tieWordEmbeddings ? 0 : c.vocabSize * d, bytes: b, format: f.rawValue))
        } else {
            parts.append(ModelInfo.Part(name: "output head (tied to embeddings)", parameters: 0, bytes: 0, format: "f32"))
        }
        return ModelInfo(architecture: "llama", source: source, config: c, format: format, parts: parts)
    }
}
