/// The character classes the pre-tokenizer patterns test, per Unicode scalar.
///
/// The patterns of Llama 3 and GPT-2 use only `\p{L}` (general categories Lu,
/// Ll, Lt, Lm, Lo), `\p{N}` (Nd, Nl, No) and `\s` (the Unicode `White_Space`
/// property, which is what the Rust `regex`/`fancy-regex` crates behind
/// tiktoken and Oniguruma behind HF `tokenizers` mean by `\s` in Unicode
/// mode: it includes U+0085, U+00A0, U+2028 and U+3000, and excludes
/// U+001C…U+001F, unlike Python's `str.isspace`). One byte per scalar holds
/// these bits, plus a bit for CR/LF, which the Llama 3 pattern singles out.
enum ScalarClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let space: UInt8 = 4
    /// `\r` or `\n` (always together with `space`).
    static let newline: UInt8 = 8
    /// Not a class: marks a position past the end of the text, so that
    /// "is a letter", "is a number", "is whitespace" and "is other" are all
    /// false there (as a regex's look-ahead sees no character).
    static let pastEnd: UInt8 = 0x80
    /// The classes whose absence makes a scalar "other" (`[^\s\p{L}\p{N}]`).
    static let notOther: UInt8 = letter | number | space | pastEnd

    /// Classes of the Basic Multilingual Plane (65,536 bytes), built once from
    /// the standard library's Unicode tables. Scalars above U+FFFF (emoji,
    /// rare CJK) are looked up directly: they are uncommon enough that a
    /// second table would cost more start-up time than it saves.
    nonisolated(unsafe) static let bmp: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        for v in 0 ..< 0x10000 {
            table[v] = Unicode.Scalar(UInt32(v)).map(compute) ?? 0
        }
        return UnsafePointer(table)
    }()

    /// The class bits of one scalar from its Unicode properties.
    static func compute(_ scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        var bits: UInt8 = 0
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            bits = letter
        case .decimalNumber, .letterNumber, .otherNumber:
            bits = number
        default:
            break
        }
        if properties.isWhitespace { bits |= space }
        if scalar == "\r" || scalar == "\n" { bits |= newline }
        return bits
    }

    /// The class bits of any scalar value (0 for values that are not scalars).
    @inline(__always)
    static func of(_ value: UInt32, table: UnsafePointer<UInt8>) -> UInt8 {
        if value < 0x10000 { return table[Int(value)] }
        return astral(value)
    }

    @inline(never)
    static func astral(_ value: UInt32) -> UInt8 {
        Unicode.Scalar(value).map(compute) ?? 0
    }
}

/// One decoded position of UTF-8 text: its class bits and its length in bytes.
///
/// Bytes that do not start a well-formed UTF-8 sequence (possible only in raw
/// byte buffers, never in a Swift `String`) count as a one-byte scalar of no
/// class — "other", like punctuation — so that every byte is tokenized and
/// decoding returns the input exactly.
struct ScalarAt {
    var bits: UInt8
    var length: Int

    @inline(__always)
    init(bits: UInt8, length: Int) {
        self.bits = bits
        self.length = length
    }
}

/// A read-only view of UTF-8 bytes that decodes scalars and their classes.
struct UTF8Cursor {
    let base: UnsafePointer<UInt8>
    /// One past the last byte the scanner may look at.
    let end: Int
    let table: UnsafePointer<UInt8>

    @inline(__always)
    init(base: UnsafePointer<UInt8>, end: Int, table: UnsafePointer<UInt8> = ScalarClass.bmp) {
        self.base = base
        self.end = end
        self.table = table
    }

    /// Decodes the scalar at byte offset `i` (which must be `< end`).
    @inline(__always)
    func scalar(at i: Int) -> ScalarAt {
        let b0 = base[i]
        if b0 < 0x80 { return ScalarAt(bits: table[Int(b0)], length: 1) }
        return multiByte(at: i, lead: b0)
    }

    /// Class bits of the scalar at `i`, or `pastEnd` at or past the end.
    @inline(__always)
    func bits(at i: Int) -> UInt8 {
        if i >= end { return ScalarClass.pastEnd }
        let b0 = base[i]
        if b0 < 0x80 { return table[Int(b0)] }
        return multiByte(at: i, lead: b0).bits
    }

    /// The scalar value at `i` if it is well-formed (used for case folding).
        func value(at i: Int) -> (value: UInt32, length: Int) {
        let b0 = base[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        guard let (v, n) = decode(at: i, lead: b0) else { return (0xFFFF_FFFF, 1) }
        return (v, n)
    }

        func multiByte(at i: Int, lead b0: UInt8) -> ScalarAt {
        guard let (v, n) = decode(at: i, lead: b0) else { return ScalarAt(bits: 0, length: 1) }
        return ScalarAt(bits: ScalarClass.of(v, table: table), length: n)
    }

    /// Strict UTF-8 decoding (no overlongs, no surrogates, ≤ U+10FFFF).
    @inline(__always)
    func decode(at i: Int, lead b0: UInt8) -> (UInt32, Int)? {
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard k < end else { return nil }
            let b = base[k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        if b0 < 0xC2 { return nil }
        if b0 < 0xE0 {
            guard let c1 = cont(i + 1) else { return nil }
            return ((UInt32(b0 & 0x1F) << 6) | c1, 2)
        }
        if b0 < 0xF0 {
            guard let c1 = cont(i + 1), let c2 = cont(i + 2) else { return nil }
            let v = (UInt32(b0 & 0x0F) << 12) | (c1 << 6) | c2
            if v < 0x800 || (v >= 0xD800 && v < 0xE000) { return nil }
            return (v, 3)
        }
        if b0 < 0xF5 {
            guard let c1 = cont(i + 1), let c2 = cont(i + 2), let c3 = cont(i + 3) else { return nil }
            let v = (UInt32(b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
            if v < 0x10000 || v > 0x10FFFF { return nil }
            return (v, 4)
        }
        return nil
    }
}
