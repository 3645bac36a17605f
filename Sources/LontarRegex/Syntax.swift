/// The parsed form of a pattern. Flags such as `(?i)` are already applied:
/// a case-insensitive letter is a two-member set, `.` is a set, `^` is
/// either `startOfText` or `startOfLine` — so the compiler sees no flags.
indirect enum RegexNode: Equatable, Sendable {
    /// Matches the empty string.
    case empty
    /// One code point, exactly.
    case literal(UInt32)
    /// One code point from the set.
    case set(CodePointSet)
    case concat([RegexNode])
    /// Alternatives in priority order (Java tries them left to right).
    case alternation([RegexNode])
    /// A group; `capture` is its 1-based group number when capturing.
    case group(RegexNode, capture: Int?)
    /// `body{min,max}` (`max == nil`: unbounded), greedy or lazy.
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case assertion(RegexAssertion)

    /// Whether the node can match without consuming input (ignoring whether
    /// its assertions hold).
    var canMatchEmpty: Bool {
        switch self {
        case .empty, .assertion: return true
        case .literal, .set: return false
        case .concat(let items): return items.allSatisfy(\.canMatchEmpty)
        case .alternation(let alts): return alts.contains(where: \.canMatchEmpty)
        case .group(let body, _): return body.canMatchEmpty
        case .repetition(let body, let min, _, _): return min == 0 || body.canMatchEmpty
        }
    }

    /// Java's "deterministic" test (`TreeInfo.deterministic` from `study`):
    /// no alternation, no `?`, no quantifier whose minimum and maximum differ.
    /// Java repeats such groups with `GroupCurly`, whose zero-length rounds
    /// leave the group's capture untouched.
    var isDeterministic: Bool {
        switch self {
        case .empty, .assertion, .literal, .set: return true
        case .concat(let items): return items.allSatisfy(\.isDeterministic)
        case .alternation: return false
        case .group(let body, _): return body.isDeterministic
        case .repetition(let body, let min, let max, _): return max == min && body.isDeterministic
        }
    }

    /// Capturing groups whose value Java reports from its backtracking
    /// history rather than from the match: groups nested inside a repeated
    /// group that Java runs with `GroupCurly` (a repeated group with a
    /// deterministic body, any quantifier except `?`/`{0,1}`). `GroupCurly`
    /// never resets the groups inside it when it backs off or fails, so
    /// `(?:(\w))+\w` on "ab" reports group 1 as "b" where the match used "a".
    var historyDependentCaptures: Set<Int> {
        var out = Set<Int>()
        collectHistoryDependent(inside: false, into: &out)
        return out
    }

    private func collectHistoryDependent(inside: Bool, into out: inout Set<Int>) {
        switch self {
        case .empty, .literal, .set, .assertion:
            return
        case .concat(let items):
            for item in items { item.collectHistoryDependent(inside: inside, into: &out) }
        case .alternation(let alts):
            for a in alts { a.collectHistoryDependent(inside: inside, into: &out) }
        case .group(let body, let capture):
            if inside, let capture { out.insert(capture) }
            body.collectHistoryDependent(inside: inside, into: &out)
        case .repetition(let body, let min, let max, _):
            let isQuestion = min == 0 && max == 1
            if !isQuestion, case .group(let inner, _) = body, inner.isDeterministic {
                // The repeated group's own capture is restored correctly;
                // groups inside it are not.
                inner.collectHistoryDependent(inside: true, into: &out)
            } else {
                body.collectHistoryDependent(inside: inside, into: &out)
            }
        }
    }

    /// Whether every path through the node consumes no input.
    var isZeroWidth: Bool {
        switch self {
        case .empty, .assertion: return true
        case .literal, .set: return false
        case .concat(let items): return items.allSatisfy(\.isZeroWidth)
        case .alternation(let alts): return alts.allSatisfy(\.isZeroWidth)
        case .group(let body, _): return body.isZeroWidth
        case .repetition(let body, _, let max, _): return max == 0 || body.isZeroWidth
        }
    }
}

/// Zero-width assertions, each a predicate on the text around a position.
enum RegexAssertion: UInt8, Equatable, Sendable {
    /// `\A`, and `^` without `(?m)`: the start of the input.
    case startOfText
    /// `\z`: the end of the input.
    case endOfText
    /// `\Z`, and `$` without `(?m)`: the end of the input, or before a line
    /// terminator (or `\r\n`) that ends the input.
    case endOfTextOrFinalTerminator
    /// `^` with `(?m)`: the start of the input or after a line terminator,
    /// but never at the end of the input and never between `\r` and `\n`.
    case startOfLine
    /// `$` with `(?m)`: before a line terminator or at the end of the input,
    /// never between `\r` and `\n`.
    case endOfLine
    /// `\b` (Java 17: letters, digits, `_`, and non-spacing marks after them).
    case wordBoundary
    /// `\B`.
    case notWordBoundary
}
