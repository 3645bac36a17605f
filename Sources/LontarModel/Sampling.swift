import Foundation

/// How generation picks each next token.
public struct GenerationOptions: Sendable, Equatable {
    /// Most tokens to generate.
    public var maxNewTokens: Int
    /// 0 = greedy (argmax); otherwise logits are divided by it before sampling.
    public var temperature: Double
    /// Sample only among the k most likely tokens (0 = no limit).
    public var topK: Int
    /// Sample only among the most likely tokens whose probabilities add up
    /// to at least p (1 = no limit).
    public var topP: Double
    /// Penalty on tokens already in the prompt or output, as in transformers:
    /// a positive logit is divided by it, a negative one multiplied (1 = none).
    public var repetitionPenalty: Double
    /// Seed of the sampling generator (the same seed gives the same text).
    public var seed: UInt64
    /// Stop after an end-of-sequence token of the model.
    public var stopAtEOS: Bool
    /// Further tokens that end generation.
    public var stopTokens: Set<Int32>

    public init(maxNewTokens: Int = 128, temperature: Double = 0, topK: Int = 0, topP: Double = 1,
                repetitionPenalty: Double = 1, seed: UInt64 = 0, stopAtEOS: Bool = true, stopTokens: Set<Int32> = []) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
        self.stopAtEOS = stopAtEOS
        self.stopTokens = stopTokens
    }

    /// Greedy decoding of up to `maxNewTokens` tokens.
    public static func greedy(maxNewTokens: Int = 128) -> GenerationOptions { GenerationOptions(maxNewTokens: maxNewTokens) }

    func validate() throws {
        func bad(_ m: String) -> ModelError { ModelError(.invalidInput, m) }
        guard maxNewTokens >= 0 else { throw bad("max new tokens must not be negative (got \(maxNewTokens))") }
        guard temperature >= 0, temperature.isFinite else { throw bad("temperature must be 0 (greedy) or positive (got \(temperature))") }
        guard topK >= 0 else { throw bad("top_k must not be negative (got \(topK))") }
        guard topP > 0, topP <= 1 else { throw bad("top_p must be in (0, 1] (got \(topP))") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else { throw bad("repetition penalty must be positive (got \(repetitionPenalty))") }
    }
}

/// SplitMix64: a small, fast, seedable generator (sampling must be
/// reproducible from the seed alone).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Picks next tokens from logits following transformers' order: repetition
/// penalty, then (when sampling) temperature, top-k, top-p, and a draw.
public struct Sampler: Sendable {
    public let options: GenerationOptions
    var rng: SeededGenerator

    public init(options: GenerationOptions) {
        self.options = options
        rng = SeededGenerator(seed: options.seed)
    }

    /// The next token given the logits and the tokens so far (prompt and output).
    public mutating func next(logits input: [Float], history: [Int32]) -> Int32 {
        var logits = input
        if options.repetitionPenalty != 1 {
            let p = Float(options.repetitionPenalty)
            for t in Set(history) where Int(t) < logits.count {
                let i = Int(t)
                logits[i] = logits[i] > 0 ? logits[i] / p : logits[i] * p
            }
        }
        if options.temperature == 0 { return Int32(Sampler.argmax(logits)) }

        // Candidates worth considering: tokens within exp(-30) of the best
        // (the rest hold under 1e-8 of the probability mass at any vocabulary
        // size Lontar runs), most likely first.
        let t = options.temperature
        let best = Double(logits.max() ?? 0)
        var candidates: [(id: Int, score: Double)] = []
        for (i, l) in logits.enumerated() {
            let s = (Double(l) - best) / t
            if s > -30 { candidates.append((i, s)) }
        }
        candidates.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        if options.topK > 0, candidates.count > options.topK { candidates.removeLast(candidates.count - options.topK) }
        var probs = candidates.map { exp($0.score) }
        let total = probs.reduce(0, +)
        probs = probs.map { $0 / total }
        if options.topP < 1 {
            var cumulative = 0.0, keep = 0
            while keep < probs.count {
                cumulative += probs[keep]
                keep += 1
                if cumulative >= options.topP { break }
            }
            probs.removeLast(probs.count - keep)
            let kept = probs.reduce(0, +)
            probs = probs.map { $0 / kept }
        }
        var u = rng.unit(), chosen = probs.count - 1
        for (j, p) in probs.enumerated() {
            if u < p { chosen = j; break }
            u -= p
        }
        return Int32(candidates[chosen].id)
    }

    /// Index of the largest value (the first one on ties, like torch.argmax).
    public static func argmax(_ x: [Float]) -> Int {
        x.withUnsafeBufferPointer { p in
            var best = 0
            for i in 1..<max(p.count, 1) where p[i] > p[best] { best = i }
            return best
        }
    }
}
