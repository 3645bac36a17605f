/// What an assertion can see around a position in the text, and Java's rule
/// for each assertion. Both matchers (Pike VM and DFA) evaluate assertions
/// through `PositionContext.holds`, so they cannot disagree.
struct PositionContext: Equatable {
    /// What lies on one side of a position.
    enum Side: UInt8 {
        /// The start (left side) or end (right side) of the input.
        case none = 0
        case lineFeed
        case carriageReturn
        /// U+0085, U+2028 or U+2029.
        case otherTerminator
        case other

        @inline(__always)
        init(_ c: UInt32) {
            switch c {
            case 0x0A: self = .lineFeed
            case 0x0D: self = .carriageReturn
            case 0x85, 0x2028, 0x2029: self = .otherTerminator
            default: self = .other
            }
        }
    }

    var left: Side = .none
    var right: Side = .none
    /// Java 17's `\b` word test on each side (see `WordRule`).
    var leftWord = false
    var rightWord = false
    /// The rest of the input is exactly one line terminator (or `\r\n`), as
    /// `$` and `\Z` require, excluding a `\n` right after `\r`.
    var finalTerminator = false

    @inline(__always)
    func holds(_ a: RegexAssertion) -> Bool {
        switch a {
        case .startOfText:
            return left == .none
        case .endOfText:
            return right == .none
        case .endOfTextOrFinalTerminator:
            return right == .none || finalTerminator
        case .startOfLine:
            // Java's Caret: never at the end of input; after a terminator,
            // but not between \r and \n.
            if right == .none { return false }
            if left == .none { return true }
            return left != .other && !(left == .carriageReturn && right == .lineFeed)
        case .endOfLine:
            switch right {
            case .none: return true
            case .other: return false
            case .lineFeed: return left != .carriageReturn
            default: return true
            }
        case .wordBoundary:
            return leftWord != rightWord
        case .notWordBoundary:
            return leftWord == rightWord
        }
    }
}

/// Java 17's `\b` word rule. A character is a word character if it is a
/// letter, a digit or `_`; a non-spacing mark (`Mn`) counts as one when the
/// run of marks before it starts at a letter or digit (`hasBaseCharacter`).
/// That look-back walks UTF-16 units, so it stops at a supplementary
/// character; `chain` below reproduces that.
enum WordRule {
    @inline(__always)
    static func isWord(_ c: UInt32) -> Bool {
        if c < 0x80 {
            return (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F
        }
        return UnicodeCategory.isLetterOrDigit(c)
    }

    @inline(__always)
    static func isMark(_ c: UInt32) -> Bool {
        c >= 0x300 && UnicodeCategory.generalCategory(c) == .Mn
    }

    @inline(__always)
    static func isBase(_ c: UInt32) -> Bool {
        if c < 0x80 { return (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
        return UnicodeCategory.isLetterOrDigit(c)
    }

    /// The "base chain" after a character `c`, given the chain before it:
    /// whether walking left from here over non-spacing marks reaches a
    /// letter or digit.
    @inline(__always)
    static func chain(after c: UInt32, before: Bool) -> Bool {
        if c >= 0x10000 { return false }
        if isBase(c) { return true }
        return isMark(c) ? before : false
    }

    /// Word-ness of the character `c` next to a position whose chain is `chain`.
    @inline(__always)
    static func sideIsWord(_ c: UInt32, chain: Bool) -> Bool {
        isWord(c) || (chain && isMark(c))
    }

    /// The chain at byte position `pos`, found by walking left.
    static func chain(at pos: Int, in text: UnsafePointer<UInt8>, end: Int) -> Bool {
        var i = pos
        while i > 0 {
            let (c, length) = UTF8Bytes.decodeBefore(text, i, 0, end)
            if c >= 0x10000 { return false }
            if isBase(c) { return true }
            if !isMark(c) { return false }
            i -= length
        }
        return false
    }
}

extension PositionContext {
    /// Whether the bytes from `pos` to `end` are exactly one line terminator
    /// or `\r\n` (`leftIsCR`: the character before `pos` is `\r`).
    @inline(__always)
    static func isFinalTerminator(_ p: UnsafePointer<UInt8>, _ pos: Int, _ end: Int, leftIsCR: Bool) -> Bool {
        switch end - pos {
        case 1:
            if p[pos] == 0x0A { return !leftIsCR }
            return p[pos] == 0x0D
        case 2:
            return (p[pos] == 0x0D && p[pos + 1] == 0x0A) || (p[pos] == 0xC2 && p[pos + 1] == 0x85)
        case 3:
            return p[pos] == 0xE2 && p[pos + 1] == 0x80 && (p[pos + 2] == 0xA8 || p[pos + 2] == 0xA9)
        default:
            return false
        }
    }

    /// The full context at `pos`, computed from the text (used where speed
    /// does not matter: search starts, the last bytes of the input).
    static func at(_ pos: Int, in p: UnsafePointer<UInt8>, end: Int, needs: AssertionNeeds) -> PositionContext {
        var ctx = PositionContext()
        var leftScalar: UInt32? = nil
        var rightScalar: UInt32? = nil
        if pos > 0 {
            let c = UTF8Bytes.decodeBefore(p, pos, 0, end).scalar
            leftScalar = c
            ctx.left = Side(c)
        }
        if pos < end {
            let c = UTF8Bytes.decode(p, pos, end).scalar
            rightScalar = c
            ctx.right = Side(c)
        }
        if needs.contains(.words) {
            let chain = WordRule.chain(at: pos, in: p, end: end)
            ctx.leftWord = leftScalar.map { WordRule.sideIsWord($0, chain: chain) } ?? false
            ctx.rightWord = rightScalar.map { WordRule.sideIsWord($0, chain: chain) } ?? false
        }
        if needs.contains(.finalTerminator) {
            ctx.finalTerminator = isFinalTerminator(p, pos, end, leftIsCR: ctx.left == .carriageReturn)
        }
        return ctx
    }
}
