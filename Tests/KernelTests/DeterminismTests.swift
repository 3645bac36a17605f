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
}
