import Foundation
import LontarKernels

/// Mean next-token cross-entropy of token sequences and its exponential.
public struct PerplexityResult: Sendable {
    /// Mean negative log-likelihood (nats per predicted token) over all sequences.
    public var meanNLL: Double
    /// exp(meanNLL).
    public var perplexity: Double { exp(meanNLL) }
    /// Number of predicted tokens (each sequence's length minus one).
    public var tokenCount: Int
    /// Per sequence: mean NLL and predicted tokens.
    public var perSequence: [(meanNLL: Double, tokens: Int)]
}

extension LlamaModel {
    /// Perplexity over token sequences (each scored on its own, from
    /// position 0): the mean over every predicted token of
    /// -log p(token | previous tokens), like transformers' loss with
    /// labels = input_ids. Logits are computed a few rows at a time, so the
    /// vocabulary-sized rows never exist all at once.
    public func perplexity(_ sequences: [[Int32]], batchSize: Int = 4) throws -> PerplexityResult {
        guard !sequences.isEmpty else { throw ModelError(.invalidInput, "no sequences to score") }
        if let short = sequences.firstIndex(where: { $0.count < 2 }) {
            throw ModelError(.invalidInput, "sequence \(short) has fewer than 2 tokens: nothing to predict")
        }
        var perSequence: [(Double, Int)] = []
        var total = 0.0, count = 0
        let chunk = 64
        for start in stride(from: 0, to: sequences.count, by: max(1, batchSize)) {
            let batch = Array(sequences[start..<min(sequences.count, start + max(1, batchSize))])
            let result = try forward(batch, logits: .none)
            for (i, seq) in batch.enumerated() {
                let rows = result.sequenceRows[i]
                var nll = 0.0
                for c in stride(from: 0, to: seq.count - 1, by: chunk) {
                    let n = min(chunk, seq.count - 1 - c)
                    let logits = projectToVocabulary(hidden: result.hidden, rows: Array((rows.lowerBound + c)..<(rows.lowerBound + c + n)))
                    let targets = Array(seq[(c + 1)...(c + n)])
                    nll += lt_train_cross_entropy(logits.pointer, targets, nil, n, vocabSize, 0)
                }
                perSequence.append((nll / Double(seq.count - 1), seq.count - 1))
                total += nll
                count += seq.count - 1
            }
        }
        return PerplexityResult(meanNLL: total / Double(count), tokenCount: count, perSequence: perSequence)
    }
}
