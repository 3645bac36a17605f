import Foundation
import Testing
@testable import LontarModel

/// The trainer's forward and backward through a whole (tiny) Llama with LoRA
/// on every projection, against a float64 reference and its finite differences.
@Suite struct TrainingPassTests {
    static func tinyShape(interleaved: Bool, tied: Bool = true) -> LlamaShape {
        LlamaShape(vocab: 23, dim: 12, layers: 2, heads: 3, kvHeads: 1, ffn: 20, normEps: 1e-5,
                   ropeTheta: 10_000, ropeInterleaved: interleaved, tiedEmbeddings: tied)
    }

    /// Random weights by GGUF name, kept so the reference can use the same values.
    static func tensors(_ shape: LlamaShape, seed: UInt64) -> [String: [Float]] {
        var rng = TrainingRNG(seed: seed)
        func values(_ n: Int, _ scale: Double, _ base: Double = 0) -> [Float] {
            (0..<n).map { _ in Float(base + scale * (2 * rng.unit() - 1)) }
        }
        var t: [String: [Float]] = ["token_embd.weight": values(shape.vocab * shape.dim, 1),
                                    "output_norm.weight": values(shape.dim, 0.2, 1)]
        if !shape.tiedEmbeddings { t["output.weight"] = values(shape.vocab * shape.dim, 0.5) }
        for l in 0..<shape.layers {
            t["blk.\(l).attn_norm.weight"] = values(shape.dim, 0.2, 1)
            t["blk.\(l).ffn_norm.weight"] = values(shape.dim, 0.2, 1)
            for p in LoRATarget.allCases {
                let (o, i) = shape.features(p)
                t[TrainableLlama.ggufName(layer: l, p)] = values(o * i, 0.4)
            }
        }
        return t
    }

    /// Two sequences of 6: a prompt (not counted) then a response, and right padding.
    static func batch(packed: Bool) -> TrainingBatch {
        let tokens: [Int32] = [1, 5, 9, 2, 7, 3, 4, 8, 22, 0, 0, 0]
        var targets: [Int32] = [-100, 9, 2, 7, 3, -100, 8, 22, 11, -100, -100, -100]
        var positions: [Int32] = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]
        var segments: [Int32]? = nil
        if packed {
            // row 0 holds two documents: [1 5 9] and [2 7 3]
            targets[2] = -100
            positions = [0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 4, 5]
            segments = [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]
        }
        return TrainingBatch(sequences: 2, length: 6, tokens: tokens, targets: targets, positions: positions,
                             segments: segments)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var interleaved: Bool, packed: Bool, tied: Bool
        var testDescription: String { "interleaved=\(interleaved) packed=\(packed) tied=\(tied)" }
    }

    @Test(arguments: [Case(interleaved: true, packed: false, tied: true),
                      Case(interleaved: false, packed: true, tied: false)])
    func lossAndGradientsMatchFloat64(c: Case) throws {
        let shape = Self.tinyShape(interleaved: c.interleaved, tied: c.tied)
        let tensors = Self.tensors(shape, seed: 7)
        let model = try TrainableLlama.build(shape: shape, format: .f32) { tensors[$0] }
        let lora = LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: LoRATarget.allCases)
        let adapters = LoRAAdapters(shape: shape, config: lora)
        adapters.initialize(seed: 1)
        // B is zero after PEFT's initialisation, which would hide A's gradient: randomise it.
        var rng = TrainingRNG(seed: 2)
        for s in adapters.slots { adapters.set(s, b: (0..<s.bCount).map { _ in Float(0.3 * (2 * rng.unit() - 1)) }) }

        let batch = Self.batch(packed: c.packed)
        let pass = TrainingPass(model: model, adapters: adapters, lossChunk: 5, maxPositions: 16)
        adapters.gradients.zero()
        let loss = try pass.trainStep(batch, normalizer: batch.countedTokens, dropoutSeed: 3)
        let reference = ReferenceLlama(shape: shape, tensors: tensors, lora: lora)
        let params = adapters.parameters.array.map(Double.init)
        let expected = reference.loss(batch, params: params, adapters: adapters)
        #expect(abs(loss - expected) < 1e-5 * expected, "loss \(loss) vs float64 \(expected)")

        let eval = try pass.evaluate(batch)
        #expect(abs(eval.sum / Double(eval.tokens) - loss) < 1e-6 * loss)

        // Finite differences of the float64 loss with respect to every adapter parameter.
        var p = params
        var worst = 0.0
        let grads = adapters.gradients.array
        for i in p.indices {
            let h = 1e-6, saved = p[i]
            p[i] = saved + h
            let up = reference.loss(batch, params: p, adapters: adapters)
            p[i] = saved - h
            let down = reference.loss(batch, params: p, adapters: adapters)
            p[i] = saved
            let numeric = (up - down) / (2 * h)
            let err = abs(Double(grads[i]) - numeric) / (1e-4 + abs(numeric))
            worst = max(worst, err)
        }
        #expect(worst < 1e-3, "worst relative gradient error \(worst)")
    }

    @Test func checkpointingIsBitIdentical() throws {
        let shape = Self.tinyShape(interleaved: true)
        let tensors = Self.tensors(shape, seed: 9)
        let model = try TrainableLlama.build(shape: shape, format: .f32) { tensors[$0] }
        let lora = LoRAConfig(rank: 3, alpha: 6, dropout: 0.2, targets: [.q, .v, .down])
        var results: [(Double, [Float])] = []
        for checkpointing in [false, true] {
            let adapters = LoRAAdapters(shape: shape, config: lora)
            adapters.initialize(seed: 5)
            var rng = TrainingRNG(seed: 6)
            for s in adapters.slots { adapters.set(s, b: (0..<s.bCount).map { _ in Float(2 * rng.unit() - 1) }) }
            let pass = TrainingPass(model: model, adapters: adapters, checkpointing: checkpointing, maxPositions: 16)
            let batch = Self.batch(packed: false)
            let loss = try pass.trainStep(batch, normalizer: batch.countedTokens, dropoutSeed: 77)
            results.append((loss, adapters.gradients.array))
        }
        #expect(results[0].0 == results[1].0)
        #expect(results[0].1 == results[1].1)
        #expect(results[0].1.contains { $0 != 0 })
    }

    @Test func badTokensAreReported() throws {
        let shape = Self.tinyShape(interleaved: true)
        let tensors = Self.tensors(shape, seed: 9)
        let model = try TrainableLlama.build(shape: shape, format: .f32) { tensors[$0] }
        let adapters = LoRAAdapters(shape: shape, config: LoRAConfig(rank: 2, targets: [.q]))
        let pass = TrainingPass(model: model, adapters: adapters, maxPositions: 16)
        var batch = Self.batch(packed: false)
        batch.tokens[4] = 99
        #expect(throws: TrainingError.tokenOutOfRange(token: 99, position: 4, vocab: 23)) {
            try pass.trainStep(batch, normalizer: 1, dropoutSeed: 0)
        }
    }
}
