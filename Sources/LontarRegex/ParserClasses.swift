/// Java's character classes: `[…]` with ranges, nested classes (union),
/// `&&` (intersection) and negation, and `\p{…}` properties.
extension PatternParser {
    /// Java's `clazz`: a bracketed class, with nested classes (union), `&&`
    /// (intersection) and a leading `^` (negation of the whole class).
    mutating func characterClass(consume: Bool) throws(RegexError) -> CodePointSet {
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
                        guard let curr else {
                            // Java 17 builds `prev.and(null)` here and throws a
                            // NullPointerException on the first character tested.
                            throw fail("'&&' with nothing to intersect is not supported (Java accepts it but "
                                       + "may fail with a NullPointerException while matching)", at: cursor)
                        }
                        prev = p.intersection(curr)
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
                curr = nil  // as in Java, where `curr = range(bits)` is null here
                hasBits = true
            }
            c = peek()
        }
    }

    /// Java's `range`: one class member — a character, a range `a-z`, an
    /// escape or a property. Returns nil when the member went into `bits`.
    mutating func classRange(_ bits: inout CodePointSet) throws(RegexError) -> CodePointSet? {
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

    func bitsOrSingle(_ bits: inout CodePointSet, _ c: UInt32) -> CodePointSet? {
        if c < 0x100 {
            bits.insert(c)
            if flags.caseInsensitive, let both = asciiCaseSet(c) { bits = bits.union(both) }
            return nil
        }
        return CodePointSet(c)
    }

    /// `\p{name}`, `\pL`, `\P{…}`: the cursor is on `{` or before the letter.
    mutating func family(oneLetter: Bool, complement: Bool, start: Int) throws(RegexError) -> CodePointSet {
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
}
