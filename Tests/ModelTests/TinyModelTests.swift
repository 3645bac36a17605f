import Foundation
import Testing
import LontarKernels
import LontarModel
import LontarModelFiles

/// The forward pass, KV cache and activations of a small random model.
@Suite struct TinyModelTests {
    let batch: [[Int32]] = [[5, 9, 200, 31, 7, 7, 100], [3, 1, 4, 1, 5, 9, 2, 6, 5], [42, 42, 42, 42, 42]]

    func maxRelativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        let scale = max(b.map { abs($0) }.max() ?? 1, 1e-6)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    @Test func randomWeightsAreReproducible() throws {
        let a = try LlamaModel.random(named: "tiny", seed: 11), b = try LlamaModel.random(named: "tiny", seed: 11)
        let c = try LlamaModel.random(named: "tiny", seed: 12)
        #expect(a.layers[1].down.dequantized().array == b.layers[1].down.dequantized().array)
        #expect(a.embedding.array != c.embedding.array)
        let std = a.embedding.array.map { Double($0 * $0) }.reduce(0, +) / Double(a.embedding.count)
        #expect(abs(std.squareRoot() - 0.02) < 0.001)
    }

    /// Each sequence of a batch gets exactly the logits it gets alone (every
    /// row's products are computed the same way whatever the other rows).
    @Test func batchingDoesNotChangeResults() throws {
        let model = try LlamaModel.random(named: "tiny", seed: 3)
        let together = try model.forward(batch, logits: .all)
        for (i, seq) in batch.enumerated() {
            let alone = try model.forward([seq], logits: .all)
            for t in 0..<seq.count {
                #expect(alone.logits(row: t)! == together.logits(row: together.sequenceRows[i].lowerBound + t)!)
            }
        }
    }

    /// Decoding token by token over the KV cache reproduces a full forward
    /// pass: to float32 rounding with f32 weights; with bf16 and NF4 weights
    /// the full pass multiplies bf16-rounded activations (bf16 compute)
    /// while decode keeps them in f32, a difference of bf16's precision.
    @Test(arguments: [WeightFormat.f32, .nf4, .bf16, .q8])
    func cachedDecodeMatchesFullForward(format: WeightFormat) throws {
        let model = try LlamaModel.random(config: try LlamaConfig.named("tiny"), seed: 5, format: format)
        let full = try model.forward(batch, logits: .all)
        let cache = try KVCache(model: model, sequences: batch.count, capacity: 16)
        _ = try model.forward(batch.map { Array($0.prefix(2)) }, cache: cache, logits: .last)
        for step in 2..<9 {
            let next = batch.map { $0.count > step ? [$0[step]] : [] }
            let r = try model.forward(next, cache: cache, logits: .last)
            for (i, seq) in batch.enumerated() where seq.count > step {
                let got = try #require(r.lastLogits(sequence: i))
                let want = full.logits(row: full.sequenceRows[i].lowerBound + step)!
                #expect(maxRelativeDifference(got, want) < (format == .f32 ? 1e-5 : 1e-2), "format \(format) sequence \(i) step \(step)")
            }
        }
        #expect(cache.lengths == batch.map(\.count))
    }

    /// The fused NF4 path computes what float32 does with the dequantized weights.
    @Test func nf4ModelEqualsF32ModelWithDequantizedWeights() throws {
        let nf4 = try LlamaModel.random(config: try LlamaConfig.named("tiny"), seed: 9, format: .nf4, outputFormat: .f32)
        nf4.bf16Compute = false
        let f32 = try dequantizedCopy(of: nf4)
        let a = try nf4.forward(batch, logits: .all), b = try f32.forward(batch, logits: .all)
        // Same weights, same f32 products (only the decode path sums blocks in another order).
        #expect(maxRelativeDifference(a.logits!.array, b.logits!.array) < 1e-5)
        nf4.bf16Compute = true
        let c = try nf4.forward(batch, logits: .all)
        #expect(maxRelativeDifference(c.logits!.array, b.logits!.array) < 2e-2)
    }

    @Test func resultsAreBitIdenticalAcrossThreadCounts() throws {
        let model = try LlamaModel.random(config: try LlamaConfig.named("tiny"), seed: 4, format: .nf4)
        var results: [[Float]] = []
        for threads in [1, 2, 3] as [Int32] {
            lt_set_threads(threads)
            results.append(try model.forward(batch, logits: .all).logits!.array)
        }
        lt_set_threads(2)
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    @Test func activationsHoldWhatBackwardNeeds() throws {
        let model = try LlamaModel.random(named: "tiny", seed: 8)
        let c = model.config
        let r = try model.forward(batch, logits: .none, keepActivations: true)
        let act = try #require(r.activations)
        let rows = batch.map(\.count).reduce(0, +)
        #expect(act.layers.count == c.numHiddenLayers)
        #expect(act.tokens == batch.flatMap { $0 })
        #expect(act.positions == batch.flatMap { s in (0..<s.count).map(Int32.init) })
        let l0 = act.layers[0]
        #expect(l0.q.count == rows * c.numAttentionHeads * c.headDim && l0.k.count == rows * c.numKeyValueHeads * c.headDim)
        #expect(l0.gate.count == rows * c.intermediateSize && l0.attentionLSE.count == rows * c.numAttentionHeads)
        // Layer 0's input is the embedding of the tokens; the next layer's input
        // is this layer's middle plus the MLP, which differs from the middle.
        let d = c.hiddenSize
        #expect(l0.input.slice(0, d) == model.embedding.slice(Int(batch[0][0]) * d, d))
        #expect(act.layers[1].input.array != l0.middle.array)
        // The final hidden states are the RMS-normalised final input.
        let x = act.finalInput.slice(0, d)
        let inv = 1 / (x.map { Double($0 * $0) }.reduce(0, +) / Double(d) + c.rmsNormEps).squareRoot()
        #expect(abs(Double(act.finalInvRms[0]) - inv) < inv * 1e-6)
        #expect(abs(Double(r.hidden[0]) - Double(x[0]) * inv * Double(model.finalNorm[0])) < 1e-5)
    }

    @Test func badInputsAreClearErrors() throws {
        let model = try LlamaModel.random(named: "tiny", seed: 1)
        #expect(throws: ModelError.self) { try model.forward([]) }
        #expect(throws: ModelError.self) { try model.forward([[]]) }
        let e = try #require(throws: ModelError.self) { try model.forward([[1, 2], [3, 256]]) }
        #expect(e.kind == .invalidInput && e.description.contains("sequence 1, token 1"))
        #expect(throws: ModelError.self) { try model.forward([[-1]]) }
        let cache = try KVCache(model: model, sequences: 1, capacity: 4)
        _ = try model.forward([[1, 2, 3]], cache: cache)
        let full = try #require(throws: ModelError.self) { try model.forward([[4, 5]], cache: cache) }
        #expect(full.kind == .cacheFull)
        #expect(throws: ModelError.self) { try model.forward([[1], [2]], cache: cache) }
        #expect(throws: ModelError.self) { try model.perplexity([[1]]) }
    }

    @Test func perplexityOfAUniformModelIsTheVocabularySize() throws {
        // All-zero weights: every logit is 0, so every token has probability 1/vocab.
        let c = try LlamaConfig.named("tiny")
        let m = try LlamaModel.random(config: c, seed: 1, std: 0)
        let p = try m.perplexity([[1, 2, 3, 4], [9, 8, 7]])
        #expect(abs(p.perplexity - Double(c.vocabSize)) < 1e-3)
        #expect(p.tokenCount == 5)
    }
}
