import Foundation

/// Target word counts for the synthetic corpus, matched to the paper's
/// Table 3 (Spark `Tokenizer` words over its 1.5M prompts):
///
/// | column | mean | stddev | min | max  |
/// |--------|------|--------|-----|------|
/// | input  | 282  | 117    | 11  | 1416 |
/// | output | 120  | 100    | 1   | 1319 |
///
/// Lengths are log-normal (right-skewed, like real abstracts and openings),
/// with a small share of very short texts, and clamped to the table's range.
enum PaperLengths {
    struct Shape {
        var mu: Double
        var sigma: Double
        var min: Int
        var max: Int
        /// Percent of texts drawn uniformly from `min ... shortMax` instead.
        var shortPercent: Int
        var shortMax: Int

        func draw(_ rng: inout GeneratorRandom) -> Int {
            if rng.below(1000) < shortPercent { return rng.int(min, shortMax) }
            let x = exp(mu + sigma * rng.normal())
            return Swift.min(Swift.max(Int(x.rounded()), min), max)
        }
    }

    /// Whole prompts, template words included.
    static let input = Shape(mu: 5.565, sigma: 0.40, min: 11, max: 1416, shortPercent: 3, shortMax: 60)
    /// Openings and abstracts given as answers.
    static let output = Shape(mu: 4.53, sigma: 0.72, min: 1, max: 1319, shortPercent: 8, shortMax: 12)
}
