import Foundation
import Testing
import LontarTestSupport
import LontarModelFiles
@testable import LontarModel

/// The trainer's forward pass on the real SmolLM2-135M weights against
/// transformers' reference losses (shared/reference/smollm2).
@Suite(.serialized) struct TrainingSmolLM2Tests {
    /// The model file, fetched through ModelStore where missing (as the engine's SmolLM2 tests do).
    static var modelURL: URL { get throws { try SmolLM2.gguf } }
    static let referenceURL = TestSupport.sharedReference.appendingPathComponent("smollm2/forward_reference.json")
    /// Runs where the model is in models/, and always in CI (LONTAR_REQUIRE_PEERS=1).
    static var available: Bool { SmolLM2.available }

    struct Prompt { var ids: [Int32]; var meanLoss: Double }

    static func prompts() throws -> [Prompt] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: referenceURL)) as! [String: Any]
        return (json["prompts"] as! [[String: Any]]).map {
            Prompt(ids: ($0["token_ids"] as! [Int]).map(Int32.init), meanLoss: $0["mean_ce_loss"] as! Double)
        }
    }

    @Test(.enabled(if: available)) func meanLossMatchesTransformers() throws {
        let model = try TrainableLlama.load(contentsOf: Self.modelURL, format: .f32)
        #expect(model.shape == LlamaShape.smolLM2_135M)
        let adapters = LoRAAdapters(shape: model.shape, config: LoRAConfig(rank: 4, targets: [.q]))
        for p in try Self.prompts() {
            let n = p.ids.count
            let batch = TrainingBatch(sequences: 1, length: n, tokens: p.ids,
                                      targets: (0..<n).map { $0 + 1 < n ? p.ids[$0 + 1] : -100 },
                                      positions: (0..<n).map(Int32.init))
            let pass = TrainingPass(model: model, adapters: adapters, maxPositions: n)
            let r = try pass.evaluate(batch)
            let loss = r.sum / Double(r.tokens)
            #expect(abs(loss - p.meanLoss) < 1e-4, "mean loss \(loss) vs transformers \(p.meanLoss)")
        }
    }

    /// QLoRA's fast paths against the float32 path on real weights: bf16
    /// compute (rounded operands, float32 accumulation) and NF4 storage change
    /// the loss by little, and the LoRA gradients point the same way.
    @Test(.enabled(if: available)) func bf16AndNF4PathsStayCloseToFloat32() throws {
        let prompt = try #require(try Self.prompts().last)  // the long paragraph
        let n = 96
        let ids = Array(prompt.ids.prefix(n))
        let batch = TrainingBatch(sequences: 1, length: n, tokens: ids,
                                  targets: (0..<n).map { $0 + 1 < n ? ids[$0 + 1] : -100 },
                                  positions: (0..<n).map(Int32.init))
        let lora = LoRAConfig(rank: 4, alpha: 8, dropout: 0, targets: LoRATarget.allCases)
        var results: [(name: String, loss: Double, grads: [Float])] = []
        for (format, compute) in [(BaseWeightFormat.f32, ComputePrecision.f32), (.f32, .bf16), (.nf4, .f32),
                                  (.nf4, .bf16)] {
            let model = try TrainableLlama.load(contentsOf: Self.modelURL, format: format,
                                                embeddingFormat: format == .nf4 ? .bf16 : .f32, compute: compute)
            let adapters = LoRAAdapters(shape: model.shape, config: lora)
            adapters.initialize(seed: 3)
            var rng = TrainingRNG(seed: 4)
            for s in adapters.slots { adapters.set(s, b: (0..<s.bCount).map { _ in Float(0.01 * (rng.unit() - 0.5)) }) }
            let pass = TrainingPass(model: model, adapters: adapters, maxPositions: n)
            let loss = try pass.trainStep(batch, normalizer: batch.countedTokens, dropoutSeed: 0)
            results.append(("\(format.rawValue)/\(compute.rawValue)", loss, adapters.gradients.array))
        }
        // The same weights quantized to NF4 and expanded back, multiplied in float32:
        // what the NF4 kernels must compute exactly (up to summation order).
        let gguf = try GGUFFile(contentsOf: Self.modelURL)
        let shape = try LlamaShape(gguf: gguf)
        let roundTripped = try TrainableLlama.build(shape: shape, format: .f32) { name in
            guard let t = gguf.tensorIfPresent(name) else { return nil }
            let values = try t.dequantize()
            if name.hasSuffix("norm.weight") { return values }
            if name == "token_embd.weight" {  // stored as bf16 in the NF4 runs
                return BF16Linear(out: shape.vocab, in: shape.dim, values: values, compute: .f32).dequantized()
            }
            return try NF4Linear(out: values.count / t.dimensions[0], in: t.dimensions[0], values: values,
                                 compute: .f32).dequantized()
        }
        let adapters = LoRAAdapters(shape: shape, config: lora)
        adapters.initialize(seed: 3)
        var rng = TrainingRNG(seed: 4)
        for s in adapters.slots { adapters.set(s, b: (0..<s.bCount).map { _ in Float(0.01 * (rng.unit() - 0.5)) }) }
        let expanded = try TrainingPass(model: roundTripped, adapters: adapters, maxPositions: n)
            .trainStep(batch, normalizer: batch.countedTokens, dropoutSeed: 0)
        let expandedGrads = adapters.gradients.array

        func cosine(_ a: [Float], _ b: [Float]) -> Double {
            var ab = 0.0, aa = 0.0, bb = 0.0
            for i in a.indices { ab += Double(a[i]) * Double(b[i]); aa += Double(a[i] * a[i]); bb += Double(b[i] * b[i]) }
            return ab / (aa * bb).squareRoot()
        }
        let f32 = results[0], bf16 = results[1], nf4 = results[2], nf4bf16 = results[3]
        print("bf16 compute: loss \(bf16.loss) vs f32 \(f32.loss), gradient cosine \(cosine(bf16.grads, f32.grads))")
        print("NF4: loss \(nf4.loss) vs expanded NF4 weights in f32 \(expanded) vs the original weights \(f32.loss)")
        print("NF4 + bf16: loss \(nf4bf16.loss), gradient cosine to NF4/f32 \(cosine(nf4bf16.grads, nf4.grads))")
        // bf16 compute: rounding only.
        #expect(abs(bf16.loss - f32.loss) < 0.01 * f32.loss)
        #expect(cosine(bf16.grads, f32.grads) > 0.99)
        // NF4 kernels compute exactly what their dequantized weights give.
        #expect(abs(nf4.loss - expanded) < 1e-4 * expanded, "NF4 kernels \(nf4.loss) vs expanded \(expanded)")
        #expect(cosine(nf4.grads, expandedGrads) > 0.9999)
        #expect(abs(nf4bf16.loss - nf4.loss) < 0.01 * nf4.loss)
        #expect(cosine(nf4bf16.grads, nf4.grads) > 0.99)
        // Re-quantizing SmolLM2's Q4_1 weights to NF4 is a second 4-bit rounding: it
        // costs a small model real accuracy (this is quantization, not the kernels).
        #expect(nf4.loss > f32.loss && nf4.loss < 1.3 * f32.loss)
    }
}
