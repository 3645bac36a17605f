import Foundation
import LontarKernels

/// A small seeded generator (SplitMix64) so every test draws fresh but
/// reproducible inputs: the seed is printed in failure messages.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A float uniform in [-scale, scale).
    mutating func uniform(_ scale: Float = 1) -> Float {
        Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) * scale
    }
    /// n standard-normal floats times `scale` (Box-Muller).
    mutating func normals(_ n: Int, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in
            let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
            let u2 = Double(next() >> 11) / Double(1 << 53)
            return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)) * scale
        }
    }
    mutating func uniforms(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in uniform(scale) } }
}

/// A fresh seed per test run (printed on failure so a run can be replayed).
func freshSeed() -> UInt64 { UInt64.random(in: 1...UInt64.max) }

/// The instruction-set levels this CPU can run, best first.
var availableISAs: [lt_isa] {
    let best = lt_cpu_isa().rawValue
    return [LT_ISA_AVX512_BF16, LT_ISA_AVX512, LT_ISA_AVX2_FMA, LT_ISA_SCALAR].filter { $0.rawValue <= best }
}

/// Runs `body` with the kernels limited to `isa` and `threads` threads, then
/// restores the defaults. Tests that change these globals are serialized.
func withKernelSettings<T>(isa: lt_isa = LT_ISA_AVX512_BF16, threads: Int32 = 2, _ body: () throws -> T) rethrows -> T {
    lt_limit_isa(isa)
    lt_set_threads(threads)
    defer { lt_limit_isa(LT_ISA_AVX512_BF16); lt_set_threads(2) }
    return try body()
}

/// float64 reference of C[M,N] = A[M,K] * W[N,K]^T, and the magnitude
/// sum_k |a||w| per element that bounds its rounding error.
func referenceMatmulNT(_ a: [Float], _ w: [Float], m: Int, n: Int, k: Int) -> (value: [Double], magnitude: [Double]) {
    var value = [Double](repeating: 0, count: m * n), mag = value
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0, t = 0.0
            for p in 0..<k {
                let prod = Double(a[i * k + p]) * Double(w[j * k + p])
                s += prod
                t += abs(prod)
            }
            value[i * n + j] = s
            mag[i * n + j] = t
        }
    }
    return (value, mag)
}

/// Largest |got - want| / (magnitude + tiny) over all elements.
func worstRelativeError(_ got: [Float], _ want: [Double], _ magnitude: [Double]) -> Double {
    var worst = 0.0
    for i in got.indices {
        let e = abs(Double(got[i]) - want[i]) / (magnitude[i] + 1e-30)
        if !(e <= worst) { worst = e.isNaN ? .infinity : max(worst, e) }
    }
    return worst
}

/// Reads a little-endian float32 file.
func readFloats(_ url: URL) throws -> [Float] {
    let data = try Data(contentsOf: url)
    return data.withUnsafeBytes { raw in
        (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
}
