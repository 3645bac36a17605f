/// Java's escape sequences: `\t \n \xhh \x{h…} \uhhhh \0oo \cX`,
/// predefined classes, assertions, and the escapes this engine refuses.
extension PatternParser {
    /// Java's `escape`: the cursor is on the backslash.
    mutating func escape(inClass: Bool, isRange: Bool) throws(RegexError) -> Escape {
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

    func isOctal(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "7" }

    mutating func octal(_ start: Int) throws(RegexError) -> UInt32 {
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

    func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 0x30
        case "a"..."f": return c.value - 0x61 + 10
        case "A"..."F": return c.value - 0x41 + 10
        default: return nil
        }
    }

    mutating func hexEscape(_ start: Int) throws(RegexError) -> UInt32 {
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

    mutating func fourHexDigits(_ start: Int) throws(RegexError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let d = hexValue(read()) else { throw fail("Illegal Unicode escape sequence", at: start) }
            value = value * 16 + d
        }
        return value
    }

    /// `\uXXXX`, combining a `\uD8xx\uDCxx` surrogate pair into one code point.
    mutating func unicodeEscape(_ start: Int) throws(RegexError) -> UInt32 {
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
}
