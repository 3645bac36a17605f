/// Parses Java regular-expression syntax into a `RegexNode` tree.
///
/// The parser follows the structure of Java 17's `java.util.regex.Pattern`
/// compiler (expr → sequence → atom/closure, clazz → range, escape, family)
/// so that it accepts and rejects exactly the same patterns, including
/// Java's quirks: `]` and `}` are literals outside classes, `a{2}{3}`
/// repeats an empty atom, `[\d-z]` is a union with the range `-`…`z`,
/// `&&` intersections bind as Java binds them, and flags set by `(?i)` last
/// until the end of the enclosing group. Constructs Java accepts but this
/// engine does not implement are refused with a clear message.
struct PatternParser {
    struct Flags {
        var caseInsensitive = false
        var multiline = false
        var dotAll = false
    }

    /// Result of parsing: the tree and the group table.
    struct Result {
        var root: RegexNode
        var captureCount: Int
        var groupNames: [String: Int]
    }

    let source: String
    /// The pattern's code points after `\Q…\E` quoting has been rewritten
    /// into escapes (as Java does before parsing).
    var pattern: [Unicode.Scalar]
    /// 1-based column in `source` of each element of `pattern` (one extra
    /// entry for "end of pattern").
    var columns: [Int]
    var cursor = 0
    var flags = Flags()
    private var captureCount = 0
    private var groupNames: [String: Int] = [:]
    /// Current nesting of groups and bracketed classes. Bounded so that a
    /// pathological pattern gets an error instead of exhausting the stack
    /// (of a worker thread, which may be small).
    var nesting = 0
    static let maxNesting = 150

    static let end: Unicode.Scalar = "\0"

    static func parse(_ source: String) throws(RegexError) -> Result {
        var parser = PatternParser(source: source)
        return try parser.parseAll()
    }

    private init(source: String) {
        self.source = source
        (pattern, columns) = PatternParser.removeQuoting(Array(source.unicodeScalars))
    }

    private mutating func parseAll() throws(RegexError) -> Result {
        let root = try expr()
        if cursor < pattern.count {
            if peek() == ")" { throw fail("Unmatched closing ')'", at: cursor) }
            throw fail("Unexpected character '\(peek())'", at: cursor)
        }
        return Result(root: root, captureCount: captureCount, groupNames: groupNames)
    }

    // MARK: Cursor primitives (Java's peek/read/next/skip/unread)

    var atEnd: Bool { cursor >= pattern.count }

    func at(_ k: Int) -> Unicode.Scalar { k >= 0 && k < pattern.count ? pattern[k] : PatternParser.end }

    /// The current character.
    func peek() -> Unicode.Scalar { at(cursor) }

    /// Returns the current character and moves past it.
    mutating func read() -> Unicode.Scalar {
        let c = peek()
        cursor += 1
        return c
    }

    /// Moves to the next character and returns it.
    mutating func next() -> Unicode.Scalar {
        cursor += 1
        return peek()
    }

    /// Returns the character after the current one and moves past both.
    mutating func skip() -> Unicode.Scalar {
        let c = at(cursor + 1)
        cursor += 2
        return c
    }

    mutating func unread() { cursor -= 1 }

    func isEnd(_ c: Unicode.Scalar) -> Bool { c == PatternParser.end && atEnd }

    func fail(_ message: String, at index: Int) -> RegexError {
        let column = columns[min(max(index, 0), columns.count - 1)]
        return RegexError(message, column: column, in: source)
    }

    // MARK: Alternation and sequences

