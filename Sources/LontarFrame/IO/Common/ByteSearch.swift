#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast searches over raw bytes for the text readers' scanning loops.

/// The index of the first `byte` in `base[from ..< to]`, or `to` if none (the C library's vectorised `memchr`).
@inline(__always)
func indexOfByte(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    guard from < to, let p = memchr(base + from, Int32(byte), to - from) else { return to }
    return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
}

/// Flags (in each byte's high bit) exactly the bytes of `x` equal to `byte`.
@inline(__always)
func bytesEqual(_ x: UInt64, _ byte: UInt8) -> UInt64 {
    let y = x ^ (0x0101_0101_0101_0101 &* UInt64(byte))
    // Exact per byte (no borrow between bytes): high bit set iff the byte of y is zero.
    return ~(((y & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | y | 0x7F7F_7F7F_7F7F_7F7F)
}

/// The index of the first `a` or `b` in `base[from ..< to]`, or `to` if none;
/// eight bytes at a time.
@inline(__always)
func indexOfEither(_ a: UInt8, _ b: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    var i = from
    #if _endian(little)
    while i + 8 <= to {
        let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        let m = bytesEqual(x, a) | bytesEqual(x, b)
        if m != 0 { return i + m.trailingZeroBitCount >> 3 }
        i += 8
    }
    #endif
    while i < to {
        if base[i] == a || base[i] == b { return i }
        i += 1
    }
    return to
}

/// How many bytes of `base[from ..< to]` equal `byte`.
@inline(__always)
func countOfByte(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    var n = 0
    var i = from
    #if _endian(little)
    while i + 8 <= to {
        n += bytesEqual(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self), byte).nonzeroBitCount
        i += 8
    }
    #endif
    while i < to {
        if base[i] == byte { n += 1 }
        i += 1
    }
    return n
}
