/// A compiled pattern: a Thompson-style NFA over code points, run by the
/// Pike VM (with captures) and by the lazy DFA (without).
///
/// Alternatives of a `split` are ordered: `next` is preferred over `alt`,
/// which encodes Java's backtracking priority (leftmost-first semantics).
struct Inst: Sendable {
    enum Op: UInt8, Sendable {
        /// Consume the code point `arg`.
        case char
        /// Consume a code point in `sets[arg]`.
        case set
        /// Try `next`, then `alt`.
        case split
        /// Continue at `next`.
        case jump
        /// Record the current position in capture slot `arg`.
        case save
        /// Continue if `RegexAssertion(rawValue: arg)` holds here.
        case assert
        /// Start a round of a loop whose body can match empty; `arg` is the
        /// loop's nesting depth (its bit in the thread's round mask).
        case roundStart
        /// End such a round: if it consumed nothing, leave the loop via
        /// `alt` (Java's `Loop` never iterates after an empty round),
        /// otherwise continue at `next`.
        case roundEnd
        /// The whole pattern matched.
        case match
    }

    var op: Op
    var arg: UInt32
    var next: Int32
    var alt: Int32

    init(_ op: Op, arg: UInt32 = 0, next: Int32 = -1, alt: Int32 = -1) {
        self.op = op
        self.arg = arg
        self.next = next
        self.alt = alt
    }
}

/// A character class prepared for fast membership tests: a bitmap for
/// ASCII and sorted ranges for the rest.
struct CompiledSet: Sendable {
    let asciiLow: UInt64
    let asciiHigh: UInt64
    /// Flattened closed ranges of members at or above U+0080.
    let bounds: [UInt32]
    let source: CodePointSet

    init(_ set: CodePointSet) {
        source = set
        var lo: UInt64 = 0, hi: UInt64 = 0
        var rest: [ClosedRange<UInt32>] = []
        for r in set.ranges {
            if r.lowerBound < 0x80 {
                for c in r.lowerBound...min(r.upperBound, 0x7F) {
                    if c < 64 { lo |= 1 << UInt64(c) } else { hi |= 1 << UInt64(c - 64) }
                }
            }
            if r.upperBound >= 0x80 { rest.append(max(r.lowerBound, 0x80)...r.upperBound) }
        }
        asciiLow = lo
        asciiHigh = hi
        bounds = rest.flatMap { [$0.lowerBound, $0.upperBound] }
    }

    @inline(__always)
    func contains(_ c: UInt32) -> Bool {
        if c < 64 { return asciiLow >> UInt64(c) & 1 != 0 }
        if c < 128 { return asciiHigh >> UInt64(c - 64) & 1 != 0 }
        return containsNonASCII(c)
    }

    func containsNonASCII(_ c: UInt32) -> Bool {
        bounds.withUnsafeBufferPointer { b in
            var lo = 0, hi = b.count / 2
            while lo < hi {
                let mid = (lo + hi) >> 1
                if b[2 * mid] <= c { lo = mid + 1 } else { hi = mid }
            }
            return lo > 0 && c <= b[2 * lo - 1]
        }
    }
}

/// Which position facts the program's assertions look at; the DFA only
/// tracks the context it needs, so most patterns keep one state per NFA set.
struct AssertionNeeds: OptionSet, Sendable {
    let rawValue: UInt8
    /// `\A` or `^` (start of input).
    static let textStart = AssertionNeeds(rawValue: 1)
    /// `\z`.
    static let textEnd = AssertionNeeds(rawValue: 2)
    /// `$` or `\Z` (end, or before a final line terminator).
    static let finalTerminator = AssertionNeeds(rawValue: 4)
    /// `(?m)^` or `(?m)$`: the kind of line terminator on either side.
    static let lines = AssertionNeeds(rawValue: 8)
    /// `\b` or `\B`.
    static let words = AssertionNeeds(rawValue: 16)
}

/// An NFA ready to run.
final class Program: Sendable {
    let insts: [Inst]
    let sets: [CompiledSet]
    /// Entry for a match starting exactly at the search position.
    let start: Int32
    /// Entry that also tries every later start, at lowest priority (a lazy
    /// `(?s:.)*?` prefix), for unanchored DFA searches.
    let unanchoredStart: Int32
    /// `2 * (groups + 1)` capture slots.
    let slotCount: Int
    let needs: AssertionNeeds
    /// Whether `roundStart`/`roundEnd` occur (Java's empty-round rule).
    let hasRounds: Bool
    /// Whether every match must start at the beginning of the input.
    let anchoredAtTextStart: Bool

    init(insts: [Inst], sets: [CompiledSet], start: Int32, unanchoredStart: Int32, slotCount: Int,
         needs: AssertionNeeds, hasRounds: Bool, anchoredAtTextStart: Bool) {
        self.insts = insts
        self.sets = sets
        self.start = start
        self.unanchoredStart = unanchoredStart
        self.slotCount = slotCount
        self.needs = needs
        self.hasRounds = hasRounds
        self.anchoredAtTextStart = anchoredAtTextStart
    }

    /// Whether instruction `pc` (a `char` or `set`) accepts code point `c`.
    @inline(__always)
    func accepts(_ pc: Int, _ c: UInt32) -> Bool {
        let inst = insts[pc]
        return inst.op == .char ? inst.arg == c : sets[Int(inst.arg)].contains(c)
    }
}
