import Testing
import LontarKernels

/// f32 matrix products against a float64 reference, on fresh random inputs
/// and odd sizes (neither rows nor columns multiples of the kernel tiles).
@Suite struct MatmulF32Tests {
    /// Sizes crossing the matrix-vector / matrix-matrix boundary, panel
    /// widths (32), micro-kernel rows (8, 6) and the K chunk (256).
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 13, 67), (2, 33, 5), (4, 1, 300), (5, 13, 67), (9, 31, 1), (17, 65, 259), (64, 96, 128), (3, 40, 513),
    ]

    /// Sequential f32 accumulation of K terms errs by at most about K*2^-24 of sum|a*w|.
    static func tolerance(_ k: Int) -> Double { Double(k + 2) * 1.2e-7 }

    @Test(arguments: shapes)
    func forwardProductMatchesFloat64(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let a = rng.uniforms(shape.m * shape.k), w = rng.uniforms(shape.n * shape.k)
        var c = [Float](repeating: .nan, count: shape.m * shape.n)
        lt_matmul_f32(a, w, &c, shape.m, shape.n, shape.k, 0)
        let ref = referenceMatmulNT(a, w, m: shape.m, n: shape.n, k: shape.k)
        let err = worstRelativeError(c, ref.value, ref.magnitude)
        #expect(err <= Self.tolerance(shape.k), "seed \(seed) shape \(shape): error \(err)")

        // accumulate adds to what is there
        var c2 = [Float](repeating: 1.5, count: shape.m * shape.n)
        lt_matmul_f32(a, w, &c2, shape.m, shape.n, shape.k, 1)
        let shifted = ref.value.map { $0 + 1.5 }
        let err2 = worstRelativeError(c2, shifted, ref.magnitude.map { $0 + 1.5 })
        #expect(err2 <= Self.tolerance(shape.k + 1), "seed \(seed) shape \(shape): accumulate error \(err2)")
    }

    @Test(arguments: shapes)
    func inputGradientMatchesFloat64(shape: (m: Int, n: Int, k: Int)) {
        // C[M,K] = A[M,N] * W[N,K]
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * n), w = rng.uniforms(n * k)
        var c = [Float](repeating: .nan, count: m * k)
        lt_matmul_nn_f32(a, w, &c, m, n, k, 0)
        var wt = [Float](repeating: 0, count: n * k)  // W^T as [K,N], so C = A * (W^T)^T
        for i in 0..<n { for j in 0..<k { wt[j * n + i] = w[i * k + j] } }
        let ref = referenceMatmulNT(a, wt, m: m, n: k, k: n)
        let err = worstRelativeError(c, ref.value, ref.magnitude)
        #expect(err <= Self.tolerance(n), "seed \(seed) shape \(shape): error \(err)")
    }

    @Test(arguments: shapes)
    func weightGradientMatchesFloat64(shape: (m: Int, n: Int, k: Int)) {
        // C[N,K] = A[M,N]^T * B[M,K]
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * n), b = rng.uniforms(m * k)
        var c = [Float](repeating: .nan, count: n * k)
        lt_matmul_tn_f32(a, b, &c, m, n, k, 0)
        var at = [Float](repeating: 0, count: m * n), bt = [Float](repeating: 0, count: m * k)
        for i in 0..<m { for j in 0..<n { at[j * m + i] = a[i * n + j] } }
        for i in 0..<m { for j in 0..<k { bt[j * m + i] = b[i * k + j] } }
        let ref = referenceMatmulNT(at, bt, m: n, n: k, k: m)
        let err = worstRelativeError(c, ref.value, ref.magnitude)
        #expect(err <= Self.tolerance(m), "seed \(seed) shape \(shape): error \(err)")
    }

    @Test func emptyContractionGivesZeros() {
        var c = [Float](repeating: 7, count: 6 * 5)
        lt_matmul_f32([], [], &c, 6, 5, 0, 0)
        #expect(c.allSatisfy { $0 == 0 })
    }
}
