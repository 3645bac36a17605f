import Testing
import LontarKernels

/// An NF4 weight owning its buffers, for tests.
final class NF4Weight {
    var packed: [UInt8], qabsmax: [UInt8], absmax2: [Float]
    var tensor = lt_nf4_tensor()
    let rows: Int, cols: Int

    init(_ w: [Float], rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        let n = rows * cols
        packed = [UInt8](repeating: 0, count: lt_nf4_packed_bytes(n))
        qabsmax = [UInt8](repeating: 0, count: lt_nf4_blocks(n))
        absmax2 = [Float](repeating: 0, count: lt_nf4_dq_blocks(n))
        tensor.rows = Int64(rows)
        tensor.cols = Int64(cols)
        _ = lt_nf4_quantize(w, &tensor, &packed, &qabsmax, &absmax2)
    }

    /// Runs body with the tensor's pointers bound to the live buffers.
    func with<T>(_ body: (UnsafePointer<lt_nf4_tensor>) -> T) -> T {
        packed.withUnsafeBufferPointer { p in
            qabsmax.withUnsafeBufferPointer { q in
                absmax2.withUnsafeBufferPointer { a in
                    var t = tensor
                    t.packed = p.baseAddress
                    t.qabsmax = q.baseAddress
                    t.absmax2 = a.baseAddress
                    return body(&t)
                }
            }
        }
    }

    /// The exact dequantized weight (bitsandbytes' values).
    func dequantized() -> [Float] {
        var out = [Float](repeating: 0, count: rows * cols)
        with { lt_nf4_dequantize($0, &out) }
        return out
    }
}

func bf16Rounded(_ x: [Float]) -> [Float] {
    var h = [UInt16](repeating: 0, count: x.count), out = x
    lt_f32_to_bf16(x, &h, x.count)
    lt_bf16_to_f32(h, &out, x.count)
    return out
}

