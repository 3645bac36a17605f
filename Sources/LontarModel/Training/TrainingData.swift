/// A tokenized training example: token ids and, per token, whether it is
/// part of the response (its prediction counts towards the loss).
public struct TrainingExample: Sendable, Equatable, Codable {
    public var ids: [Int32]
    public var lossMask: [Bool]

    public init(ids: [Int32], lossMask: [Bool]) {
        self.ids = ids
        self.lossMask = lossMask
    }

    /// An example whose every token counts.
    public init(ids: [Int32]) { self.init(ids: ids, lossMask: [Bool](repeating: true, count: ids.count)) }
}

/// How examples become batches.
public struct DataConfig: Codable, Sendable, Equatable {
    /// Tokens per row; longer examples are truncated (their tail is dropped).
    public var sequenceLength: Int
    /// Rows per micro-batch.
    public var batchSize: Int
    /// Pack several examples into each row (separated by attention segments)
    /// instead of one right-padded example per row.
    public var packing: Bool
    /// The id written into padding (never attended to by real tokens, never counted).
    public var padToken: Int32
    /// Examples held out for the evaluation loss (taken from a seeded shuffle).
    public var evalExamples: Int

    public init(sequenceLength: Int = 256, batchSize: Int = 4, packing: Bool = false, padToken: Int32 = 0,
                evalExamples: Int = 0) {
        self.sequenceLength = sequenceLength
        self.batchSize = batchSize
        self.packing = packing
        self.padToken = padToken
        self.evalExamples = evalExamples
    }
}

/// Examples split into training and held-out sets, cut into batches in a
/// seeded order: epoch e visits the training examples in a permutation drawn
/// from (seed, e), so any position (epoch, batch) can be rebuilt on resume.
public struct TrainingDataset: Sendable {
    public let config: DataConfig
    public let train: [TrainingExample]
    public let eval: [TrainingExample]
    public let seed: UInt64

    public init(examples: [TrainingExample], config: DataConfig, seed: UInt64) throws {
        guard config.sequenceLength >= 2, config.batchSize >= 1 else {
            throw TrainingError.invalidConfiguration("sequence length must be at least 2 and batch size at least 1")
        }
        for (i, e) in examples.enumerated() where e.ids.count != e.lossMask.count {
            throw TrainingError.invalidConfiguration(
                "example \(i) has \(e.ids.count) ids but \(e.lossMask.count) loss-mask values")
        }
        let usable = examples.filter { e in e.ids.count >= 2 && e.lossMask.dropFirst().prefix(config.sequenceLength - 1).contains(true) }
        guard usable.count > config.evalExamples else {
            throw TrainingError.invalidConfiguration(
                "\(usable.count) examples have a response token to learn; \(config.evalExamples) are held out for evaluation")
        }
        var rng = TrainingRNG(seed: seed ^ 0x5eed_da7a)
        let order = rng.permutation(usable.count)
        eval = order.prefix(config.evalExamples).map { usable[$0] }
        train = order.dropFirst(config.evalExamples).map { usable[$0] }
        self.config = config
        self.seed = seed
    }

    /// The training examples' order in epoch `epoch`.
    public func order(epoch: Int) -> [Int] {
        var rng = TrainingRNG(seed: seed &+ UInt64(epoch) &* 0x9e37_79b9_7f4a_7c15)
        return rng.permutation(train.count)
    }

    /// The batches of one epoch (the last one completed with ignored padding rows).
    public func batches(epoch: Int) -> [TrainingBatch] {
        rowsToBatches(makeRows(order(epoch: epoch).map { train[$0] }))
    }

    /// The held-out examples as batches.
    public func evalBatches() -> [TrainingBatch] { rowsToBatches(makeRows(eval)) }

    private struct Row {
        var tokens: [Int32] = [], targets: [Int32] = [], positions: [Int32] = [], segments: [Int32] = []
    }

    /// One row per example (padding) or examples packed greedily into rows.
    private func makeRows(_ examples: [TrainingExample]) -> [Row] {
        let T = config.sequenceLength
        var rows: [Row] = []
        var current = Row()
        var segment: Int32 = 0
        for e in examples {
            let n = min(e.ids.count, T)
            if !config.packing || current.tokens.count + n > T, !current.tokens.isEmpty {
                rows.append(current)
                current = Row()
                segment = 0
            }
            for i in 0..<n {
                current.tokens.append(e.ids[i])
                current.targets.append(i + 1 < n && e.lossMask[i + 1] ? e.ids[i + 1] : -100)
                current.positions.append(Int32(i))
                current.segments.append(segment)
            }
            segment += 1
        }
        if !current.tokens.isEmpty { rows.append(current) }
        return rows
    }

    private func rowsToBatches(_ rows: [Row]) -> [TrainingBatch] {
        let T = config.sequenceLength, B = config.batchSize
        var batches: [TrainingBatch] = []
        var start = 0
        while start < rows.count {
            var tokens: [Int32] = [], targets: [Int32] = [], positions: [Int32] = [], segments: [Int32] = []
            for r in start..<(start + B) {
                let row = r < rows.count ? rows[r] : Row()
                let pad = T - row.tokens.count
                tokens += row.tokens + [Int32](repeating: config.padToken, count: pad)
                targets += row.targets + [Int32](repeating: -100, count: pad)
                // Padding continues the positions and gets its own segment.
                positions += row.positions + (0..<pad).map { Int32(row.tokens.count + $0) }
                segments += row.segments + [Int32](repeating: -1, count: pad)
            }
            batches.append(TrainingBatch(sequences: B, length: T, tokens: tokens, targets: targets,
                                         positions: positions, segments: config.packing ? segments : nil))
            start += B
        }
        return batches
    }
}
