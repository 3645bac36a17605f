import Foundation

/// How the frozen base projections are stored while training.
public enum BaseWeightFormat: String, Codable, Sendable, CaseIterable {
    /// float32, exact (reference and small models).
    case f32
    /// bfloat16 (half the memory; products accumulate in float32).
    case bf16
    /// QLoRA's 4-bit NormalFloat with double-quantized block scales.
    case nf4
}

extension TrainableLlama {
    /// The GGUF (llama.cpp) name of a projection's weight in layer `l`.
    public static func ggufName(layer l: Int, _ t: LoRATarget) -> String { "blk.\(l).\(t.ggufName).weight" }

    /// Builds a model from float32 tensors looked up by GGUF name
    /// (`token_embd.weight`, `blk.N.attn_q.weight`, `output_norm.weight`, …),
    /// each row-major [out, in]; projections are stored as `format`.
    /// `output.weight` is used when present, else the embedding (tied).
    public static func build(shape: LlamaShape, format: BaseWeightFormat,
                             embeddingFormat: BaseWeightFormat = .f32, compute: ComputePrecision = .f32,
                             tensor: (String) throws -> [Float]?) throws -> TrainableLlama {
        func need(_ name: String, _ count: Int) throws -> [Float] {
            guard let t = try tensor(name) else { throw TrainingError.invalidConfiguration("missing tensor \(name)") }
            guard t.count == count else {
                throw TrainingError.invalidConfiguration("tensor \(name) has \(t.count) values, expected \(count)")
            }
            return t
        }
        let embeddingValues = try need("token_embd.weight", shape.vocab * shape.dim)
        let embedding = try makeLinear(embeddingValues, out: shape.vocab, in: shape.dim, format: embeddingFormat,
                                       compute: compute)
        var layers: [Layer] = []
        for l in 0..<shape.layers {
            var projections: [LoRATarget: any FrozenLinear] = [:]
            for t in LoRATarget.allCases {
                let (out, inF) = shape.features(t)
                projections[t] = try makeLinear(try need(ggufName(layer: l, t), out * inF), out: out, in: inF,
                                                format: format, compute: compute)
            }
            layers.append(Layer(attnNorm: FloatBuffer(try need("blk.\(l).attn_norm.weight", shape.dim)),
                                ffnNorm: FloatBuffer(try need("blk.\(l).ffn_norm.weight", shape.dim)),
                                projections: projections))
        }
        let finalNorm = FloatBuffer(try need("output_norm.weight", shape.dim))
        var shape = shape
        let lmHead: any FrozenLinear
        if let output = try tensor("output.weight") {
            guard output.count == shape.vocab * shape.dim else {
                throw TrainingError.invalidConfiguration("output.weight has \(output.count) values")
            }
            lmHead = try makeLinear(output, out: shape.vocab, in: shape.dim, format: embeddingFormat, compute: compute)
            shape.tiedEmbeddings = false
        } else {
            lmHead = embedding
            shape.tiedEmbeddings = true
        }
        return TrainableLlama(shape: shape, embedding: embedding, layers: layers, finalNorm: finalNorm, lmHead: lmHead)
    }

    /// A model with seeded random weights (N(0, 0.02)-like uniform, norms near 1),
    /// for tests and benchmarks of a given shape. Generates one tensor at a time.
    public static func random(shape: LlamaShape, format: BaseWeightFormat, embeddingFormat: BaseWeightFormat = .f32,
                              compute: ComputePrecision = .f32, seed: UInt64) throws -> TrainableLlama {
        var rng = TrainingRNG(seed: seed)
        let bound = 0.02 * 3.0.squareRoot()  // uniform with standard deviation 0.02
        return try build(shape: shape, format: format, embeddingFormat: embeddingFormat, compute: compute) { name in
            if name == "output.weight" && shape.tiedEmbeddings { return nil }
            let count: Int
            if name.hasSuffix("norm.weight") {
                return (0..<shape.dim).map { _ in Float(1 + 0.1 * (2 * rng.unit() - 1)) }
            } else if name == "token_embd.weight" || name == "output.weight" {
                count = shape.vocab * shape.dim
            } else {
                let t = LoRATarget.allCases.first { name.hasSuffix(".\($0.ggufName).weight") }!
                let (o, i) = shape.features(t)
                count = o * i
            }
            return (0..<count).map { _ in Float((2 * rng.unit() - 1) * bound) }
        }
    }

    static func makeLinear(_ w: [Float], out: Int, in inF: Int, format: BaseWeightFormat,
                           compute: ComputePrecision) throws -> any FrozenLinear {
        switch format {
        case .f32:
            if compute == .bf16 { return BF16ComputeDenseLinear(out: out, in: inF, weight: FloatBuffer(w)) }
            return DenseLinear(out: out, in: inF, weight: FloatBuffer(w))
        case .bf16: return BF16Linear(out: out, in: inF, values: w, compute: compute)
        case .nf4: return try NF4Linear(out: out, in: inF, values: w, compute: compute)
        }
    }
}
