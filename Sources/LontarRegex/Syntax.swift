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
    /// `\R`: `\r\n` or one vertical whitespace character. Java matches it
    /// with its own node (`LineEnding`), which backtracks from `\r\n` to `\r`
    /// when followed by the rest of the pattern, but is taken whole
    /// (`atomic`) when repeated by a quantifier or inside a repeated
    /// fixed-length group, whose rounds Java never backtracks into.
    case lineBreak(atomic: Bool)

    /// Whether the node can match without consuming input (ignoring whether
    /// its assertions hold).
    var canMatchEmpty: Bool {
        switch self {
        case .empty, .assertion: return true
        case .literal, .set, .lineBreak: return false
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
        case .empty, .assertion, .literal, .set, .lineBreak: return true
        case .concat(let items): return items.allSatisfy(\.isDeterministic)
        case .alternation: return false
        case .group(let body, _): return body.isDeterministic
        case .repetition(let body, let min, let max, _): return max == min && body.isDeterministic
        }
    }

    /// The node with every `\R` taken whole (see `lineBreak`).
    var atomizingLineBreaks: RegexNode {
        switch self {
        case .lineBreak: return .lineBreak(atomic: true)
        case .empty, .literal, .set, .assertion: return self
        case .concat(let items): return .concat(items.map(\.atomizingLineBreaks))
        case .alternation(let alts): return .alternation(alts.map(\.atomizingLineBreaks))
        case .group(let body, let capture): return .group(body.atomizingLineBreaks, capture: capture)
        case .repetition(let body, let min, let max, let greedy):
            return .repetition(body.atomizingLineBreaks, min: min, max: max, greedy: greedy)
        }
    }

    /// `\R` in basic nodes.
    static func expandedLineBreak(atomic: Bool) -> RegexNode {
        let crlf = RegexNode.concat([.literal(0x0D), .literal(0x0A)])
        if !atomic {
            return .alternation([crlf, .set(CharacterProperties.verticalSpace)])
        }
        // A lone \r only where no \n follows.
        return .alternation([
            crlf,
            .set(CharacterProperties.verticalSpace.subtracting(CodePointSet(0x0D))),
            .concat([.literal(0x0D), .assertion(.notBeforeLineFeed)]),
        ])
    }

    /// Capturing groups whose value Java reports from its backtracking
    /// history rather than from the match. Java repeats a group with a
    /// deterministic body (any quantifier except `?`/`{0,1}`) with
    /// `GroupCurly`, which
    /// - never resets the groups inside it when it backs off or fails, so
    ///   `(?:(\w))+\w` on "ab" reports group 1 as "b" where the match used
    ///   "a"; and
    /// - when greedy, writes its own group again after the rest of the
    ///   pattern has matched, so inside an outer loop the group ends up with
    ///   the value of an earlier round of that loop.
    var historyDependentCaptures: Set<Int> {
        var out = Set<Int>()
        collectHistoryDependent(insideGroupCurly: false, insideLoop: false, into: &out)
        return out
    }

    private func collectHistoryDependent(insideGroupCurly: Bool, insideLoop: Bool, into out: inout Set<Int>) {
        switch self {
        case .empty, .literal, .set, .assertion, .lineBreak:
            return
        case .concat(let items):
            for item in items {
                item.collectHistoryDependent(insideGroupCurly: insideGroupCurly, insideLoop: insideLoop, into: &out)
            }
        case .alternation(let alts):
            for a in alts {
                a.collectHistoryDependent(insideGroupCurly: insideGroupCurly, insideLoop: insideLoop, into: &out)
            }
        case .group(let body, let capture):
            if insideGroupCurly, let capture { out.insert(capture) }
            body.collectHistoryDependent(insideGroupCurly: insideGroupCurly, insideLoop: insideLoop, into: &out)
        case .repetition(let body, let min, let max, let greedy):
            let repeats = max.map { $0 >= 2 } ?? true
            let isQuestion = min == 0 && max == 1
            if !isQuestion, case .group(let inner, let capture) = body, inner.isDeterministic {
                if greedy && insideLoop, let capture { out.insert(capture) }
                inner.collectHistoryDependent(insideGroupCurly: true, insideLoop: insideLoop || repeats, into: &out)
            } else {
                body.collectHistoryDependent(insideGroupCurly: insideGroupCurly, insideLoop: insideLoop || repeats,
                                             into: &out)
            }
        }
    }

    /// Whether every path through the node consumes no input.
    var isZeroWidth: Bool {
        switch self {
        case .empty, .assertion: return true
        case .literal, .set, .lineBreak: return false
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
    /// Not followed by `\n`. Only used inside a quantified `\R`, whose
    /// rounds Java matches atomically: a lone `\r` there never stands for
    /// the first half of `\r\n`.
    case notBeforeLineFeed
}
