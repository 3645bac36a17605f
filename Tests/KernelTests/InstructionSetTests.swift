import Foundation
import Testing
import LontarKernels

/// The inference kernels on every instruction-set level this CPU has
/// (scalar, AVX2/FMA, AVX-512, AVX-512 BF16): each against a float64
/// reference on fresh random inputs with odd sizes, the AVX2 result against
/// the AVX-512 one, and the AVX2 paths across thread counts. These tests
/// change the kernels' global settings, so they belong to the serialized
/// DeterminismTests suite (a second serialized suite would run beside it
/// and change the level under its feet).
extension DeterminismTests {
    static var avx2: Bool { lt_cpu_isa().rawValue >= LT_ISA_AVX2_FMA.rawValue }
    static var avx512: Bool { lt_cpu_isa().rawValue >= LT_ISA_AVX512.rawValue }

    /// Runs `body` once per available level; returns its results by level.
    func perISA(threads: Int32 = 2, _ body: () -> [Float]) -> [(isa: lt_isa, result: [Float])] {
        availableISAs.map { isa in (isa, withKernelSettings(isa: isa, threads: threads) { body() }) }
    }

    func name(_ isa: lt_isa) -> String { String(cString: lt_isa_name(isa)) }

    /// The AVX2 and AVX-512 results, when the CPU has both.
    func pair(_ results: [(isa: lt_isa, result: [Float])]) -> (avx2: [Float], avx512: [Float])? {
        guard let a = results.first(where: { $0.isa == LT_ISA_AVX2_FMA }),
              let b = results.first(where: { $0.isa == LT_ISA_AVX512 }) else { return nil }
        return (a.result, b.result)
    }

