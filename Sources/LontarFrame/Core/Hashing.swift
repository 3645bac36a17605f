/// 64-bit hashing of cell values for grouping, `distinct` and token counting.
/// Not cryptographic; only needs to spread keys well in open-addressing tables.
enum Hashing {
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        // The SplitMix64 finalizer.
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func combine(_ h: UInt64, _ v: UInt64) -> UInt64 {
        mix(h ^ (v &* 0x9FB2_1C65_1E98_DF25))
    }

    /// Hash of a byte string: 8 bytes at a time, then the tail and the length.
    @inline(__always)
    static func bytes(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x2545_F491_4F6C_DD1D ^ UInt64(p.count)
        guard let base = p.baseAddress else { return mix(h) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= p.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x1000_0000_01B3 &+ 0x9E37_79B9
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < p.count {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail)
    }

    /// Spark groups -0.0 with 0.0 and all NaNs together.
    @inline(__always)
    static func normalized(_ d: Double) -> UInt64 {
        if d.isNaN { return 0x7FF8_0000_0000_0000 }
        return d == 0 ? 0 : d.bitPattern
    }
}