    private mutating func expr() throws(RegexError) -> RegexNode {
        var alternatives: [RegexNode] = []
        while true {
            alternatives.append(try sequence())
            if peek() != "|" { break }
            cursor += 1
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func sequence() throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        loop: while true {
            let start = cursor
            let node: RegexNode
            let c = peek()
            switch c {
            case "(":
                if let group = try group() { items.append(group) }
                continue loop
            case "[":
                node = .set(try characterClass(consume: true))
            case "\\":
                let e = nextEscaped()
                if e == "p" || e == "P" {
                    var oneLetter = true
                    if next() != "{" { unread() } else { oneLetter = false }
                    node = .set(try family(oneLetter: oneLetter, complement: e == "P", start: start))
                } else {
                    unread()
                    node = try atom()
                }
            case "^":
                cursor += 1
                node = .assertion(flags.multiline ? .startOfLine : .startOfText)
            case "$":
                cursor += 1
                node = .assertion(flags.multiline ? .endOfLine : .endOfTextOrFinalTerminator)
            case ".":
                cursor += 1
                node = .set(flags.dotAll ? .all : CharacterProperties.dot)
            case "|", ")":
                break loop
            case "?", "*", "+":
                throw fail("Dangling meta character '\(c)'", at: cursor)
            default:
                if isEnd(c) { break loop }
                node = try atom()
            }
            items.append(try closure(node, start: start))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concat(items)
        }
    }

    /// Java's `nextEscaped`: moves onto the character after a backslash.
    mutating func nextEscaped() -> Unicode.Scalar {
        cursor += 1
        return peek()
    }

    // MARK: Literal runs

    enum Escape {
        case scalar(UInt32)
        case set(CodePointSet)
        case node(RegexNode)
    }

    /// A run of literal characters, or one escape that is not a literal.
    /// When a quantifier follows a run of several characters, the last one
    /// is left for the next atom so the quantifier applies to it alone.
    mutating func atom() throws(RegexError) -> RegexNode {
        var literals: [UInt32] = []
        var previous = -1
        var c = peek()
        loop: while true {
            switch c {
            case "*", "+", "?", "{":
                if literals.count > 1 {
                    cursor = previous
                    literals.removeLast()
                }
                break loop
            case "$", ".", "^", "(", "[", "|", ")":
                break loop
            case "\\":
                let start = cursor
                let e = nextEscaped()
                if e == "p" || e == "P" {
                    if !literals.isEmpty {
                        unread()
                        break loop
                    }
                    var oneLetter = true
                    if next() != "{" { unread() } else { oneLetter = false }
                    return .set(try family(oneLetter: oneLetter, complement: e == "P", start: start))
                }
                unread()
                previous = cursor
                switch try escape(inClass: false, isRange: false) {
                case .scalar(let s):
                    literals.append(s)
                    c = peek()
                    continue loop
                case .set(let s):
                    if literals.isEmpty { return .set(s) }
                case .node(let n):
                    if literals.isEmpty { return n }
                }
                cursor = previous
                break loop
            default:
                if isEnd(c) { break loop }
                previous = cursor
                literals.append(c.value)
                c = next()
            }
        }
        if literals.count == 1 { return single(literals[0]) }
        return literals.isEmpty ? .empty : .concat(literals.map(single))
    }

    /// One literal code point, folded for ASCII letters under `(?i)`.
    func single(_ c: UInt32) -> RegexNode {
        if flags.caseInsensitive, let folded = asciiCaseSet(c) { return .set(folded) }
        return .literal(c)
    }

    func asciiCaseSet(_ c: UInt32) -> CodePointSet? {
        switch c {
        case 0x41...0x5A: return CodePointSet(ranges: [c...c, (c + 0x20)...(c + 0x20)])
        case 0x61...0x7A: return CodePointSet(ranges: [(c - 0x20)...(c - 0x20), c...c])
        default: return nil
        }
    }

    // MARK: Quantifiers

    private mutating func closure(_ node: RegexNode, start: Int) throws(RegexError) -> RegexNode {
        let q = cursor
        if case .lineBreak(atomic: false) = node, ["?", "*", "+", "{"].contains(peek()) {
            // Java repeats `\R` with `Curly`/`Ques`, which never backtrack
            // into a round: "\r\n" is always taken whole.
            return try closure(.lineBreak(atomic: true), start: start)
        }
        switch peek() {
        case "?":
            let c = next()
            if c == "?" {
                cursor += 1
                return repeated(node, 0, 1, greedy: false)
            }
            if c == "+" { throw possessive(at: q) }
            return repeated(node, 0, 1, greedy: true)
        case "*", "+":
            let min = peek() == "*" ? 0 : 1
            let c = next()
            if c == "?" {
                cursor += 1
                return repeated(node, min, nil, greedy: false)
            }
            if c == "+" { throw possessive(at: q) }
            return repeated(node, min, nil, greedy: true)
        case "{":
            var c = at(cursor + 1)
            guard isDigit(c) else { throw fail("Illegal repetition", at: q) }
            _ = skip()
            // Counts are accumulated saturating; Java's limit is 2^31 - 1.
            let limit = Int(Int32.max)
            var low = 0
            repeat {
                low = Swift.min(low * 10 + digit(c), limit + 1)
                c = read()
            } while isDigit(c)
            var high: Int? = low
            if c == "," {
                c = read()
                high = nil
                if c != "}" {
                    var h = 0
                    while isDigit(c) {
                        h = Swift.min(h * 10 + digit(c), limit + 1)
                        c = read()
                    }
                    high = h
                }
            }
            if c != "}" { throw fail("Unclosed counted closure", at: q) }
            if low > limit || (high ?? 0) > limit || (high.map { $0 < low } ?? false) {
                throw fail("Illegal repetition range", at: q)
            }
            if high == limit { high = nil }  // Java's MAX_REPS means "unbounded"
            let p = peek()
            if p == "?" {
                cursor += 1
                return repeated(node, low, high, greedy: false)
            }
            if p == "+" { throw possessive(at: q) }
            return repeated(node, low, high, greedy: true)
        default:
            return node
        }
    }

    private func possessive(at index: Int) -> RegexError {
        fail("possessive quantifiers (*+, ++, ?+, {n,m}+) are not supported", at: index)
    }

    /// Builds a repetition. `{0,1}` is `?` (Java makes both a two-way
    /// branch). Otherwise a capturing group that always matches empty and
    /// has no alternation or variable quantifier is repeated by Java's
    /// `GroupCurly`, which restores the group's capture after an optional
    /// zero-length round and never takes a lazy one; that is modelled here
    /// by keeping only the mandatory rounds plus, when greedy, one optional
    /// round that does not record the group itself.
    private func repeated(_ node: RegexNode, _ min: Int, _ max: Int?, greedy: Bool) -> RegexNode {
        let isOptional = min == 0 && max == 1
        var node = node
        if !isOptional, case .group(let body, let capture) = node, body.isDeterministic {
            // Java's GroupCurly never backtracks into a round either.
            node = .group(body.atomizingLineBreaks, capture: capture)
        }
        if !isOptional, case .group(let body, .some) = node, body.isDeterministic, body.isZeroWidth,
           max.map({ $0 > min }) ?? true {
            let mandatory = RegexNode.repetition(node, min: min, max: min, greedy: true)
            guard greedy else { return mandatory }
            let optional = RegexNode.repetition(.group(body, capture: nil), min: 0, max: 1, greedy: true)
            return .concat([mandatory, optional])
        }
        return .repetition(node, min: min, max: max, greedy: greedy)
    }

    func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    func digit(_ c: Unicode.Scalar) -> Int { Int(c.value) - 0x30 }

    // MARK: Groups

    /// Parses a group starting at `(`. Returns nil for a bare flag group
    /// such as `(?i)`, which changes flags for the rest of the enclosing group.
    private mutating func group() throws(RegexError) -> RegexNode? {
        let start = cursor
        nesting += 1
        defer { nesting -= 1 }
        if nesting > PatternParser.maxNesting {
            throw fail("groups are nested more than \(PatternParser.maxNesting) deep", at: start)
        }
        let savedFlags = flags
        var capture: Int? = nil
        var c = next()
        let body: RegexNode
        if c == "?" {
            c = skip()
            switch c {
            case ":":
                body = try expr()
            case "=", "!":
                throw fail("lookahead groups (?\(c)…) are not supported", at: start)
            case ">":
                throw fail("atomic groups (?>…) are not supported", at: start)
            case "<":
                c = read()
                if c == "=" || c == "!" {
                    throw fail("lookbehind groups (?<\(c)…) are not supported", at: start)
                }
                let name = try groupName(first: c)
                if groupNames[name] != nil {
                    throw fail("Named capturing group <\(name)> is already defined", at: start)
                }
                captureCount += 1
                capture = captureCount
                groupNames[name] = captureCount
                body = try expr()
            case "$", "@":
                throw fail("Unknown group type", at: start)
            default:
                unread()
                try addFlags()
                c = read()
                if c == ")" { return nil }
                if c != ":" { throw fail("Unknown inline modifier", at: cursor - 1) }
                body = try expr()
            }
        } else {
            captureCount += 1
            capture = captureCount
            body = try expr()
        }
        if read() != ")" { throw fail("Unclosed group", at: start) }
        flags = savedFlags
        return try closure(.group(body, capture: capture), start: start)
    }

    private mutating func groupName(first: Unicode.Scalar) throws(RegexError) -> String {
        var c = first
        guard c.isASCII, c.properties.isAlphabetic else {
            throw fail("capturing group name does not start with a Latin letter", at: cursor - 1)
        }
        var name = ""
        repeat {
            name.unicodeScalars.append(c)
            c = read()
        } while c.isASCII && (c.properties.isAlphabetic || isDigit(c))
        if c != ">" { throw fail("named capturing group is missing trailing '>'", at: cursor - 1) }
        return name
    }

    /// Inline flags: `i`, `m`, `s` are supported; `-` turns flags off.
    private mutating func addFlags() throws(RegexError) {
        var c = peek()
        while true {
            switch c {
            case "i": flags.caseInsensitive = true
            case "m": flags.multiline = true
            case "s": flags.dotAll = true
            case "d", "u", "c", "x", "U":
                let what: String
                switch c {
                case "d": what = "UNIX_LINES"
                case "u": what = "UNICODE_CASE"
                case "c": what = "CANON_EQ"
                case "x": what = "COMMENTS"
                default: what = "UNICODE_CHARACTER_CLASS"
                }
                throw fail("inline flag (?\(c)) (\(what)) is not supported; only i, m and s are", at: cursor)
            case "-":
                _ = next()
                subtractFlags()
                return
            default:
                return
            }
            c = next()
        }
    }

    private mutating func subtractFlags() {
        var c = peek()
        while true {
            switch c {
            case "i": flags.caseInsensitive = false
            case "m": flags.multiline = false
            case "s": flags.dotAll = false
            case "d", "u", "c", "x", "U": break  // never set, so clearing is a no-op
            default: return
            }
            c = next()
        }
    }
}