/// NF4- and bf16-weight matmuls against a float64 reference computed from
/// the exactly dequantized (or bf16-rounded) operands.
@Suite struct MatmulQuantizedTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 13, 192), (3, 13, 64), (4, 7, 67), (5, 13, 67), (9, 40, 128), (33, 70, 320), (2, 5, 1), (12, 3, 64),
    ]

    @Test(arguments: shapes)
    func nf4ForwardMatchesDequantizedReference(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * k), w = NF4Weight(rng.normals(n * k, scale: 0.05), rows: n, cols: k)
        let wd = w.dequantized()
        let ref = referenceMatmulNT(a, wd, m: m, n: n, k: k)
        var c = [Float](repeating: .nan, count: m * n)
        w.with { lt_matmul_nf4(a, $0, &c, m, 0, 0) }
        let err = worstRelativeError(c, ref.value, ref.magnitude)
        #expect(err <= Double(k + 4) * 1.2e-7, "seed \(seed) shape \(shape): f32 error \(err)")

        // bf16 compute: A and the dequantized weight rounded to bf16, f32 accumulation.
        var cb = [Float](repeating: .nan, count: m * n)
        w.with { lt_matmul_nf4(a, $0, &cb, m, 1, 0) }
        let refb = m <= Int(LT_MATVEC_MAX_ROWS) ? ref
            : referenceMatmulNT(bf16Rounded(a), bf16Rounded(wd), m: m, n: n, k: k)
        let errb = worstRelativeError(cb, refb.value, refb.magnitude)
        #expect(errb <= Double(k + 4) * 1.2e-7, "seed \(seed) shape \(shape): bf16 error \(errb)")

        // accumulate
        var c2 = [Float](repeating: -2, count: m * n)
        w.with { lt_matmul_nf4(a, $0, &c2, m, 0, 1) }
        let err2 = worstRelativeError(c2, ref.value.map { $0 - 2 }, ref.magnitude.map { $0 + 2 })
        #expect(err2 <= Double(k + 5) * 1.2e-7, "seed \(seed) shape \(shape): accumulate error \(err2)")
    }

    @Test(arguments: shapes)
    func nf4InputGradientMatchesDequantizedReference(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * n), w = NF4Weight(rng.normals(n * k, scale: 0.05), rows: n, cols: k)
        let wd = w.dequantized()
        var wt = [Float](repeating: 0, count: n * k)
        for i in 0..<n { for j in 0..<k { wt[j * n + i] = wd[i * k + j] } }
        let ref = referenceMatmulNT(a, wt, m: m, n: k, k: n)
        var c = [Float](repeating: .nan, count: m * k)
        w.with { lt_matmul_nn_nf4(a, $0, &c, m, 0) }
        let err = worstRelativeError(c, ref.value, ref.magnitude)
        #expect(err <= Double(n + 2) * 1.2e-7, "seed \(seed) shape \(shape): error \(err)")
    }

    @Test(arguments: shapes)
    func bf16WeightsMatchReference(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * k), w = rng.uniforms(n * k)
        var wh = [UInt16](repeating: 0, count: n * k)
        lt_f32_to_bf16(w, &wh, w.count)
        let wr = bf16Rounded(w)
        var c = [Float](repeating: .nan, count: m * n)
        lt_matmul_bf16(a, wh, &c, m, n, k, 0)
        // Few rows: exact widened weights times f32 activations; many: both rounded.
        let ref = referenceMatmulNT(m <= Int(LT_MATVEC_MAX_ROWS) ? a : bf16Rounded(a), wr, m: m, n: n, k: k)
        let err = worstRelativeError(c, ref.value, ref.magnitude)
        #expect(err <= Double(k + 2) * 1.2e-7, "seed \(seed) shape \(shape): error \(err)")
        // and against the unrounded f32 product, within bf16's precision
        let exact = referenceMatmulNT(a, w, m: m, n: n, k: k)
        let errExact = worstRelativeError(c, exact.value, exact.magnitude)
        #expect(errExact <= 2.0 / 256, "seed \(seed) shape \(shape): error vs f32 \(errExact)")
    }

    @Test func bf16ConversionRoundsToNearestEven() {
        let values: [Float] = [1.0, 1.00390625, 1.005859375, 1.0078125, -2.5, 3.0e38, 1.0e-3]
        var h = [UInt16](repeating: 0, count: values.count)
        lt_f32_to_bf16(values, &h, values.count)
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0).
        #expect(h[0] == 0x3F80 && h[1] == 0x3F80)
        #expect(h[2] == 0x3F81)  // 1 + 1.5*2^-8 rounds up
        #expect(h[3] == 0x3F81)
        #expect(h[4] == 0xC020)
        var back = [Float](repeating: 0, count: values.count)
        lt_bf16_to_f32(h, &back, values.count)
        for (x, y) in zip(values, back) { #expect(abs(x - y) <= abs(x) / 256) }
    }

    @Test(arguments: shapes)
    func q8MatchesDequantizedReference(shape: (m: Int, n: Int, k: Int)) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (m, n, k) = shape
        let a = rng.uniforms(m * k), w = rng.normals(n * k, scale: 0.05)
        let nb = (k + 63) / 64
        var q = [Int8](repeating: 0, count: n * k), scales = [Float](repeating: 0, count: n * nb)
        lt_q8_quantize(w, n, k, &q, &scales)
        // The rule: scale = block absmax / 127, q = nearest integer to w / scale.
        for r in 0..<n {
            for b in 0..<nb {
                let block = (b * 64)..<min(k, b * 64 + 64)
                let amax = block.map { abs(w[r * k + $0]) }.max()!
                #expect(scales[r * nb + b] == amax / 127)
                for i in block {
                    let exact = Double(w[r * k + i]) / Double(amax) * 127
                    #expect(abs(Double(q[r * k + i]) - exact) <= 0.5 + 1e-4, "seed \(seed)")
                }
            }
        }
        var wd = [Float](repeating: 0, count: n * k), c = [Float](repeating: .nan, count: m * n)
        q.withUnsafeBufferPointer { qp in
            scales.withUnsafeBufferPointer { sp in
                var t = lt_q8_tensor(q: qp.baseAddress, scales: sp.baseAddress, rows: Int64(n), cols: Int64(k))
                lt_q8_dequantize(&t, &wd)
                lt_matmul_q8(a, &t, &c, m, 0, 0)
            }
        }
        let ref = referenceMatmulNT(a, wd, m: m, n: n, k: k)
        let err = worstRelativeError(c, ref.value, ref.magnitude)
        #expect(err <= Double(k + 4) * 1.2e-7, "seed \(seed) shape \(shape): error \(err)")
    }
}
