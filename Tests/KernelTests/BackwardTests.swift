import Foundation
import Testing
import LontarKernels

/// Gradient checks of the training kernels: each kernel's forward against a
/// float64 reference, and its backward against central finite differences of
/// that reference, on small random shapes with odd sizes.
@Suite struct BackwardTests {
    @Test(arguments: [(1, 1), (3, 37), (5, 64)])
    func rmsnorm(n: Int, d: Int) {
        var rng = TestRNG(seed: UInt64(n * 1000 + d))
        let x = rng.floats(n * d, scale: 2), w = rng.floats(d), dy = rng.floats(n * d)
        var y = [Float](repeating: 0, count: n * d), rstd = [Float](repeating: 0, count: n)
        lt_rmsnorm_f32(x, w, &y, &rstd, n, d, 1e-5)
        expectClose(y, Reference.rmsnorm(doubles(x), w, n: n, d: d, eps: 1e-5), "rmsnorm y")

        var dx = [Float](repeating: 7, count: n * d)
        lt_train_rmsnorm_backward(dy, x, w, rstd, &dx, n, d, 0)
        let expected = numericGradient(doubles(x)) { project(Reference.rmsnorm($0, w, n: n, d: d, eps: 1e-5), dy) }
        expectClose(dx, expected, rtol: 1e-3, atol: 1e-4, "rmsnorm dx")

        // accumulate adds to what is there
        var dx2 = [Float](repeating: 1, count: n * d)
        lt_train_rmsnorm_backward(dy, x, w, rstd, &dx2, n, d, 1)
        expectClose(dx2, dx.map { Double($0) + 1 }, rtol: 1e-6, atol: 1e-6, "rmsnorm accumulate")
    }

    @Test(arguments: [true, false])
    func rope(neox: Bool) {
        let n = 5, heads = 3, dim = 6
        var rng = TestRNG(seed: neox ? 1 : 2)
        let x = rng.floats(n * heads * dim), w = rng.floats(n * heads * dim)
        let pos: [Int32] = [0, 3, 17, 39, 4]
        let invFreq = (0..<dim / 2).map { Float(pow(10_000.0, -Double(2 * $0) / Double(dim))) }
        var cosT = [Float](repeating: 0, count: n * dim / 2), sinT = cosT
        lt_rope_tables_f32(pos, n, invFreq, dim / 2, &cosT, &sinT)
        var y = x
        lt_rope_f32(&y, n, heads, dim, cosT, sinT, neox ? 0 : 1, 0)
        expectClose(y, Reference.rope(doubles(x), n: n, heads: heads, dim: dim, pos: pos, theta: 10_000, neox: neox),
                    rtol: 1e-5, atol: 1e-6, "rope y")
        var dx = w
        lt_rope_f32(&dx, n, heads, dim, cosT, sinT, neox ? 0 : 1, 1)
        let expected = numericGradient(doubles(x)) {
            project(Reference.rope($0, n: n, heads: heads, dim: dim, pos: pos, theta: 10_000, neox: neox), w)
        }
        expectClose(dx, expected, rtol: 1e-4, atol: 1e-5, "rope dx")
    }

