import Foundation
import Testing
import LontarModel
import LontarModelFiles

/// Generation over the KV cache and the sampler's rules.
@Suite struct GenerationTests {
    let prompt: [Int32] = [5, 9, 200, 31, 7]

    func model() throws -> LlamaModel {
        // Larger weights than the default make the tiny model's distributions peaked.
        let m = try LlamaModel.random(config: try LlamaConfig.named("tiny"), seed: 21, std: 0.08)
        m.eosTokenIds = [2]
        return m
    }

    @Test func greedyEqualsArgmaxOfFullForwardPasses() throws {
        let m = try model()
        let out = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 12, stopAtEOS: false))
        var seq = prompt
        for _ in 0..<12 {
            let logits = try m.forward([seq], logits: .last).lastLogits(sequence: 0)!
            seq.append(Int32(Sampler.argmax(logits)))
        }
        #expect(out.tokens == Array(seq.dropFirst(prompt.count)))
        #expect(out.stopReason == .maxTokens)
    }

    @Test func samplingIsReproducibleFromTheSeed() throws {
        let m = try model()
        let options = GenerationOptions(maxNewTokens: 20, temperature: 1.2, topK: 50, topP: 0.95, seed: 99, stopAtEOS: false)
        let a = try m.generate(prompt: prompt, options: options), b = try m.generate(prompt: prompt, options: options)
        #expect(a.tokens == b.tokens)
        var other = options
        other.seed = 100
        let c = try m.generate(prompt: prompt, options: other)
        #expect(c.tokens != a.tokens)
    }

    @Test func topKOneAndTinyTopPAreGreedy() throws {
        let m = try model()
        let greedy = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 10, stopAtEOS: false))
        let k1 = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 10, temperature: 2, topK: 1, seed: 3, stopAtEOS: false))
        let p0 = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 10, temperature: 2, topP: 1e-9, seed: 3, stopAtEOS: false))
        #expect(k1.tokens == greedy.tokens && p0.tokens == greedy.tokens)
    }

    /// Sampled frequencies follow softmax(logits / T) restricted to the top-k.
    @Test func samplerFollowsTheTemperatureDistribution() {
        let logits: [Float] = [2.0, 1.0, 0.5, -1.0, 3.0]
        var sampler = Sampler(options: GenerationOptions(temperature: 0.7, topK: 3, seed: 12345))
        var counts = [Int](repeating: 0, count: logits.count)
        let n = 20000
        for _ in 0..<n { counts[Int(sampler.next(logits: logits, history: []))] += 1 }
        let kept = [4, 0, 1]  // the top 3
        let z = kept.map { exp(Double(logits[$0]) / 0.7) }.reduce(0, +)
        for i in kept {
            let p = exp(Double(logits[i]) / 0.7) / z
            let sd = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(Double(counts[i]) / Double(n) - p) < 5 * sd, "token \(i)")
        }
        #expect(counts[2] == 0 && counts[3] == 0)
    }

    @Test func topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.3, 0.2 (logits = log p): top_p 0.7 keeps the first two.
        let logits = [0.5, 0.3, 0.2].map { Float(log($0)) }
        var sampler = Sampler(options: GenerationOptions(temperature: 1, topP: 0.7, seed: 1))
        var counts = [0, 0, 0]
        for _ in 0..<6000 { counts[Int(sampler.next(logits: logits, history: []))] += 1 }
        #expect(counts[2] == 0)
        #expect(abs(Double(counts[0]) / 6000 - 0.625) < 0.03)
    }

    @Test func repetitionPenaltyFollowsTransformers() {
        // Token 0 (positive logit) is divided, token 1 (negative) multiplied.
        let logits: [Float] = [3.0, -1.0, 2.5]
        var sampler = Sampler(options: GenerationOptions(repetitionPenalty: 1.5))
        #expect(sampler.next(logits: logits, history: [0]) == 2)      // 3/1.5 = 2 < 2.5
        #expect(sampler.next(logits: logits, history: []) == 0)
        var other = Sampler(options: GenerationOptions(repetitionPenalty: 1.1))
        #expect(other.next(logits: logits, history: [0]) == 0)        // 3/1.1 > 2.5
    }

    @Test func stopsAtEOSAndStopTokensAndCallback() throws {
        let m = try model()
        let free = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 10, stopAtEOS: false))
        // Declare the third generated token an end-of-sequence token.
        m.eosTokenIds = [free.tokens[2]]
        let first = free.tokens.firstIndex(of: free.tokens[2])!
        let eos = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 10))
        #expect(eos.tokens == Array(free.tokens.prefix(first + 1)) && eos.stopReason == .endOfSequence)
        m.eosTokenIds = []
        let stop = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 10, stopTokens: [free.tokens[2]]))
        #expect(stop.stopReason == .stopToken && stop.tokens.last == free.tokens[2])
        var seen = 0
        let cb = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 10), onToken: { _ in seen += 1; return seen < 4 })
        #expect(cb.tokens == Array(free.tokens.prefix(4)) && cb.stopReason == .callback)
    }

    @Test func streamedTextAddsUpToTheDecodedText() throws {
        let m = try model()
        var pieces: [String] = []
        let decode: ([Int32]) -> String = { $0.map { "<\($0)>" }.joined() }
        let out = try m.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 8, stopAtEOS: false),
                                 decode: decode, onToken: { pieces.append($0.text ?? "?"); return true })
        #expect(pieces.joined() == out.text)
        #expect(out.text == decode(out.tokens))
    }

    @Test func batchedGenerationEqualsOneByOne() throws {
        let m = try model()
        let prompts: [[Int32]] = [prompt, [1, 2, 3], [100, 101, 102, 103, 104, 105, 106]]
        let options = GenerationOptions(maxNewTokens: 6, temperature: 0.9, seed: 5, stopAtEOS: false)
        let together = try m.generate(prompts: prompts, options: options)
        for (i, p) in prompts.enumerated() {
            var o = options
            o.seed = options.seed &+ UInt64(i) &* 0x2545_F491_4F6C_DD1D
            let alone = try m.generate(prompt: p, options: o)
            #expect(alone.tokens == together[i].tokens, "prompt \(i)")
        }
    }

    @Test func badOptionsAreRefused() throws {
        let m = try model()
        #expect(throws: ModelError.self) { try m.generate(prompt: prompt, options: GenerationOptions(temperature: -1)) }
        #expect(throws: ModelError.self) { try m.generate(prompt: prompt, options: GenerationOptions(topP: 0)) }
        #expect(throws: ModelError.self) { try m.generate(prompt: [], options: GenerationOptions()) }
        #expect(throws: ModelError.self) { try m.generate(prompt: [300], options: GenerationOptions()) }
    }
}
