/// Decides the kind of each next sentence so a text has the shape of its
/// kind whatever its length: an abstract opens with (some) background, states
/// its aim and method, reports results and ends with a conclusion; an
/// opening starts with a field-level sentence, reviews background and prior
/// results, and ends with the paper's aim (and, on arXiv, its outline).
///
/// Lengths are planned with an estimated sentence length; the closing
/// sentences start when the words left would fill about that many.
struct SentencePlanner {
    /// Rough words per sentence, over all fields and kinds.
    static let wordsPerSentence = 20

    private var opening: [SentenceKind]
    private var body: (main: SentenceKind, other: SentenceKind, otherPercent: Int)
    private var closing: [SentenceKind]
    private let target: Int
    private var closed = 0
    private var rng: GeneratorRandom

    init(_ kind: PaperTextKind, field: PaperField, targetWords: Int, rng: inout GeneratorRandom) {
        let n = max(1, (targetWords + Self.wordsPerSentence / 2) / Self.wordsPerSentence)
        target = targetWords
        switch kind {
        case .abstract:
            let background = n >= 6 ? rng.int(1, 2) : (n >= 4 ? rng.int(0, 1) : 0)
            opening = [SentenceKind](repeating: .background, count: background) + (n >= 3 ? [.aim, .method] : [.aim])
            body = (.result, .method, 30)
            closing = n >= 9 ? [.conclusion, .conclusion] : n >= 3 ? [.conclusion] : []
        case .opening:
            opening = [.opener]
            body = (.background, .result, 15)
            closing = n >= 8 && field.usesOutline ? [.aim, .outline, .outline, .outline]
                : n >= 5 ? [.aim, .method] : n >= 3 ? [.aim] : []
        }
        // Draws of the plan come from the row's stream, then it goes its own way.
        self.rng = GeneratorRandom(seed: rng.next())
    }

    /// The kind of the next sentence, given the words written so far.
    mutating func next(wordsSoFar words: Int) -> SentenceKind {
        if !opening.isEmpty { return opening.removeFirst() }
        let left = target - words
        // Once the close has begun it runs to its end without interruption.
        if closed < closing.count && (closed > 0 || left <= closing.count * Self.wordsPerSentence) {
            closed += 1
            return closing[closed - 1]
        }
        if closed > 0 && closed == closing.count {
            return closing.last == .outline ? .outline : body.main  // ran past the estimate
        }
        return rng.chance(body.otherPercent) ? body.other : body.main
    }
}