    /// Small shapes run the per-query path; T >= 8 with D a multiple of 16 runs
    /// the blocked AVX-512 path (where the CPU has it).
    @Test(arguments: [(false, 2, 7, 6, 2, 5), (true, 2, 7, 6, 2, 5), (true, 1, 17, 2, 1, 16), (false, 1, 19, 2, 2, 16)])
    func attention(packed: Bool, B: Int, T: Int, Hq: Int, Hkv: Int, D: Int) {
        var rng = TestRNG(seed: UInt64(packed ? 11 : 10) + UInt64(T))
        let q = rng.floats(B * T * Hq * D, scale: 1.5), k = rng.floats(B * T * Hkv * D, scale: 1.5)
        let v = rng.floats(B * T * Hkv * D), dout = rng.floats(B * T * Hq * D)
        let seg: [Int32]? = packed ? (0..<(B * T)).map { Int32([0, 0, 0, 1, 1, 2, 2, 5, 5, 5, 5, 5, 6, 6][$0 % 14] + 7 * ($0 / 14)) } : nil
        var out = [Float](repeating: 0, count: q.count), lse = [Float](repeating: 0, count: B * Hq * T)
        let ref = { (q: [Double], k: [Double], v: [Double]) in
            Reference.attention(q: q, k: k, v: v, B: B, T: T, Hq: Hq, Hkv: Hkv, D: D, seg: seg)
        }
        withOptional(seg) { segPtr in
            lt_train_attention_forward(q, k, v, &out, &lse, segPtr, B, T, Hq, Hkv, D)
        }
        expectClose(out, ref(doubles(q), doubles(k), doubles(v)), rtol: 1e-4, atol: 1e-5, "attention out")

        var dq = [Float](repeating: 9, count: q.count), dk = [Float](repeating: 9, count: k.count), dv = dk
        withOptional(seg) { segPtr in
            lt_train_attention_backward(q, k, v, out, dout, lse, segPtr, &dq, &dk, &dv, B, T, Hq, Hkv, D)
        }
        let qd = doubles(q), kd = doubles(k), vd = doubles(v)
        expectClose(dq, numericGradient(qd) { project(ref($0, kd, vd), dout) }, rtol: 1e-3, atol: 1e-5, "dq")
        expectClose(dk, numericGradient(kd) { project(ref(qd, $0, vd), dout) }, rtol: 1e-3, atol: 1e-5, "dk")
        expectClose(dv, numericGradient(vd) { project(ref(qd, kd, $0), dout) }, rtol: 1e-3, atol: 1e-5, "dv")
    }

    @Test func swiglu() {
        let n = 29
        var rng = TestRNG(seed: 3)
        let g = rng.floats(n, scale: 4), u = rng.floats(n, scale: 2), dh = rng.floats(n)
        var h = [Float](repeating: 0, count: n)
        lt_swiglu_f32(g, u, &h, n)
        expectClose(h, Reference.swiglu(doubles(g), doubles(u)), rtol: 1e-5, atol: 1e-6, "swiglu h")
        var dg = h, du = h
        lt_train_swiglu_backward(dh, g, u, &dg, &du, n)
        let gd = doubles(g), ud = doubles(u)
        expectClose(dg, numericGradient(gd) { project(Reference.swiglu($0, ud), dh) }, rtol: 1e-4, atol: 1e-6, "dg")
        expectClose(du, numericGradient(ud) { project(Reference.swiglu(gd, $0), dh) }, rtol: 1e-4, atol: 1e-6, "du")
    }

