/// UTF-8 decoding on raw byte buffers, forwards and backwards.
///
/// Invalid input never stops matching: an ill-formed sequence decodes to
/// U+FFFD covering its *maximal subpart* (the longest prefix that could have
/// begun a valid sequence, at least one byte) — the same substitution Java's
/// `new String(bytes, UTF_8)` makes, which is what Spark matches against.
/// The backward decoder segments the bytes exactly like the forward one, so
/// both directions agree on where every code point starts.
enum UTF8Bytes {
    static let replacement: UInt32 = 0xFFFD

    /// Whether `b` is a continuation byte (10xxxxxx).
    @inline(__always) static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    /// Decodes the code point starting at `i` (`i < end`). Returns the code
    /// point and its length in bytes.
    @inline(__always)
    static func decode(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (scalar: UInt32, length: Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        return decodeMultibyte(p, i, end)
    }

    /// The non-ASCII part of `decode`, kept out of line so the ASCII case inlines small.
    static func decodeMultibyte(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (scalar: UInt32, length: Int) {
        let b0 = p[i]
        // Allowed range of the second byte, and the total length, per lead byte.
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        let length: Int
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: length = 3
        case 0xED: length = 3; hi = 0x9F
        case 0xF0: length = 4; lo = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; hi = 0x8F
        default: return (replacement, 1)
        }
        guard i + 1 < end, p[i + 1] >= lo, p[i + 1] <= hi else { return (replacement, 1) }
        var scalar = UInt32(b0) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        scalar = scalar << 6 | UInt32(p[i + 1] & 0x3F)
        var k = 2
        while k < length {
            guard i + k < end, isContinuation(p[i + k]) else { return (replacement, k) }
            scalar = scalar << 6 | UInt32(p[i + k] & 0x3F)
            k += 1
        }
        return (scalar, length)
    }

    /// Decodes the code point that ends at `i` (`i > start`), where `start` is
    /// the lowest index that may be read. Returns the code point and its length.
    @inline(__always)
    static func decodeBefore(_ p: UnsafePointer<UInt8>, _ i: Int, _ start: Int, _ end: Int) -> (scalar: UInt32, length: Int) {
        let b = p[i - 1]
        if b < 0x80 { return (UInt32(b), 1) }
        return decodeMultibyteBefore(p, i, start, end)
    }

    static func decodeMultibyteBefore(_ p: UnsafePointer<UInt8>, _ i: Int, _ start: Int, _ end: Int) -> (scalar: UInt32, length: Int) {
        // The segment ending at `i` begins at the nearest non-continuation byte
        // within four bytes, if decoding from there ends exactly at `i`;
        // otherwise `p[i - 1]` is a stray continuation byte on its own.
        var k = 1
        while k <= 4 && i - k >= start {
            let b = p[i - k]
            if !isContinuation(b) {
                let d = decode(p, i - k, end)
                return d.length == k ? d : (replacement, 1)
            }
            k += 1
        }
        return (replacement, 1)
    }

    /// Appends the UTF-8 encoding of `scalar` to `out`.
    static func encode(_ scalar: UInt32, into out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
