import Testing
import LontarKernels

/// Results are bit-identical whatever the thread count, and the f32 GEMM
/// gives the same bits on every instruction set (each element is one
/// sequential fma chain). These tests change the kernels' global settings,
/// so they run one at a time.
@Suite(.serialized) struct DeterminismTests {
    @Test func matmulIsBitIdenticalAcrossThreadCounts() {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        for (m, n, k) in [(3, 77, 130), (37, 200, 300), (130, 45, 64)] {
            let a = rng.uniforms(m * k), w = rng.uniforms(n * k)
            var results: [[Float]] = []
            for threads in [1, 2, 3, 5] as [Int32] {
                var c = [Float](repeating: 0, count: m * n)
                withKernelSettings(threads: threads) { lt_matmul_f32(a, w, &c, m, n, k, 0) }
                results.append(c)
            }
            #expect(results.allSatisfy { $0 == results[0] }, "seed \(seed) m=\(m)")
        }
    }

    @Test func gemmIsBitIdenticalAcrossInstructionSets() {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = (21, 70, 300)
        let a = rng.uniforms(m * k), w = rng.uniforms(n * k)
        var results: [[Float]] = []
        for isa in availableISAs {
            var c = [Float](repeating: 0, count: m * n), d = [Float](repeating: 0, count: m * k)
            withKernelSettings(isa: isa) {
                lt_matmul_f32(a, w, &c, m, n, k, 0)
                lt_matmul_nn_f32(c, w, &d, m, n, k, 0)
            }
            results.append(c + d)
        }
        #expect(results.allSatisfy { $0 == results[0] }, "seed \(seed)")
    }

    @Test func everyInstructionSetIsAccurate() {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        for isa in availableISAs {
            for (m, n, k) in [(1, 19, 45), (3, 33, 100), (11, 40, 77)] {
                let a = rng.uniforms(m * k), w = rng.uniforms(n * k)
                var c = [Float](repeating: 0, count: m * n)
                withKernelSettings(isa: isa) { lt_matmul_f32(a, w, &c, m, n, k, 0) }
                let ref = referenceMatmulNT(a, w, m: m, n: n, k: k)
                let err = worstRelativeError(c, ref.value, ref.magnitude)
                #expect(err <= Double(k + 2) * 1.2e-7, "seed \(seed) isa \(isa.rawValue) m=\(m): \(err)")
            }
        }
    }

    @Test func quantizedPathsAreAccurateOnEveryInstructionSet() {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        for isa in availableISAs {
            for (m, n, k) in [(1, 19, 128), (2, 5, 67), (11, 40, 192)] {
                let a = rng.uniforms(m * k)
                let w = NF4Weight(rng.normals(n * k, scale: 0.05), rows: n, cols: k)
                let ref = referenceMatmulNT(a, w.dequantized(), m: m, n: n, k: k)
                var c = [Float](repeating: 0, count: m * n)
                withKernelSettings(isa: isa) { w.with { lt_matmul_nf4(a, $0, &c, m, 0, 0) } }
                let err = worstRelativeError(c, ref.value, ref.magnitude)
                #expect(err <= Double(k + 4) * 1.2e-7, "seed \(seed) isa \(isa.rawValue) nf4 m=\(m): \(err)")

                let wf = rng.uniforms(n * k)
                var wh = [UInt16](repeating: 0, count: n * k)
                lt_f32_to_bf16(wf, &wh, wf.count)
                var cb = [Float](repeating: 0, count: m * n)
                withKernelSettings(isa: isa) { lt_matmul_bf16(a, wh, &cb, m, n, k, 0) }
                let refb = referenceMatmulNT(m <= 4 ? a : bf16Rounded(a), bf16Rounded(wf), m: m, n: n, k: k)
                let errb = worstRelativeError(cb, refb.value, refb.magnitude)
                #expect(errb <= Double(k + 2) * 1.2e-7, "seed \(seed) isa \(isa.rawValue) bf16 m=\(m): \(errb)")

                let nb = (k + 63) / 64
                var q = [Int8](repeating: 0, count: n * k), scales = [Float](repeating: 0, count: n * nb)
                lt_q8_quantize(wf, n, k, &q, &scales)
                var wq = [Float](repeating: 0, count: n * k), cq = [Float](repeating: 0, count: m * n)
                q.withUnsafeBufferPointer { qp in
                    scales.withUnsafeBufferPointer { sp in
                        var t = lt_q8_tensor(q: qp.baseAddress, scales: sp.baseAddress, rows: Int64(n), cols: Int64(k))
                        lt_q8_dequantize(&t, &wq)
                        withKernelSettings(isa: isa) { lt_matmul_q8(a, &t, &cq, m, 0, 0) }
                    }
                }
                let refq = referenceMatmulNT(a, wq, m: m, n: n, k: k)
                let errq = worstRelativeError(cq, refq.value, refq.magnitude)
                #expect(errq <= Double(k + 4) * 1.2e-7, "seed \(seed) isa \(isa.rawValue) q8 m=\(m): \(errq)")
            }
        }
    }

    @Test func quantizedPathsAreBitIdenticalAcrossThreadCounts() {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        for (m, n, k) in [(1, 77, 128), (3, 50, 67), (37, 70, 192)] {
            let a = rng.uniforms(m * k)
            let w = NF4Weight(rng.normals(n * k, scale: 0.05), rows: n, cols: k)
            var results: [[Float]] = []
            for threads in [1, 2, 3] as [Int32] {
                var c = [Float](repeating: 0, count: m * n), cb = c
                withKernelSettings(threads: threads) {
                    w.with { lt_matmul_nf4(a, $0, &c, m, 0, 0) }
                    w.with { lt_matmul_nf4(a, $0, &cb, m, 1, 0) }
                }
                results.append(c + cb)
            }
            #expect(results.allSatisfy { $0 == results[0] }, "seed \(seed) m=\(m)")
        }
    }
}