    static let nf4Shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 13, 64), (1, 37, 320), (2, 9, 192), (3, 13, 128), (4, 7, 64), (1, 5, 67), (3, 11, 96),
        (5, 70, 320), (9, 33, 96), (33, 41, 576), (6, 13, 67),
    ]

    @Test(arguments: nf4Shapes)
    func nf4MatchesReferenceOnEveryLevel(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * k), w = NF4Weight(rng.normals(n * k, scale: 0.05), rows: n, cols: k)
        let wd = w.dequantized()
        let ref = referenceMatmulNT(a, wd, m: m, n: n, k: k)
        let matvec = m <= Int(LT_MATVEC_MAX_ROWS)
        let refb = matvec ? ref : referenceMatmulNT(bf16Rounded(a), bf16Rounded(wd), m: m, n: n, k: k)
        let tol = Double(k + 4) * 1.2e-7
        for bf16 in [0, 1] as [Int32] {
            let results = perISA {
                var c = [Float](repeating: .nan, count: m * n)
                w.with { lt_matmul_nf4(a, $0, &c, m, bf16, 0) }
                return c
            }
            for (isa, c) in results {
                let err = worstRelativeError(c, bf16 == 1 ? refb.value : ref.value, bf16 == 1 ? refb.magnitude : ref.magnitude)
                #expect(err <= tol, "seed \(seed) \(shape) bf16=\(bf16) \(name(isa)): error \(err)")
            }
            if let (x, y) = pair(results) {
                let diff = worstRelativeError(x, y.map(Double.init), ref.magnitude)
                #expect(diff <= tol, "seed \(seed) \(shape) bf16=\(bf16): AVX2 vs AVX-512 \(diff)")
            }
            // The matrix-matrix path is one fma chain per element on the same
            // exactly dequantized (and equally rounded) weights: the same bits on
            // scalar, AVX2 and AVX-512 (vdpbf16ps, which sums pairs, excepted).
            if !matvec {
                let same = results.filter { bf16 == 0 || $0.isa != LT_ISA_AVX512_BF16 }
                #expect(same.allSatisfy { $0.result == same[0].result }, "seed \(seed) \(shape) bf16=\(bf16)")
            }
        }
        // accumulate, on AVX2
        if Self.avx2 {
            var c = [Float](repeating: -2, count: m * n)
            withKernelSettings(isa: LT_ISA_AVX2_FMA) { w.with { lt_matmul_nf4(a, $0, &c, m, 0, 1) } }
            let err = worstRelativeError(c, ref.value.map { $0 - 2 }, ref.magnitude.map { $0 + 2 })
            #expect(err <= Double(k + 5) * 1.2e-7, "seed \(seed) \(shape): AVX2 accumulate error \(err)")
        }
    }

    static let denseShapes: [(m: Int, n: Int, k: Int)] = [
        (1, 13, 67), (1, 37, 576), (2, 9, 100), (3, 5, 8), (4, 7, 131), (1, 3, 5), (5, 70, 67), (33, 41, 300),
    ]

    @Test(arguments: denseShapes)
    func bf16MatchesReferenceOnEveryLevel(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * k), w = rng.uniforms(n * k)
        var wh = [UInt16](repeating: 0, count: n * k)
        lt_f32_to_bf16(w, &wh, w.count)
        let matvec = m <= Int(LT_MATVEC_MAX_ROWS)
        let ref = referenceMatmulNT(matvec ? a : bf16Rounded(a), bf16Rounded(w), m: m, n: n, k: k)
        let tol = Double(k + 2) * 1.2e-7
        let results = perISA {
            var c = [Float](repeating: .nan, count: m * n)
            lt_matmul_bf16(a, wh, &c, m, n, k, 0)
            return c
        }
        for (isa, c) in results {
            let err = worstRelativeError(c, ref.value, ref.magnitude)
            #expect(err <= tol, "seed \(seed) \(shape) \(name(isa)): error \(err)")
        }
        if let (x, y) = pair(results) {
            let diff = worstRelativeError(x, y.map(Double.init), ref.magnitude)
            #expect(diff <= tol, "seed \(seed) \(shape): AVX2 vs AVX-512 \(diff)")
        }
        if !matvec {
            let same = results.filter { $0.isa != LT_ISA_AVX512_BF16 }
            #expect(same.allSatisfy { $0.result == same[0].result }, "seed \(seed) \(shape)")
        }
    }

    @Test(arguments: denseShapes + [(1, 50, 192), (3, 9, 128)])
    func q8MatchesReferenceOnEveryLevel(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * k), w = rng.normals(n * k, scale: 0.05)
        let nb = (k + 63) / 64
        var q = [Int8](repeating: 0, count: n * k), scales = [Float](repeating: 0, count: n * nb)
        lt_q8_quantize(w, n, k, &q, &scales)
        var wd = [Float](repeating: 0, count: n * k)
        var results: [(isa: lt_isa, result: [Float])] = []
        q.withUnsafeBufferPointer { qp in
            scales.withUnsafeBufferPointer { sp in
                var t = lt_q8_tensor(q: qp.baseAddress, scales: sp.baseAddress, rows: Int64(n), cols: Int64(k))
                lt_q8_dequantize(&t, &wd)
                results = perISA {
                    var c = [Float](repeating: .nan, count: m * n)
                    lt_matmul_q8(a, &t, &c, m, 0, 0)
                    return c
                }
            }
        }
        let ref = referenceMatmulNT(a, wd, m: m, n: n, k: k)
        let tol = Double(k + 4) * 1.2e-7
        for (isa, c) in results {
            let err = worstRelativeError(c, ref.value, ref.magnitude)
            #expect(err <= tol, "seed \(seed) \(shape) \(name(isa)): error \(err)")
        }
        if let (x, y) = pair(results) {
            let diff = worstRelativeError(x, y.map(Double.init), ref.magnitude)
            #expect(diff <= tol, "seed \(seed) \(shape): AVX2 vs AVX-512 \(diff)")
        }
    }

    @Test func avx2PathsAreBitIdenticalAcrossThreadCounts() throws {
        try #require(Self.avx2)
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        for (m, n, k) in [(1, 77, 128), (3, 50, 67), (2, 45, 192), (37, 70, 192)] {
            let a = rng.uniforms(m * k)
            let w = NF4Weight(rng.normals(n * k, scale: 0.05), rows: n, cols: k)
            let wf = rng.uniforms(n * k)
            var wh = [UInt16](repeating: 0, count: n * k)
            lt_f32_to_bf16(wf, &wh, wf.count)
            let nb = (k + 63) / 64
            var q = [Int8](repeating: 0, count: n * k), scales = [Float](repeating: 0, count: n * nb)
            lt_q8_quantize(wf, n, k, &q, &scales)
            var results: [[Float]] = []
            for threads in [1, 2, 3] as [Int32] {
                var c = [Float](repeating: 0, count: m * n), cb = c, ch = c, cq = c
                withKernelSettings(isa: LT_ISA_AVX2_FMA, threads: threads) {
                    w.with { lt_matmul_nf4(a, $0, &c, m, 0, 0) }
                    w.with { lt_matmul_nf4(a, $0, &cb, m, 1, 0) }
                    lt_matmul_bf16(a, wh, &ch, m, n, k, 0)
                    q.withUnsafeBufferPointer { qp in
                        scales.withUnsafeBufferPointer { sp in
                            var t = lt_q8_tensor(q: qp.baseAddress, scales: sp.baseAddress, rows: Int64(n), cols: Int64(k))
                            lt_matmul_q8(a, &t, &cq, m, 0, 0)
                        }
                    }
                }
                results.append(c + cb + ch + cq)
            }
            #expect(results.allSatisfy { $0 == results[0] }, "seed \(seed) m=\(m)")
        }
    }

    @Test(arguments: [(1, 40, 9, 3, 64), (3, 7, 4, 2, 24), (1, 0, 2, 1, 8), (19, 5, 6, 2, 64), (33, 31, 4, 2, 128),
                      (9, 0, 3, 1, 40), (2, 3, 2, 1, 20)])
    func attentionMatchesReferenceOnEveryLevel(T: Int, start: Int, H: Int, G: Int, D: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let capacity = start + T + 3
        let q = rng.uniforms(T * H * D, scale: 2)
        var kc = [Float](repeating: .nan, count: G * capacity * D), vc = kc
        lt_kv_store_f32(rng.uniforms((start + T) * G * D, scale: 2), &kc, capacity, start + T, 0, G, D)
        lt_kv_store_f32(rng.uniforms((start + T) * G * D), &vc, capacity, start + T, 0, G, D)
        let scale = 1 / Float(D).squareRoot()
        let ref = OpsTests().referenceAttention(q: q, k: kc, v: vc, capacity: capacity, T: T, start: start, H: H, G: G,
                                                D: D, scale: Double(scale))
        let results = perISA {
            var out = [Float](repeating: .nan, count: T * H * D), lse = [Float](repeating: .nan, count: T * H)
            lt_attention_f32(q, kc, vc, capacity, &out, &lse, T, start, H, G, D, scale, nil)
            return out + lse
        }
        for (isa, r) in results {
            let err = zip(r, ref.out + ref.lse).map { abs(Double($0) - $1) }.max()!
            #expect(err <= 2e-6, "seed \(seed) \(name(isa)) T=\(T) D=\(D): error \(err)")
        }
        if let (x, y) = pair(results) {
            let diff = zip(x, y).map { abs(Double($0) - Double($1)) }.max()!
            #expect(diff <= 2e-6, "seed \(seed) T=\(T) D=\(D): AVX2 vs AVX-512 \(diff)")
        }
    }

    @Test(arguments: [37, 4101, 1000])
    func swigluMatchesReferenceOnEveryLevel(n: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let g = rng.uniforms(n, scale: 12), u = rng.uniforms(n, scale: 3)
        let results = perISA {
            var out = [Float](repeating: .nan, count: n)
            lt_swiglu_f32(g, u, &out, n)
            return out
        }
        for (isa, out) in results {
            for i in 0..<n {
                let x = Double(g[i]), want = x / (1 + exp(-x)) * Double(u[i])
                #expect(abs(Double(out[i]) - want) <= 2e-6 * (abs(want) + 1e-3), "seed \(seed) \(name(isa)) i=\(i)")
            }
        }
        // The AVX2 exp gives the AVX-512 one's bits; where both vectorize the
        // same elements (n % 16 < 8), so do the results.
        if n % 16 < 8, let (x, y) = pair(results) {
            let same = x == y
            #expect(same, "seed \(seed) n=\(n)")
        }
    }

    @Test func isaNamesParse() {
        #expect(lt_isa_parse("scalar") == Int32(LT_ISA_SCALAR.rawValue))
        #expect(lt_isa_parse("avx2") == Int32(LT_ISA_AVX2_FMA.rawValue))
        #expect(lt_isa_parse("avx2-fma") == Int32(LT_ISA_AVX2_FMA.rawValue))
        #expect(lt_isa_parse("avx512") == Int32(LT_ISA_AVX512.rawValue))
        #expect(lt_isa_parse("avx512-bf16") == Int32(LT_ISA_AVX512_BF16.rawValue))
        #expect(lt_isa_parse("sse9") == -1)
        for isa in availableISAs { #expect(lt_isa_parse(lt_isa_name(isa)) == Int32(isa.rawValue)) }
        // lt_limit_isa lowers the level the kernels report (LONTAR_ISA unset)
        guard ProcessInfo.processInfo.environment["LONTAR_ISA"] == nil else { return }
        for isa in availableISAs {
            withKernelSettings(isa: isa) { #expect(lt_kernel_isa() == isa) }
        }
    }
}
