import Foundation
import Testing
import LontarKernels

/// lt_train_gemm, the engine's packed GEMM fed by weight row loaders: float32
/// and bf16 paths, both operand layouts, f32, bf16 and NF4 weights, the
/// portable and AVX-512 micro-kernels, odd sizes, and bit-identical results
/// whatever the thread count.
@Suite(.serialized) struct BackwardGemmTests {
    static func bf16(_ x: Float) -> Double {
        var out: UInt16 = 0, v = x
        lt_f32_to_bf16(&v, &out, 1)
        var back: Float = 0
        lt_bf16_to_f32(&out, &back, 1)
        return Double(back)
    }

    /// C = A B with B = W^T (transposed) or W, in float64 (inputs optionally bf16-rounded).
    static func reference(_ a: [Float], _ w: [Float], M: Int, K: Int, N: Int, transposed: Bool,
                          round: Bool) -> [Double] {
        func r(_ x: Float) -> Double { round ? bf16(x) : Double(x) }
        var c = [Double](repeating: 0, count: M * N)
        for i in 0..<M { for n in 0..<N {
            var s = 0.0
            for k in 0..<K { s += r(a[i * K + k]) * r(transposed ? w[n * K + k] : w[k * N + n]) }
            c[i * N + n] = s
        } }
        return c
    }

    static let shapes = [(1, 1, 1), (5, 3, 7), (4, 300, 33), (13, 517, 70), (9, 64, 129)]

    @Test(arguments: [false, true])
    func float32MatchesFloat64(portable: Bool) {
        lt_limit_isa(portable ? LT_ISA_AVX2_FMA : LT_ISA_AVX512_BF16)
        defer { lt_limit_isa(LT_ISA_AVX512_BF16) }
        for (M, K, N) in Self.shapes {
            for transposed in [true, false] {
                var rng = TestRNG(seed: UInt64(M * 7 + K * 3 + N))
                let a = rng.floats(M * K), w = rng.floats(N * K), base = rng.floats(M * N)
                var c = base
                lt_train_gemm(a, M, K, N, w, transposed ? K : N, lt_train_load_f32, transposed ? 1 : 0, &c, 1, 0)
                let ref = Self.reference(a, w, M: M, K: K, N: N, transposed: transposed, round: false)
                expectClose(c, zip(ref, base).map { $0 + Double($1) }, rtol: 1e-5, atol: 1e-5,
                            "f32 \(M)x\(K)x\(N) transposed=\(transposed)")
            }
        }
    }

    @Test(arguments: [false, true])
    func bf16MatchesFloat64OnRoundedInputs(portable: Bool) {
        lt_limit_isa(portable ? LT_ISA_AVX512 : LT_ISA_AVX512_BF16)
        defer { lt_limit_isa(LT_ISA_AVX512_BF16) }
        for (M, K, N) in Self.shapes {
            for transposed in [true, false] {
                var rng = TestRNG(seed: UInt64(M * 5 + K + N))
                let a = rng.floats(M * K), w = rng.floats(N * K)
                var c = [Float](repeating: 9, count: M * N)
                lt_train_gemm(a, M, K, N, w, transposed ? K : N, lt_train_load_f32, transposed ? 1 : 0, &c, 0, 1)
                let ref = Self.reference(a, w, M: M, K: K, N: N, transposed: transposed, round: true)
                expectClose(c, ref, rtol: 1e-5, atol: 1e-5, "bf16 \(M)x\(K)x\(N) transposed=\(transposed)")
                // Against exact float32 inputs the error is bf16's rounding: each product is
                // off by about 2^-8 relative (std ~1e-3 for these inputs), a random walk over K
                // terms; allow five standard deviations.
                let exact = Self.reference(a, w, M: M, K: K, N: N, transposed: transposed, round: false)
                expectClose(c, exact, rtol: 0, atol: 5e-3 * Double(K).squareRoot(), "bf16 vs f32 \(M)x\(K)x\(N)")
            }
        }
    }

    @Test func bf16WeightsLoadExactly() {
        let M = 3, K = 21, N = 5
        var rng = TestRNG(seed: 8)
        let a = rng.floats(M * K), w = rng.floats(N * K)
        var wb = [UInt16](repeating: 0, count: w.count)
        lt_f32_to_bf16(w, &wb, w.count)
        var c = [Float](repeating: 0, count: M * N)
        lt_train_gemm(a, M, K, N, wb, K, lt_train_load_bf16, 1, &c, 0, 0)
        let wr = w.map { Float(Self.bf16($0)) }
        expectClose(c, Self.reference(a, wr, M: M, K: K, N: N, transposed: true, round: false),
                    rtol: 1e-5, atol: 1e-6, "bf16-stored weights, f32 math")
    }

    /// bf16- and NF4-stored weights through their row loaders, in both
    /// layouts and both precisions, against float64 on the dequantized weight.
    @Test func quantizedWeightsLoadExactlyInBothLayouts() {
        for (M, K, N) in [(5, 64, 7), (13, 192, 70), (9, 130, 33)] {
            var rng = TestRNG(seed: UInt64(M + K + N))
            let a = rng.floats(M * K), w = rng.floats(N * K).map { $0 * 0.05 }
            for transposed in [true, false] {
                let rows = transposed ? N : K, cols = transposed ? K : N
                var wb = [UInt16](repeating: 0, count: w.count)
                lt_f32_to_bf16(w, &wb, w.count)
                let nf4 = NF4Weight(w, rows: rows, cols: cols)
                let nf4Values = nf4.dequantized()
                for bf16 in [0, 1] as [Int32] {
                    var c = [Float](repeating: 0, count: M * N)
                    lt_train_gemm(a, M, K, N, wb, cols, lt_train_load_bf16, transposed ? 1 : 0, &c, 0, bf16)
                    let wr = w.map { Float(Self.bf16($0)) }
                    expectClose(c, Self.reference(a, wr, M: M, K: K, N: N, transposed: transposed, round: bf16 == 1),
                                rtol: 1e-5, atol: 1e-5, "bf16 weights \(M)x\(K)x\(N) t=\(transposed) bf16=\(bf16)")
                    var d = [Float](repeating: 0, count: M * N)
                    nf4.with { lt_train_gemm(a, M, K, N, $0, cols, lt_train_load_nf4, transposed ? 1 : 0, &d, 0, bf16) }
                    expectClose(d, Self.reference(a, nf4Values, M: M, K: K, N: N, transposed: transposed, round: bf16 == 1),
                                rtol: 1e-5, atol: 1e-5, "NF4 weights \(M)x\(K)x\(N) t=\(transposed) bf16=\(bf16)")
                }
            }
        }
    }

    @Test func threadCountDoesNotChangeResults() {
        let M = 37, K = 700, N = 300
        var rng = TestRNG(seed: 9)
        let a = rng.floats(M * K), w = rng.floats(N * K)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            lt_set_threads(Int32(threads))
            for bf16 in [0, 1] as [Int32] {
                var c = [Float](repeating: 0, count: M * N)
                lt_train_gemm(a, M, K, N, w, K, lt_train_load_f32, 1, &c, 0, bf16)
                results.append(c)
            }
        }
        lt_set_threads(1)
        #expect(results[0] == results[2] && results[2] == results[4])
        #expect(results[1] == results[3] && results[3] == results[5])
    }
}
