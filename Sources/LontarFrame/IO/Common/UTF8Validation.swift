/// UTF-8 checks shared by the readers. Lontar's string columns promise valid
/// UTF-8, so every reader checks the bytes it copies into one.

/// The length of the valid UTF-8 sequence that starts with the non-ASCII byte
/// at `p` (at most `limit` bytes are available), or nil if it is not valid:
/// a stray continuation byte, an overlong form, a surrogate, a code point past
/// U+10FFFF, or a sequence cut short.
@inline(__always)
func utf8SequenceLength(_ p: UnsafePointer<UInt8>, limit: Int) -> Int? {
    let b0 = p[0]
    @inline(__always) func cont(_ i: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
        i < limit && p[i] >= lo && p[i] <= hi
    }
    switch b0 {
    case 0xC2 ... 0xDF:
        return cont(1) ? 2 : nil
    case 0xE0:
        return cont(1, 0xA0) && cont(2) ? 3 : nil
    case 0xE1 ... 0xEC, 0xEE ... 0xEF:
        return cont(1) && cont(2) ? 3 : nil
    case 0xED:
        return cont(1, 0x80, 0x9F) && cont(2) ? 3 : nil  // excludes UTF-16 surrogates
    case 0xF0:
        return cont(1, 0x90) && cont(2) && cont(3) ? 4 : nil
    case 0xF1 ... 0xF3:
        return cont(1) && cont(2) && cont(3) ? 4 : nil
    case 0xF4:
        return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : nil
    default:
        return nil
    }
}

/// The offset of the first byte that breaks UTF-8 in `buffer`, or nil if it
/// is all valid. ASCII is checked eight bytes at a time.
func firstInvalidUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = buffer.baseAddress else { return nil }
    let n = buffer.count
    var i = 0
    while i < n {
        while i + 8 <= n,
              UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        if i >= n { break }
        if base[i] < 0x80 { i += 1; continue }
        guard let len = utf8SequenceLength(base + i, limit: n - i) else { return i }
        i += len
    }
    return nil
}

/// Appends the UTF-8 encoding of `scalar` to `out`.
@inline(__always)
func appendUTF8<Sink: ByteSink>(_ scalar: UInt32, to out: inout Sink) {
    switch scalar {
    case 0 ..< 0x80:
        out.append(UInt8(scalar))
    case 0x80 ..< 0x800:
        out.append(UInt8(0xC0 | (scalar >> 6)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800 ..< 0x10000:
        out.append(UInt8(0xE0 | (scalar >> 12)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (scalar >> 18)))
        out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}

/// Counts the Unicode scalars in `bytes` (for 1-based character columns in
/// error messages): every byte that is not a UTF-8 continuation byte starts one.
func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var n = 0
    for b in bytes where b & 0xC0 != 0x80 { n += 1 }
    return n
}

/// Somewhere decoded bytes go: a byte array, or nowhere (when only checking).
protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteSink where Element == UInt8 {}

/// A sink that drops everything, for validating without decoding.
struct DiscardingSink: ByteSink {
    @inline(__always) mutating func append(_ byte: UInt8) {}
    @inline(__always) mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {}
}
