import LontarKernels
import LontarModelFiles

extension LlamaModel {
    /// A model with random weights: linear weights and embeddings normal
    /// with standard deviation `std` (transformers' initializer_range), norm
    /// weights 1. The same seed gives the same weights whatever the thread count.
    public static func random(config: LlamaConfig, seed: UInt64, format: WeightFormat = .f32,
                              outputFormat: WeightFormat? = nil, std: Float = 0.02) throws -> LlamaModel {
        try config.validateForLontar()
        var stream: UInt64 = 0
        func normal(_ count: Int) -> FloatBuffer {
            let b = FloatBuffer(count: count)
            stream += 1
            lt_fill_normal_f32(b.pointer, count, seed &* 0x9E37_79B9_7F4A_7C15 &+ stream, std)
            return b
        }
        func ones(_ count: Int) -> FloatBuffer { FloatBuffer([Float](repeating: 1, count: count)) }
        func linear(_ out: Int, _ inF: Int) -> LinearWeight { LinearWeight(normal(out * inF), out: out, in: inF, format: format) }

        let d = config.hiddenSize, hd = config.headDim
        let embedding = normal(config.vocabSize * d)
        var layers: [LlamaLayer] = []
        for _ in 0..<config.numHiddenLayers {
            layers.append(LlamaLayer(
                attentionNorm: ones(d),
                q: linear(config.numAttentionHeads * hd, d), k: linear(config.numKeyValueHeads * hd, d),
                v: linear(config.numKeyValueHeads * hd, d), o: linear(d, config.numAttentionHeads * hd),
                ffnNorm: ones(d),
                gate: linear(config.intermediateSize, d), up: linear(config.intermediateSize, d),
                down: linear(d, config.intermediateSize)))
        }
        let headFormat = outputFormat ?? (format == .f32 ? .f32 : .bf16)
        let tied = config.tieWordEmbeddings
        let head = tied ? embedding : normal(config.vocabSize * d)
        return try LlamaModel(config: config, source: "random(seed: \(seed))", format: format, embedding: embedding,
                              layers: layers, finalNorm: ones(d),
                              output: LinearWeight(head, out: config.vocabSize, in: d, format: headFormat),
                              outputSharesEmbedding: tied && headFormat == .f32,
                              ropeInverseFrequencies: config.ropeInverseFrequencies(), bosTokenId: nil, eosTokenIds: [])
    }

    /// A random model from a named configuration ("tiny", "smollm2-135m", "llama3-8b", …).
    public static func random(named name: String, seed: UInt64, format: WeightFormat = .f32) throws -> LlamaModel {
        try random(config: try LlamaConfig.named(name), seed: seed, format: format)
    }
}
