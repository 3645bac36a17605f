import Foundation

/// The shape of a Llama decoder (what GGUF's `llama.*` metadata gives).
public struct LlamaShape: Codable, Sendable, Equatable {
    public var vocab: Int
    public var dim: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var ffn: Int
    public var normEps: Float
    public var ropeTheta: Double
    /// True when q/k rows are in GGUF/Meta order (rotary pairs 2i, 2i+1);
    /// false for Hugging Face order (pairs i, i + headDim/2).
    public var ropeInterleaved: Bool
    public var tiedEmbeddings: Bool

    public init(vocab: Int, dim: Int, layers: Int, heads: Int, kvHeads: Int, ffn: Int, normEps: Float = 1e-5,
                ropeTheta: Double = 10_000, ropeInterleaved: Bool = true, tiedEmbeddings: Bool = false) {
        self.vocab = vocab
        self.dim = dim
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.ffn = ffn
        self.normEps = normEps
        self.ropeTheta = ropeTheta
        self.ropeInterleaved = ropeInterleaved
        self.tiedEmbeddings = tiedEmbeddings
    }

    public var headDim: Int { dim / heads }
    public var kvDim: Int { kvHeads * headDim }

    /// (out, in) features of a projection.
    public func features(_ t: LoRATarget) -> (out: Int, in: Int) {
        switch t {
        case .q, .o: return (dim, dim)
        case .k, .v: return (kvDim, dim)
        case .gate, .up: return (ffn, dim)
        case .down: return (dim, ffn)
        }
    }

    /// SmolLM2-135M's shape.
    public static let smolLM2_135M = LlamaShape(vocab: 49152, dim: 576, layers: 30, heads: 9, kvHeads: 3, ffn: 1536,
                                                normEps: 1e-5, ropeTheta: 100_000, tiedEmbeddings: true)
    /// Llama 3 8B's shape.
    public static let llama3_8B = LlamaShape(vocab: 128_256, dim: 4096, layers: 32, heads: 32, kvHeads: 8, ffn: 14336,
                                             normEps: 1e-5, ropeTheta: 500_000)
}

/// A Llama decoder with frozen weights, as the trainer sees it.
public final class TrainableLlama: @unchecked Sendable {
    public struct Layer: Sendable {
        public var attnNorm: FloatBuffer
        public var ffnNorm: FloatBuffer
        /// The seven projections, indexed by `LoRATarget`.
        public var projections: [LoRATarget: any FrozenLinear]

        public func projection(_ t: LoRATarget) -> any FrozenLinear { projections[t]! }
    }

    public let shape: LlamaShape
    /// Token embeddings [vocab, dim] (looked up row by row, never multiplied).
    public let embedding: any FrozenLinear
    public let layers: [Layer]
    public let finalNorm: FloatBuffer
    /// The vocabulary projection [vocab, dim] (the embedding when tied).
    public let lmHead: any FrozenLinear

    public init(shape: LlamaShape, embedding: any FrozenLinear, layers: [Layer], finalNorm: FloatBuffer,
                lmHead: any FrozenLinear) {
        self.shape = shape
        self.embedding = embedding
        self.layers = layers
        self.finalNorm = finalNorm
        self.lmHead = lmHead
    }

    /// Bytes held by the frozen weights.
    public var storageBytes: Int {
        var total = embedding.storageBytes + finalNorm.count * 4
        if !shape.tiedEmbeddings { total += lmHead.storageBytes }
        for layer in layers {
            total += (layer.attnNorm.count + layer.ffnNorm.count) * 4
            total += layer.projections.values.reduce(0) { $0 + $1.storageBytes }
        }
        return total
    }
}