    /// A Linear layer y = x W^T: forward, input gradient dX = dY W and weight
    /// gradient dW = dY^T X, against float64 and finite differences.
    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 33, 65), (9, 40, 3)])
    func linear(M: Int, N: Int, K: Int) {
        var rng = TestRNG(seed: UInt64(M * N * K))
        let x = rng.floats(M * K), w = rng.floats(N * K), dy = rng.floats(M * N)
        var y = [Float](repeating: 0, count: M * N)
        lt_matmul_f32(x, w, &y, M, N, K, 0)
        let xd = doubles(x), wd = doubles(w)
        expectClose(y, Reference.matmulNT(xd, wd, M: M, N: N, K: K), rtol: 1e-5, atol: 1e-5, "y")
        var dx = [Float](repeating: 3, count: M * K), dw = [Float](repeating: 3, count: N * K)
        lt_matmul_nn_f32(dy, w, &dx, M, N, K, 0)
        lt_matmul_tn_f32(dy, x, &dw, M, N, K, 0)
        expectClose(dx, numericGradient(xd) { project(Reference.matmulNT($0, wd, M: M, N: N, K: K), dy) },
                    rtol: 1e-4, atol: 1e-5, "dx")
        expectClose(dw, numericGradient(wd) { project(Reference.matmulNT(xd, $0, M: M, N: N, K: K), dy) },
                    rtol: 1e-4, atol: 1e-5, "dw")
    }

    @Test(arguments: [Float(0), 0.3])
    func lora(dropout: Float) {
        let n = 5, inF = 13, outF = 11, r = 3, scale: Float = 16.0 / 3.0, seed: UInt64 = 42
        var rng = TestRNG(seed: 4)
        let x = rng.floats(n * inF), a = rng.floats(r * inF), b = rng.floats(outF * r), dy = rng.floats(n * outF)
        let base = rng.floats(n * outF)
        let mask = (0..<(n * inF)).map { Double(lt_train_dropout_factor(seed, UInt64($0), dropout)) }
        if dropout > 0 {
            let kept = mask.filter { $0 > 0 }.count
            #expect(kept > 20 && kept < 65, "dropout 0.3 keeps about 70% of 65 values, kept \(kept)")
            #expect(mask.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        }
        var y = base, t = [Float](repeating: 0, count: n * r)
        lt_train_lora_forward(x, a, b, &t, &y, n, inF, outF, r, scale, dropout, seed)
        let ref = { (x: [Double], a: [Double], b: [Double]) in
            Reference.lora(x: x, A: a, B: b, mask: mask, n: n, inF: inF, outF: outF, r: r, scale: Double(scale))
        }
        let xd = doubles(x), ad = doubles(a), bd = doubles(b)
        expectClose(y, zip(ref(xd, ad, bd), base).map { $0 + Double($1) }, rtol: 1e-5, atol: 1e-5, "lora y")

        var dA = [Float](repeating: 5, count: r * inF), dB = [Float](repeating: 5, count: outF * r)
        var dx = [Float](repeating: 1, count: n * inF)
        lt_train_lora_backward(x, a, b, t, dy, &dA, &dB, &dx, n, inF, outF, r, scale, dropout, seed, 0)
        expectClose(dA, numericGradient(ad) { project(ref(xd, $0, bd), dy) }, rtol: 1e-4, atol: 1e-5, "dA")
        expectClose(dB, numericGradient(bd) { project(ref(xd, ad, $0), dy) }, rtol: 1e-4, atol: 1e-5, "dB")
        expectClose(dx, numericGradient(xd) { project(ref($0, ad, bd), dy) }.map { $0 + 1 },
                    rtol: 1e-4, atol: 1e-5, "dx (accumulated onto 1)")

        // accumulate: a second identical backward doubles dA and dB
        var dA2 = dA, dB2 = dB
        lt_train_lora_backward(x, a, b, t, dy, &dA2, &dB2, nil, n, inF, outF, r, scale, dropout, seed, 1)
        expectClose(dA2, dA.map { 2 * Double($0) }, rtol: 1e-6, atol: 1e-6, "dA accumulated")
        expectClose(dB2, dB.map { 2 * Double($0) }, rtol: 1e-6, atol: 1e-6, "dB accumulated")
    }

    @Test func crossEntropy() {
        let c = 4, V = 1001
        var rng = TestRNG(seed: 5)
        let logits = rng.floats(c * V, scale: 6)
        let targets: [Int32] = [7, -100, 1000, 0]
        let weights: [Float] = [0.5, 0.5, 0.25, 0]
        var work = logits
        let loss = lt_train_cross_entropy(&work, targets, weights, c, V, 1)
        let ld = doubles(logits)
        let expected = Reference.crossEntropy(ld, targets: targets, weights: weights, V: V)
        #expect(abs(loss - expected) < 1e-5 * abs(expected), "loss \(loss) vs \(expected)")
        expectClose(work, numericGradient(ld) { Reference.crossEntropy($0, targets: targets, weights: weights, V: V) },
                    rtol: 1e-4, atol: 1e-7, "dlogits")
        // without grad the logits are untouched
        var again = logits
        #expect(lt_train_cross_entropy(&again, targets, weights, c, V, 0) == loss)
        #expect(again == logits)
    }
}

/// Passes a pointer to an optional array's storage, or nil.
func withOptional<R>(_ a: [Int32]?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
}
