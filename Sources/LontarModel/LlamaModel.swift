import Foundation
import LontarKernels
import LontarModelFiles

/// One transformer block's weights.
public final class LlamaLayer: @unchecked Sendable {
    // @unchecked: immutable after init.
    public let attentionNorm: FloatBuffer
    public let q: LinearWeight, k: LinearWeight, v: LinearWeight, o: LinearWeight
    public let ffnNorm: FloatBuffer
    public let gate: LinearWeight, up: LinearWeight, down: LinearWeight

    public init(attentionNorm: FloatBuffer, q: LinearWeight, k: LinearWeight, v: LinearWeight, o: LinearWeight,
                ffnNorm: FloatBuffer, gate: LinearWeight, up: LinearWeight, down: LinearWeight) {
        self.attentionNorm = attentionNorm
        self.q = q
        self.k = k
        self.v = v
        self.o = o
        self.ffnNorm = ffnNorm
        self.gate = gate
        self.up = up
        self.down = down
    }

    /// The seven linear weights, in the order q, k, v, o, gate, up, down.
    public var linears: [(name: String, weight: LinearWeight)] {
        [("q_proj", q), ("k_proj", k), ("v_proj", v), ("o_proj", o), ("gate_proj", gate), ("up_proj", up), ("down_proj", down)]
    }
}

/// A Llama-architecture decoder: token embeddings, blocks of (RMSNorm,
/// grouped-query attention with rotary embeddings, RMSNorm, SwiGLU MLP),
/// a final RMSNorm and the output projection. Internally q/k use
/// transformers' head layout (GGUF weights are un-permuted when loaded).
public final class LlamaModel: @unchecked Sendable {
    // @unchecked: weights are immutable; run one forward per model at a time
    // per KV cache (the kernels themselves are thread-safe).

    public let config: LlamaConfig
    /// Where the weights came from (a path, or "random(seed)").
    public let source: String
    /// The storage format of the blocks' linear weights.
    public let format: WeightFormat
    public let embedding: FloatBuffer          // [vocab, hidden], float32
    public let layers: [LlamaLayer]
    public let finalNorm: FloatBuffer           // [hidden]
    public let output: LinearWeight             // [vocab, hidden]
    /// Whether `output` is the embedding matrix itself (tied, float32).
    public let outputSharesEmbedding: Bool
    /// Rotary inverse frequencies, one per pair of a head.
    public let ropeInverseFrequencies: [Float]
    /// The beginning-of-sequence token, when known.
    public var bosTokenId: Int32?
    /// Tokens that end generation.
    public var eosTokenIds: Set<Int32>
    /// NF4 weights multiply in bf16 on the matrix-matrix path (prompts,
    /// training batches), like QLoRA's bf16 compute dtype. Decode always
    /// multiplies in f32.
    public var bf16Compute: Bool = true

    public init(config: LlamaConfig, source: String, format: WeightFormat, embedding: FloatBuffer, layers: [LlamaLayer],
                finalNorm: FloatBuffer, output: LinearWeight, outputSharesEmbedding: Bool,
                ropeInverseFrequencies: [Float], bosTokenId: Int32?, eosTokenIds: Set<Int32>) throws {
        try config.validateForLontar()
        let d = config.hiddenSize, hd = config.headDim
        func check(_ ok: Bool, _ what: String) throws {
            if !ok { throw ModelError(.shapeMismatch, "\(what) does not match the configuration") }
        }
        try check(embedding.count == config.vocabSize * d, "embedding size \(embedding.count)")
        try check(finalNorm.count == d, "final norm size \(finalNorm.count)")
        try check(output.outFeatures == config.vocabSize && output.inFeatures == d,
                  "output projection [\(output.outFeatures), \(output.inFeatures)]")
        try check(layers.count == config.numHiddenLayers, "layer count \(layers.count)")
        try check(ropeInverseFrequencies.count == hd / 2, "rotary frequency count \(ropeInverseFrequencies.count)")
        for (i, l) in layers.enumerated() {
            let expected: [(LinearWeight, Int, Int, String)] = [
                (l.q, config.numAttentionHeads * hd, d, "q"), (l.k, config.numKeyValueHeads * hd, d, "k"),
                (l.v, config.numKeyValueHeads * hd, d, "v"), (l.o, d, config.numAttentionHeads * hd, "o"),
                (l.gate, config.intermediateSize, d, "gate"), (l.up, config.intermediateSize, d, "up"),
                (l.down, d, config.intermediateSize, "down"),
            ]
            for (w, o, inF, name) in expected {
                try check(w.outFeatures == o && w.inFeatures == inF,
                          "layer \(i) \(name) projection [\(w.outFeatures), \(w.inFeatures)] (expected [\(o), \(inF)])")
            }
            try check(l.attentionNorm.count == d && l.ffnNorm.count == d, "layer \(i) norm size")
        }
        self.config = config
        self.source = source
        self.format = format
        self.embedding = embedding
        self.layers = layers
        self.finalNorm = finalNorm
        self.output = output
        self.outputSharesEmbedding = outputSharesEmbedding
        self.ropeInverseFrequencies = ropeInverseFrequencies
        self.bosTokenId = bosTokenId
        self.eosTokenIds = eosTokenIds
    }

    public var vocabSize: Int { config.vocabSize }
    public var hiddenSize: Int { config.hiddenSize }
}
