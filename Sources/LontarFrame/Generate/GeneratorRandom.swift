import Foundation

/// The generator's own pseudo-random numbers: xoshiro256** seeded through
/// SplitMix64, so a seed gives the same corpus on every machine and run
/// (Swift's `SystemRandomNumberGenerator` is not seedable, and its
/// `Random` protocol algorithms are not promised stable across releases).
struct GeneratorRandom {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// One SplitMix64 step: a well-mixed 64-bit function of `x`.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    init(seed: UInt64) {
        var x = seed
        func next() -> UInt64 {
            x = x &+ 0x9E37_79B9_7F4A_7C15
            return Self.mix(x &- 0x9E37_79B9_7F4A_7C15)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    /// The stream for one row of one corpus: rows are independent, so a
    /// corpus is the same whatever the chunking or thread count, and the
    /// first N rows of a larger corpus equal the N-row corpus.
    init(seed: UInt64, row: Int, stream: UInt64) {
        self.init(seed: Self.mix(Self.mix(seed ^ (stream &* 0xD6E8_FEB8_6659_FD93)) ^ UInt64(truncatingIfNeeded: row)))
    }

    @inline(__always) mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in `0 ..< n` (n ≥ 1), by a 128-bit multiply (bias below 2⁻⁵⁰ for our n).
    @inline(__always) mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in `lo ... hi`.
    @inline(__always) mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// Uniform in [0, 1), 53 random bits.
    @inline(__always) mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `percent` / 100.
    @inline(__always) mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A standard normal draw (Marsaglia's polar method: only `log` and
    /// `sqrt`, no trigonometry).
    mutating func normal() -> Double {
        while true {
            let u = 2 * unit() - 1
            let v = 2 * unit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }
}
