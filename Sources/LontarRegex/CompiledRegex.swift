import Foundation

/// Everything compiled from one pattern, shared (immutable) by all threads.
/// Mutable matching state lives in `MatchEngine`, one per thread.
final class CompiledRegex: Sendable {
    let source: String
    let captureCount: Int
    let groupNames: [String: Int]
    /// Groups whose Java value depends on backtracking history (see
    /// `RegexNode.historyDependentCaptures`).
    let historyDependentGroups: Set<Int>
    let root: RegexNode
    /// Captures and Java's loop rule; finds leftmost-first matches.
    let forward: Program
    /// The pattern followed by `\z`, for Java's `matches()`.
    let whole: Program
    /// The reversed pattern, for finding where a match starts; nil when its
    /// language would differ from Java's (see `ProgramCompiler.reverseIsExact`).
    let reverse: Program?
    /// A faster way to find matches, when the pattern's shape allows one.
    let shortcut: Shortcut?
    /// How to skip text where no match can start.
    let prefilter: Prefilter?
    private let pool = EnginePool()

    init(_ source: String) throws(RegexError) {
        let parsed = try PatternParser.parse(source)
        self.source = source
        captureCount = parsed.captureCount
        groupNames = parsed.groupNames
        root = parsed.root
        historyDependentGroups = parsed.root.historyDependentCaptures
        forward = try ProgramCompiler.forward(parsed.root, captureCount: parsed.captureCount, source: source)
        whole = try ProgramCompiler.forward(.concat([parsed.root, .assertion(.endOfText)]),
                                            captureCount: parsed.captureCount, source: source)
        reverse = ProgramCompiler.reverseIsExact(parsed.root)
            ? try ProgramCompiler.reverse(parsed.root, source: source) : nil
        shortcut = Shortcut(parsed.root)
        prefilter = Prefilter(parsed.root)
    }

    /// A matching engine no other thread is using; return it with `giveBack`.
    func takeEngine() -> MatchEngine { pool.take() ?? MatchEngine(self) }

    func giveBack(_ engine: MatchEngine) { pool.give(engine) }

    /// Runs `body` with a matching engine no other thread is using.
    @inline(__always)
    func withEngine<R, E: Error>(_ body: (MatchEngine) throws(E) -> R) throws(E) -> R {
        let engine = pool.take() ?? MatchEngine(self)
        defer { pool.give(engine) }
        return try body(engine)
    }
}

/// A small free list of engines, so concurrent callers each get their own
/// DFA caches and scratch space without allocating per call.
final class EnginePool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [MatchEngine] = []

    func take() -> MatchEngine? {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast()
    }

    func give(_ engine: MatchEngine) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < 4 { free.append(engine) }
    }
}
