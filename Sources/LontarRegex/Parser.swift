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

    private let source: String
    /// The pattern's code points after `\Q…\E` quoting has been rewritten
    /// into escapes (as Java does before parsing).
    private var pattern: [Unicode.Scalar]
    /// 1-based column in `source` of each element of `pattern` (one extra
    /// entry for "end of pattern").
    private var columns: [Int]
    private var cursor = 0
    private var flags = Flags()
    private var captureCount = 0
    private var groupNames: [String: Int] = [:]
    /// Current nesting of groups and bracketed classes. Bounded so that a
    /// pathological pattern gets an error instead of exhausting the stack
    /// (of a worker thread, which may be small).
    private var nesting = 0
    static let maxNesting = 150

    private static let end: Unicode.Scalar = "\0"

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

    private var atEnd: Bool { cursor >= pattern.count }

    private func at(_ k: Int) -> Unicode.Scalar { k >= 0 && k < pattern.count ? pattern[k] : PatternParser.end }

    /// The current character.
    private func peek() -> Unicode.Scalar { at(cursor) }

    /// Returns the current character and moves past it.
    private mutating func read() -> Unicode.Scalar {
        let c = peek()
        cursor += 1
        return c
    }

    /// Moves to the next character and returns it.
    private mutating func next() -> Unicode.Scalar {
        cursor += 1
        return peek()
    }

    /// Returns the character after the current one and moves past both.
    private mutating func skip() -> Unicode.Scalar {
        let c = at(cursor + 1)
        cursor += 2
        return c
    }

    private mutating func unread() { cursor -= 1 }

    private func isEnd(_ c: Unicode.Scalar) -> Bool { c == PatternParser.end && atEnd }

    private func fail(_ message: String, at index: Int) -> RegexError {
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
    private mutating func nextEscaped() -> Unicode.Scalar {
        cursor += 1
        return peek()
    }

    // MARK: Literal runs

    private enum Escape {
        case scalar(UInt32)
        case set(CodePointSet)
        case node(RegexNode)
    }

    /// A run of literal characters, or one escape that is not a literal.
    /// When a quantifier follows a run of several characters, the last one
    /// is left for the next atom so the quantifier applies to it alone.
    private mutating func atom() throws(RegexError) -> RegexNode {
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
    private func single(_ c: UInt32) -> RegexNode {
        if flags.caseInsensitive, let folded = asciiCaseSet(c) { return .set(folded) }
        return .literal(c)
    }

    private func asciiCaseSet(_ c: UInt32) -> CodePointSet? {
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
        if !isOptional, case .group(let body, let capture?) = node, body.isDeterministic, body.isZeroWidth,
           max.map({ $0 > min }) ?? true {
            let mandatory = RegexNode.repetition(node, min: min, max: min, greedy: true)
            guard greedy else { return mandatory }
            let optional = RegexNode.repetition(.group(body, capture: nil), min: 0, max: 1, greedy: true)
            _ = capture
            return .concat([mandatory, optional])
        }
        return .repetition(node, min: min, max: max, greedy: greedy)
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private func digit(_ c: Unicode.Scalar) -> Int { Int(c.value) - 0x30 }

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

    // MARK: Character classes

    /// Java's `clazz`: a bracketed class, with nested classes (union), `&&`
    /// (intersection) and a leading `^` (negation of the whole class).
    private mutating func characterClass(consume: Bool) throws(RegexError) -> CodePointSet {
        let open = cursor
        nesting += 1
        defer { nesting -= 1 }
        if nesting > PatternParser.maxNesting {
            throw fail("character classes are nested more than \(PatternParser.maxNesting) deep", at: open)
        }
        var prev: CodePointSet? = nil
        var curr: CodePointSet? = nil
        var bits = CodePointSet()  // Java's BitClass: members below U+0100
        var hasBits = false
        var negated = false
        var c = next()
        if c == "^" && at(cursor - 1) == "[" {
            c = next()
            negated = true
        }
        while true {
            switch c {
            case "[":
                let nested = try characterClass(consume: true)
                curr = nested
                prev = prev.map { $0.union(nested) } ?? nested
                c = peek()
                continue
            case "&":
                c = next()
                if c == "&" {
                    c = next()
                    var right: CodePointSet? = nil
                    while c != "]" && c != "&" {
                        if isEnd(c) { throw fail("Unclosed character class", at: open) }
                        if c == "[" {
                            let nested = try characterClass(consume: true)
                            right = right.map { $0.union(nested) } ?? nested
                        } else {
                            unread()
                            let nested = try characterClass(consume: false)
                            right = right.map { $0.union(nested) } ?? nested
                        }
                        c = peek()
                    }
                    if hasBits {
                        if let p = prev { prev = p.union(bits) } else { prev = bits; curr = bits }
                        hasBits = false
                    }
                    if let right { curr = right }
                    if let p = prev {
                        prev = p.intersection(curr ?? p)
                    } else if let right {
                        prev = right
                    } else {
                        throw fail("Bad class syntax", at: cursor)
                    }
                    continue
                }
                unread()  // a literal '&'
            case "]":
                if prev != nil || hasBits {
                    if consume { cursor += 1 }
                    var result = prev ?? bits
                    if prev != nil && hasBits { result = result.union(bits) }
                    return negated ? result.inverted : result
                }
            default:
                if isEnd(c) { throw fail("Unclosed character class", at: open) }
            }
            if let r = try classRange(&bits) {
                curr = r
                prev = prev.map { $0.union(r) } ?? r
            } else {
                hasBits = true
            }
            c = peek()
        }
    }

    /// Java's `range`: one class member — a character, a range `a-z`, an
    /// escape or a property. Returns nil when the member went into `bits`.
    private mutating func classRange(_ bits: inout CodePointSet) throws(RegexError) -> CodePointSet? {
        let start = cursor
        var c = peek()
        let low: UInt32
        if c == "\\" {
            c = nextEscaped()
            if c == "p" || c == "P" {
                var oneLetter = true
                if next() != "{" { unread() } else { oneLetter = false }
                return try family(oneLetter: oneLetter, complement: c == "P", start: start)
            }
            let isRange = at(cursor + 1) == "-"
            unread()
            switch try escape(inClass: true, isRange: isRange) {
            case .scalar(let s): low = s
            case .set(let s): return s
            case .node: throw fail("Illegal/unsupported escape sequence", at: start)
            }
        } else {
            cursor += 1
            low = c.value
        }
        if peek() == "-" {
            let endRange = at(cursor + 1)
            if endRange == "[" { return bitsOrSingle(&bits, low) }
            if endRange != "]" {
                cursor += 1
                var high: UInt32? = nil
                if peek() == "\\" {
                    if case .scalar(let s) = try escape(inClass: true, isRange: true) { high = s }
                } else {
                    high = peek().value
                    cursor += 1
                }
                guard let high, high >= low else { throw fail("Illegal character range", at: start) }
                let range = CodePointSet(low, high)
                return flags.caseInsensitive ? range.addingASCIICaseVariants : range
            }
        }
        return bitsOrSingle(&bits, low)
    }

    private func bitsOrSingle(_ bits: inout CodePointSet, _ c: UInt32) -> CodePointSet? {
        if c < 0x100 {
            bits.insert(c)
            if flags.caseInsensitive, let both = asciiCaseSet(c) { bits = bits.union(both) }
            return nil
        }
        return CodePointSet(c)
    }

    /// `\p{name}`, `\pL`, `\P{…}`: the cursor is on `{` or before the letter.
    private mutating func family(oneLetter: Bool, complement: Bool, start: Int) throws(RegexError) -> CodePointSet {
        cursor += 1
        let name: String
        if oneLetter {
            name = atEnd ? "" : String(peek())
            cursor += 1
        } else {
            let nameStart = cursor
            while !atEnd && peek() != "}" { cursor += 1 }
            if atEnd { throw fail("Unclosed character family", at: start) }
            var s = ""
            s.unicodeScalars.append(contentsOf: pattern[nameStart..<cursor])
            name = s
            cursor += 1
            if name.isEmpty { throw fail("Empty character family", at: start) }
        }
        switch CharacterProperties.set(forPropertyName: name, caseInsensitive: flags.caseInsensitive) {
        case .success(let set): return complement ? set.inverted : set
        case .failure(let error): throw fail(error.message, at: start)
        }
    }

    // MARK: Escapes

    /// Java's `escape`: the cursor is on the backslash.
    private mutating func escape(inClass: Bool, isRange: Bool) throws(RegexError) -> Escape {
        let start = cursor
        let c = skip()
        switch c {
        case "0":
            return .scalar(try octal(start))
        case "1"..."9":
            if inClass { break }
            throw fail("backreferences (\\\(c)) are not supported", at: start)
        case "A":
            if inClass { break }
            return .node(.assertion(.startOfText))
        case "B":
            if inClass { break }
            return .node(.assertion(.notWordBoundary))
        case "D": return .set(CharacterProperties.asciiDigit.inverted)
        case "G":
            if inClass { break }
            throw fail("\\G (end of previous match) is not supported", at: start)
        case "H": return .set(CharacterProperties.horizontalSpace.inverted)
        case "N":
            throw fail("named characters (\\N{…}) are not supported", at: start)
        case "R":
            if inClass { break }
            return .node(.lineBreak(atomic: false))
        case "S": return .set(CharacterProperties.asciiSpace.inverted)
        case "V": return .set(CharacterProperties.verticalSpace.inverted)
        case "W": return .set(CharacterProperties.asciiWord.inverted)
        case "X":
            if inClass { break }
            throw fail("\\X (grapheme clusters) is not supported", at: start)
        case "Z":
            if inClass { break }
            return .node(.assertion(.endOfTextOrFinalTerminator))
        case "a": return .scalar(0x07)
        case "b":
            if inClass { break }
            if peek() == "{" {
                if skip() == "g" {
                    if read() == "}" { throw fail("\\b{g} (grapheme boundaries) is not supported", at: start) }
                    break
                }
                unread()
                unread()
            }
            return .node(.assertion(.wordBoundary))
        case "c":
            if atEnd { throw fail("Illegal control escape sequence", at: start) }
            return .scalar(read().value ^ 64)
        case "d": return .set(CharacterProperties.asciiDigit)
        case "e": return .scalar(0x1B)
        case "f": return .scalar(0x0C)
        case "h": return .set(CharacterProperties.horizontalSpace)
        case "k":
            if inClass { break }
            throw fail("named backreferences (\\k<name>) are not supported", at: start)
        case "n": return .scalar(0x0A)
        case "r": return .scalar(0x0D)
        case "s": return .set(CharacterProperties.asciiSpace)
        case "t": return .scalar(0x09)
        case "u": return .scalar(try unicodeEscape(start))
        case "v":
            // Java keeps \v as U+000B at either end of a range.
            if isRange { return .scalar(0x0B) }
            return .set(CharacterProperties.verticalSpace)
        case "w": return .set(CharacterProperties.asciiWord)
        case "x": return .scalar(try hexEscape(start))
        case "z":
            if inClass { break }
            return .node(.assertion(.endOfText))
        case "C", "E", "F", "I", "J", "K", "L", "M", "O", "P", "Q", "T", "U", "Y",
             "g", "i", "j", "l", "m", "o", "p", "q", "y":
            break
        default:
            if isEnd(c) && cursor > pattern.count {
                throw fail("pattern ends with a lone backslash", at: start)
            }
            return .scalar(c.value)
        }
        throw fail("Illegal/unsupported escape sequence", at: start)
    }

    private func isOctal(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "7" }

    private mutating func octal(_ start: Int) throws(RegexError) -> UInt32 {
        let n = read()
        guard isOctal(n) else { throw fail("Illegal octal escape sequence", at: start) }
        let m = read()
        guard isOctal(m) else {
            unread()
            return n.value - 0x30
        }
        let o = read()
        if isOctal(o) && n <= "3" {
            return (n.value - 0x30) * 64 + (m.value - 0x30) * 8 + (o.value - 0x30)
        }
        unread()
        return (n.value - 0x30) * 8 + (m.value - 0x30)
    }

    private func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 0x30
        case "a"..."f": return c.value - 0x61 + 10
        case "A"..."F": return c.value - 0x41 + 10
        default: return nil
        }
    }

    private mutating func hexEscape(_ start: Int) throws(RegexError) -> UInt32 {
        let n = read()
        if let hi = hexValue(n) {
            if let lo = hexValue(read()) { return hi * 16 + lo }
        } else if n == "{" && hexValue(peek()) != nil {
            var value: UInt32 = 0
            var c = read()
            while let d = hexValue(c) {
                value = value << 4 + d
                if value > CodePointSet.maxScalar { throw fail("Hexadecimal codepoint is too big", at: start) }
                c = read()
            }
            if c != "}" { throw fail("Unclosed hexadecimal escape sequence", at: start) }
            return value
        }
        throw fail("Illegal hexadecimal escape sequence", at: start)
    }

    private mutating func fourHexDigits(_ start: Int) throws(RegexError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let d = hexValue(read()) else { throw fail("Illegal Unicode escape sequence", at: start) }
            value = value * 16 + d
        }
        return value
    }

    /// `\uXXXX`, combining a `\uD8xx\uDCxx` surrogate pair into one code point.
    private mutating func unicodeEscape(_ start: Int) throws(RegexError) -> UInt32 {
        let high = try fourHexDigits(start)
        if (0xD800...0xDBFF).contains(high) {
            let saved = cursor
            if read() == "\\" && read() == "u" {
                let low = try fourHexDigits(start)
                if (0xDC00...0xDFFF).contains(low) {
                    return 0x10000 + (high - 0xD800) << 10 + (low - 0xDC00)
                }
            }
            cursor = saved
        }
        return high
    }

    // MARK: \Q…\E

    /// Rewrites `\Q…\E` quoting into escapes, as Java's `RemoveQEQuoting`
    /// does, keeping the source column of every resulting character.
    static func removeQuoting(_ p: [Unicode.Scalar]) -> ([Unicode.Scalar], [Int]) {
        var i = 0
        while i < p.count - 1 {
            if p[i] != "\\" { i += 1 } else if p[i + 1] != "Q" { i += 2 } else { break }
        }
        if i >= p.count - 1 { return (p, Array(1...(p.count + 1))) }
        var out = Array(p[0..<i])
        var cols = Array(1...(i + 1)).dropLast().map { $0 }
        func emit(_ c: Unicode.Scalar, _ col: Int) { out.append(c); cols.append(col) }
        i += 2
        var inQuote = true
        var beginQuote = true
        while i < p.count {
            let c = p[i]
            let col = i + 1
            i += 1
            if !c.isASCII || c.properties.isAlphabetic {
                emit(c, col)
            } else if c >= "0" && c <= "9" {
                if beginQuote {
                    // Keeps a digit that starts a quote from extending an
                    // escape before it (Java writes it as \x3N).
                    emit("\\", col); emit("x", col); emit("3", col)
                }
                emit(c, col)
            } else if c != "\\" {
                if inQuote { emit("\\", col) }
                emit(c, col)
            } else if inQuote {
                inQuote = false
                if i < p.count && p[i] == "E" {
                    i += 1
                } else {
                    emit("\\", col)
                    emit("\\", col)
                }
            } else {
                if i < p.count && p[i] == "Q" {
                    i += 1
                    inQuote = true
                    beginQuote = true
                    continue
                }
                emit(c, col)
                if i != p.count {
                    emit(p[i], i + 1)
                    i += 1
                }
            }
            beginQuote = false
        }
        cols.append(p.count + 1)
        return (out, cols)
    }
}
