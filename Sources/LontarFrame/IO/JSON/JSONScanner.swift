/// Byte-level JSON scanning for one line of a JSON Lines file: strings (with
/// every escape, UTF-8 checked), numbers, literals, and skipping whole values.
/// Nothing here allocates except when it appends to the output it is given.

/// A syntax error at byte `offset` of the line being scanned.
struct JSONSyntaxError: Error {
    var offset: Int
    var message: String
}

/// A number token, both as value and as the text it was written as (Spark
/// keeps that text when a number lands in a string column).
struct JSONNumber {
    var isInteger: Bool
    var int: Int64
    var double: Double
    var negativeZero: Bool
    var start: Int
    var end: Int
}

/// The most deeply nested value Lontar reads; deeper input is rejected rather
/// than risking the thread's stack.
let jsonMaxDepth = 512

/// A cursor over one line's bytes.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    /// `\u` escapes that named a lone UTF-16 surrogate (read as `?`).
    var loneSurrogates = 0

    init(_ line: UnsafeBufferPointer<UInt8>) {
        // A zero-length buffer may have no base address; point at a dummy byte.
        base = line.baseAddress ?? jsonEmptyLine
        end = line.count
    }

    @inline(__always) var atEnd: Bool { pos >= end }
    @inline(__always) var current: UInt8 { base[pos] }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let b = base[pos]
            if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { pos += 1 } else { return }
        }
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? pos, message: message)
    }

    /// An error for the byte at the cursor (or the end of the line), saying
    /// what was expected.
    func unexpected(_ expected: String) -> JSONSyntaxError {
        if atEnd { return error("expected \(expected), but the line ended") }
        return error("expected \(expected), found \(describeByte(current))")
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard pos < end, base[pos] == byte else { throw unexpected(what) }
        pos += 1
    }

    // MARK: Strings

    /// Flags, in the high bit of each byte, the bytes a string scan must stop
    /// at: `"`, `\`, control characters, and non-ASCII (to check its UTF-8).
    /// Only the lowest flagged byte is exact, which is all the scan uses.
    @inline(__always)
    static func specialBytes(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = x ^ (ones &* 0x22)
        let slash = x ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasSlash = (slash &- ones) & ~slash
        let hasControl = (x &- ones &* 0x20) & ~x
        return (hasQuote | hasSlash | hasControl | x) & (ones &* 0x80)
    }

    /// Moves the cursor from `pos` to the next byte that needs attention in a
    /// string (or to the end), eight bytes at a time.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        #if _endian(little)
        while pos + 8 <= end {
            let m = JSONScanner.specialBytes(UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
            if m != 0 {
                pos += m.trailingZeroBitCount >> 3
                return
            }
            pos += 8
        }
        #endif
        while pos < end {
            let b = base[pos]
            if b == 0x22 || b == 0x5C || b < 0x20 || b >= 0x80 { return }
            pos += 1
        }
    }

    /// Reads the string whose opening quote is at the cursor, appending its
    /// decoded UTF-8 to `out` when `out` is given (otherwise only checking it).
    /// Leaves the cursor after the closing quote. Returns whether it had escapes.
    @discardableResult
    mutating func readString<Sink: ByteSink>(into out: inout Sink) throws(JSONSyntaxError) -> Bool {
        let open = pos
        pos += 1
        var runStart = pos
        var escaped = false
        while true {
            skipPlainStringBytes()
            if pos >= end { throw error("unterminated string (it opens here and the line ends first)", at: open) }
            let b = base[pos]
            if b == 0x22 {
                if pos > runStart {
                    out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: pos - runStart))
                }
                pos += 1
                return escaped
            }
            if b >= 0x80 {
                guard let n = utf8SequenceLength(base + pos, limit: end - pos) else {
                    throw error("invalid UTF-8 in a string")
                }
                pos += n
                continue
            }
            if b < 0x20 {
                throw error("control character U+00\(hexByte(b)) in a string must be escaped (as \\n, \\t or \\u00\(hexByte(b)))")
            }
            // A backslash: flush the plain run, then decode the escape.
            escaped = true
            if pos > runStart {
                out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: pos - runStart))
            }
            try readEscape(into: &out)
            runStart = pos
        }
    }

    /// Decodes the escape whose backslash is at the cursor.
    @inline(__always)
    private mutating func readEscape<Sink: ByteSink>(into out: inout Sink) throws(JSONSyntaxError) {
        let slash = pos
        guard pos + 1 < end else { throw error("unterminated string: a backslash ends the line") }
        let c = base[pos + 1]
        pos += 2
        let byte: UInt8
        switch c {
        case 0x22: byte = 0x22  // \"
        case 0x5C: byte = 0x5C  // \\
        case 0x2F: byte = 0x2F  // \/
        case 0x62: byte = 0x08  // \b
        case 0x66: byte = 0x0C  // \f
        case 0x6E: byte = 0x0A  // \n
        case 0x72: byte = 0x0D  // \r
        case 0x74: byte = 0x09  // \t
        case 0x75:              // \uXXXX
            let unit = try readHex4(escapeAt: slash)
            var scalar = UInt32(unit)
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate pairs with an immediately following \u low surrogate.
                if pos + 1 < end, base[pos] == 0x5C, base[pos + 1] == 0x75 {
                    let save = pos
                    pos += 2
                    let low = try readHex4(escapeAt: save)
                    if low >= 0xDC00 && low <= 0xDFFF {
                        scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    } else {
                        pos = save  // not a pair: the next escape is decoded on its own
                        scalar = 0x3F
                        loneSurrogates += 1
                    }
                } else {
                    scalar = 0x3F
                    loneSurrogates += 1
                }
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                scalar = 0x3F
                loneSurrogates += 1
            }
            appendUTF8(scalar, to: &out)
            return
        default:
            pos = slash + 1
            throw error("invalid escape \\\(describeEscapeChar(c)) in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", at: slash)
        }
        out.append(byte)
    }

    /// Reads four hex digits at the cursor.
    @inline(__always)
    private mutating func readHex4(escapeAt slash: Int) throws(JSONSyntaxError) -> UInt16 {
        guard pos + 4 <= end else { throw error("\\u escape needs four hex digits", at: slash) }
        var v: UInt16 = 0
        for i in 0 ..< 4 {
            let h = base[pos + i]
            let d: UInt8
            switch h {
            case 0x30 ... 0x39: d = h - 0x30
            case 0x41 ... 0x46: d = h - 0x41 + 10
            case 0x61 ... 0x66: d = h - 0x61 + 10
            default: throw error("\\u escape needs four hex digits", at: slash)
            }
            v = v << 4 | UInt16(d)
        }
        pos += 4
        return v
    }

    // MARK: Numbers and literals

    /// Reads a number at the cursor with JSON's grammar
    /// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), plus `NaN`,
    /// `Infinity` and `-Infinity` as Python's json module writes them.
    /// Integers that fit in Int64 stay integers; everything else is a double.
    mutating func readNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = pos
        var negative = false
        if base[pos] == 0x2D {
            negative = true
            pos += 1
            if matchLiteral("Infinity") {
                return JSONNumber(isInteger: false, int: 0, double: -.infinity, negativeZero: false, start: start, end: pos)
            }
        }
        guard pos < end, base[pos] >= 0x30 && base[pos] <= 0x39 else {
            throw error("invalid number: expected a digit", at: pos)
        }
        var mantissa: UInt64 = 0
        var digits = 0            // significant digits seen (leading zeros excluded)
        var dropped = 0           // digits past the 19 that fit, before the point
        var fractionDigits = 0    // significant digits after the point kept in mantissa
        var isInteger = true
        if base[pos] == 0x30 {
            pos += 1
            if pos < end, base[pos] >= 0x30 && base[pos] <= 0x39 {
                throw error("invalid number: leading zeros are not allowed in JSON", at: start)
            }
        } else {
            while pos < end, base[pos] >= 0x30 && base[pos] <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[pos] - 0x30) } else { dropped += 1 }
                digits += 1
                pos += 1
            }
        }
        if pos < end && base[pos] == 0x2E {
            isInteger = false
            pos += 1
            let fracStart = pos
            while pos < end, base[pos] >= 0x30 && base[pos] <= 0x39 {
                let d = UInt64(base[pos] - 0x30)
                if digits == 0 && d == 0 {
                    fractionDigits += 1        // a leading zero of 0.000123: only shifts the point
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ d
                    digits += 1
                    fractionDigits += 1
                } else {
                    digits += 1
                }
                pos += 1
            }
            if pos == fracStart { throw error("invalid number: expected a digit after the decimal point") }
        }
        var exponent = 0
        if pos < end && (base[pos] == 0x65 || base[pos] == 0x45) {
            isInteger = false
            pos += 1
            var expNegative = false
            if pos < end && (base[pos] == 0x2B || base[pos] == 0x2D) {
                expNegative = base[pos] == 0x2D
                pos += 1
            }
            let expStart = pos
            while pos < end, base[pos] >= 0x30 && base[pos] <= 0x39 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(base[pos] - 0x30) }
                pos += 1
            }
            if pos == expStart { throw error("invalid number: expected a digit in the exponent") }
            if expNegative { exponent = -exponent }
        }
        let text = UnsafeBufferPointer(start: base + start, count: pos - start)
        if isInteger && digits <= 19 {
            // 19 digits may still overflow Int64; check exactly.
            if negative {
                if mantissa <= UInt64(Int64.max) + 1 {
                    let v = mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mantissa)
                    return JSONNumber(isInteger: true, int: v, double: 0, negativeZero: mantissa == 0,
                                      start: start, end: pos)
                }
            } else if mantissa <= UInt64(Int64.max) {
                return JSONNumber(isInteger: true, int: Int64(mantissa), double: 0, negativeZero: false,
                                  start: start, end: pos)
            }
        }
        let keptDigits = min(digits, 19)
        let scale = exponent + dropped - fractionDigits
        let value = decimalToDouble(negative: negative, mantissa: mantissa, digitCount: keptDigits,
                                    exponent: digits > 19 ? 1000 : scale, text: text)
        return JSONNumber(isInteger: false, int: 0, double: value, negativeZero: false, start: start, end: pos)
    }

    /// Consumes `literal` if the line continues with it.
    @inline(__always)
    mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard pos + n <= end else { return false }
        let p = literal.utf8Start
        for i in 0 ..< n where base[pos + i] != p[i] { return false }
        pos += n
        return true
    }

    // MARK: Whole values

    /// Checks and skips the string at the cursor.
    mutating func skipString() throws(JSONSyntaxError) {
        var sink = DiscardingSink()
        try readString(into: &sink)
    }

    /// Checks and skips the value at the cursor (any JSON value, nested to at
    /// most `jsonMaxDepth` levels).
    mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        guard pos < end else { throw unexpected("a value") }
        switch base[pos] {
        case 0x22:
            try skipString()
        case 0x7B:  // {
            if depth >= jsonMaxDepth { throw error("nested more than \(jsonMaxDepth) levels deep") }
            pos += 1
            skipWhitespace()
            if pos < end && base[pos] == 0x7D { pos += 1; return }
            while true {
                skipWhitespace()
                guard pos < end, base[pos] == 0x22 else { throw unexpected("'\"' to start a key") }
                try skipString()
                skipWhitespace()
                try expect(0x3A, "':' after a key")
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard pos < end else { throw unexpected("',' or '}' after a value in an object") }
                if base[pos] == 0x2C { pos += 1; continue }
                if base[pos] == 0x7D { pos += 1; return }
                throw unexpected("',' or '}' after a value in an object")
            }
        case 0x5B:  // [
            if depth >= jsonMaxDepth { throw error("nested more than \(jsonMaxDepth) levels deep") }
            pos += 1
            skipWhitespace()
            if pos < end && base[pos] == 0x5D { pos += 1; return }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard pos < end else { throw unexpected("',' or ']' after a value in an array") }
                if base[pos] == 0x2C { pos += 1; continue }
                if base[pos] == 0x5D { pos += 1; return }
                throw unexpected("',' or ']' after a value in an array")
            }
        case 0x2D, 0x30 ... 0x39:
            _ = try readNumber()
        default:
            if matchLiteral("true") || matchLiteral("false") || matchLiteral("null")
                || matchLiteral("NaN") || matchLiteral("Infinity") { return }
            throw unexpected("a value (string, number, object, array, true, false or null)")
        }
    }
}

/// Backs the scanner of an empty line (whose buffer may have no address).
nonisolated(unsafe) private let jsonEmptyLineStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
var jsonEmptyLine: UnsafePointer<UInt8> { UnsafePointer(jsonEmptyLineStorage) }

func hexByte(_ b: UInt8) -> String {
    let hex = Array("0123456789ABCDEF")
    return "\(hex[Int(b >> 4)])\(hex[Int(b & 15)])"
}

private func describeEscapeChar(_ c: UInt8) -> String {
    c >= 0x21 && c < 0x7F ? String(Character(Unicode.Scalar(c))) : "(\(describeByte(c)))"
}
