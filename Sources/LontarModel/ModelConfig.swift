import Foundation
import LontarModelFiles

/// Named Llama configurations for random-weight models and tests.
extension LlamaConfig {
    /// Elements of the largest linear weight of a block (a loader's scratch size).
    var largestBlockWeight: Int {
        let d = hiddenSize, attention = numAttentionHeads * headDim
        return max(attention * d, numKeyValueHeads * headDim * d, intermediateSize * d)
    }

    /// The names `named(_:)` knows.
    public static let knownNames = ["tiny", "smollm2-135m", "llama3-8b", "llama3.1-8b"]

    /// A named configuration: "tiny" (a 2-layer toy for tests),
    /// "smollm2-135m" (SmolLM2-135M), "llama3-8b" (Meta Llama 3 8B),
    /// "llama3.1-8b" (Llama 3.1 8B, with its rope scaling).
    public static func named(_ name: String) throws -> LlamaConfig {
        switch name.lowercased() {
        case "tiny":
            return LlamaConfig(hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
                               intermediateSize: 128, rmsNormEps: 1e-5, ropeTheta: 10000, vocabSize: 256,
                               tieWordEmbeddings: false, maxPositionEmbeddings: 256, headDim: 16)
        case "smollm2-135m":
            return LlamaConfig(hiddenSize: 576, numHiddenLayers: 30, numAttentionHeads: 9, numKeyValueHeads: 3,
                               intermediateSize: 1536, rmsNormEps: 1e-5, ropeTheta: 100000, vocabSize: 49152,
                               tieWordEmbeddings: true, maxPositionEmbeddings: 8192, headDim: 64)
        case "llama3-8b":
            return LlamaConfig(hiddenSize: 4096, numHiddenLayers: 32, numAttentionHeads: 32, numKeyValueHeads: 8,
                               intermediateSize: 14336, rmsNormEps: 1e-5, ropeTheta: 500000, vocabSize: 128256,
                               tieWordEmbeddings: false, maxPositionEmbeddings: 8192, headDim: 128)
        case "llama3.1-8b":
            return LlamaConfig(hiddenSize: 4096, numHiddenLayers: 32, numAttentionHeads: 32, numKeyValueHeads: 8,
                               intermediateSize: 14336, rmsNormEps: 1e-5, ropeTheta: 500000,
                               ropeScaling: RopeScaling(type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4,
                                                        originalMaxPositionEmbeddings: 8192),
                               vocabSize: 128256, tieWordEmbeddings: false, maxPositionEmbeddings: 131072, headDim: 128)
        default:
            throw ModelError(.invalidConfig, "unknown model configuration '\(name)' (known: \(knownNames.joined(separator: ", ")))")
        }
    }

    /// Checks that the numbers describe a model the engine can run.
    public func validateForLontar() throws {
        func fail(_ m: String) -> ModelError { ModelError(.invalidConfig, m) }
        guard hiddenSize > 0, numHiddenLayers > 0, intermediateSize > 0, vocabSize > 0 else {
            throw fail("hidden size, layer count, feed-forward size and vocabulary must be positive (got \(hiddenSize), \(numHiddenLayers), \(intermediateSize), \(vocabSize))")
        }
        guard numAttentionHeads > 0, numKeyValueHeads > 0, numAttentionHeads % numKeyValueHeads == 0 else {
            throw fail("attention heads \(numAttentionHeads) must be a positive multiple of key/value heads \(numKeyValueHeads)")
        }
        guard headDim > 0, headDim % 2 == 0 else { throw fail("head dimension \(headDim) must be positive and even (rotary pairs)") }
        guard vocabSize <= Int(Int32.max) else { throw fail("vocabulary of \(vocabSize) does not fit 32-bit token ids") }
        guard rmsNormEps > 0, ropeTheta > 0 else { throw fail("rms_norm_eps and rope theta must be positive") }
    }

    /// Rotary inverse frequencies for each pair of a head: base^(-2i/d),
    /// with Llama 3 scaling when configured, divided by per-pair factors
    /// when given (GGUF's `rope_freqs.weight`).
    public func ropeInverseFrequencies(freqFactors: [Float]? = nil) -> [Float] {
        let half = headDim / 2
        var inv = Self.ropeInverseFrequencies(theta: ropeTheta, headDim: headDim)
        if let s = ropeScaling, s.type == "llama3" {
            let old = Double(s.originalMaxPositionEmbeddings)
            let lowWavelen = old / s.lowFreqFactor, highWavelen = old / s.highFreqFactor
            inv = inv.map { f in
                let wavelen = 2 * Double.pi / Double(f)
                if wavelen < highWavelen { return f }
                if wavelen > lowWavelen { return Float(Double(f) / s.factor) }
                let smooth = (old / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor)
                return Float((1 - smooth) * Double(f) / s.factor + smooth * Double(f))
            }
        }
        if let factors = freqFactors, factors.count == half {
            inv = zip(inv, factors).map { $0 / $1 }
        }
        return inv
    }

    /// Unscaled rotary inverse frequencies base^(-2i/d) in float32, as
    /// transformers computes them (the trainer's model uses these too).
    public static func ropeInverseFrequencies(theta: Double, headDim: Int) -> [Float] {
        (0..<headDim / 2).map { i -> Float in
            let exponent = Float(2 * i) / Float(headDim)
            return 1 / Float(pow(theta, Double(exponent)))
        }
    }
}
