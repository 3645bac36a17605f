/// Minimal UTF-8 decoding over raw bytes for the string kernels.
///
/// Malformed input decodes as U+FFFD one byte at a time, which is what Java
/// does when Spark turns a malformed UTF-8 value into a `String`.
enum UTF8Scalars {
    /// Decodes the scalar starting at `i` (which must be `< end`).
    /// Returns the scalar value and the number of bytes it occupies.
    @inline(__always)
    static func decode(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 >= 0xC2 && b0 < 0xE0, i + 1 < end, isContinuation(p[i + 1]) {
            return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2)
        }
        if b0 >= 0xE0 && b0 < 0xF0, i + 2 < end, isContinuation(p[i + 1]), isContinuation(p[i + 2]) {
            let s = (b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
            if s >= 0x800 && !(0xD800 ... 0xDFFF).contains(s) { return (s, 3) }
        }
        if b0 >= 0xF0 && b0 < 0xF5, i + 3 < end, isContinuation(p[i + 1]), isContinuation(p[i + 2]), isContinuation(p[i + 3]) {
            let s = (b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F)
            if s >= 0x10000 && s <= 0x10FFFF { return (s, 4) }
        }
        return (0xFFFD, 1)
    }

    /// The scalar ending just before `i` (which must be `> start`).
    static func decodeBefore(_ p: UnsafePointer<UInt8>, _ i: Int, _ start: Int) -> (scalar: UInt32, length: Int) {
        var j = i - 1
        while j > start && i - j < 4 && isContinuation(p[j]) { j -= 1 }
        let (s, n) = decode(p, j, i)
        if j + n == i { return (s, n) }
        return (0xFFFD, 1)
    }

    @inline(__always) static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    /// Appends the UTF-8 encoding of `s`.
    @inline(__always)
    static func append(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case ..<0x80:
            out.append(UInt8(s))
        case ..<0x800:
            out.append(UInt8(0xC0 | s >> 6)); out.append(UInt8(0x80 | s & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | s >> 12)); out.append(UInt8(0x80 | (s >> 6) & 0x3F))
            out.append(UInt8(0x80 | s & 0x3F))
        default:
            out.append(UInt8(0xF0 | s >> 18)); out.append(UInt8(0x80 | (s >> 12) & 0x3F))
            out.append(UInt8(0x80 | (s >> 6) & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        }
    }

    /// Number of code points (Spark's `length`): bytes that are not
    /// continuation bytes.
    static func countScalars(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in p where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// Number of UTF-16 code units (Java's `String.length`, used by
    /// `RegexTokenizer.minTokenLength`).
    static func utf16Length(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in p {
            if b & 0xC0 != 0x80 { n += 1 }
            if b >= 0xF0 { n += 1 }        // four-byte sequence: a surrogate pair
        }
        return n
    }
}
