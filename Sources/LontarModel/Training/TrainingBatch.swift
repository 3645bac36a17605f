/// One micro-batch ready for the model: B sequences of T tokens laid out
/// row-major, with the next-token target of every position (negative =
/// ignored: prompt tokens, padding, the last position), the rotary position of
/// every token, and, for packed rows, a segment id per token so documents
/// sharing a row cannot attend to each other.
public struct TrainingBatch: Sendable, Equatable {
    public var sequences: Int
    public var length: Int
    public var tokens: [Int32]
    public var targets: [Int32]
    public var positions: [Int32]
    public var segments: [Int32]?

    public init(sequences: Int, length: Int, tokens: [Int32], targets: [Int32], positions: [Int32],
                segments: [Int32]? = nil) {
        precondition(tokens.count == sequences * length && targets.count == tokens.count
                     && positions.count == tokens.count && (segments?.count ?? tokens.count) == tokens.count)
        self.sequences = sequences
        self.length = length
        self.tokens = tokens
        self.targets = targets
        self.positions = positions
        self.segments = segments
    }

    /// Number of token rows, B * T.
    public var rows: Int { sequences * length }
    /// Number of positions whose prediction counts towards the loss.
    public var countedTokens: Int { targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}
