import Foundation
import LontarModelFiles

extension LlamaShape {
    /// Reads a Llama decoder's shape from GGUF metadata (`llama.*`).
    public init(gguf: GGUFFile) throws {
        let arch = try gguf.string("general.architecture")
        guard arch == "llama" else {
            throw TrainingError.invalidConfiguration("\(gguf.name): architecture '\(arch)' is not llama")
        }
        let heads = try gguf.int("llama.attention.head_count")
        let embd = try gguf.tensor("token_embd.weight")
        self.init(vocab: embd.dimensions.count > 1 ? embd.dimensions[1] : try gguf.int("llama.vocab_size"),
                  dim: try gguf.int("llama.embedding_length"),
                  layers: try gguf.int("llama.block_count"),
                  heads: heads,
                  kvHeads: try gguf.value("llama.attention.head_count_kv", default: heads),
                  ffn: try gguf.int("llama.feed_forward_length"),
                  normEps: try gguf.float("llama.attention.layer_norm_rms_epsilon"),
                  ropeTheta: Double(try gguf.value("llama.rope.freq_base", default: Float(10_000))),
                  ropeInterleaved: true,  // GGUF stores q/k rows in Meta's interleaved order
                  tiedEmbeddings: gguf.tensorInfo("output.weight") == nil)
    }
}

extension TrainableLlama {
    /// Loads a GGUF Llama for fine-tuning: every tensor is dequantized to
    /// float32 one at a time, then stored as `format` (the projections) and
    /// `embeddingFormat` (the embedding and vocabulary projection).
    public static func load(gguf: GGUFFile, format: BaseWeightFormat, embeddingFormat: BaseWeightFormat = .f32,
                            compute: ComputePrecision = .f32) throws -> TrainableLlama {
        let shape = try LlamaShape(gguf: gguf)
        return try build(shape: shape, format: format, embeddingFormat: embeddingFormat, compute: compute) { name in
            guard let t = gguf.tensorIfPresent(name) else { return nil }
            return try t.dequantize()
        }
    }

    /// Loads the GGUF file at `url` (see `load(gguf:format:embeddingFormat:)`).
    public static func load(contentsOf url: URL, format: BaseWeightFormat, embeddingFormat: BaseWeightFormat = .f32,
                            compute: ComputePrecision = .f32) throws -> TrainableLlama {
        try load(gguf: try GGUFFile(contentsOf: url), format: format, embeddingFormat: embeddingFormat, compute: compute)
    }
}
