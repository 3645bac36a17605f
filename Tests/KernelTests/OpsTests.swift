import Foundation
import Testing
import LontarKernels

/// Row-wise and element-wise kernels against float64 references.
@Suite struct OpsTests {
    func maxRelative(_ got: [Float], _ want: [Double], floor: Double = 1e-6) -> Double {
        zip(got, want).map { abs(Double($0) - $1) / max(abs($1), floor) }.max() ?? 0
    }

    @Test(arguments: [(1, 67), (5, 576), (3, 1)])
    func rmsnormMatchesFloat64(rows: Int, dim: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let x = rng.uniforms(rows * dim, scale: 3), w = rng.uniforms(dim, scale: 2)
        let eps: Float = 1e-5
        var out = [Float](repeating: .nan, count: rows * dim), inv = [Float](repeating: .nan, count: rows)
        lt_rmsnorm_f32(x, w, &out, &inv, rows, dim, eps)
        var want = [Double](repeating: 0, count: rows * dim)
        for r in 0..<rows {
            let ms = (0..<dim).map { Double(x[r * dim + $0]) * Double(x[r * dim + $0]) }.reduce(0, +) / Double(dim)
            let s = 1 / (ms + Double(eps)).squareRoot()
            #expect(abs(Double(inv[r]) - s) <= s * 1e-6, "seed \(seed)")
            for i in 0..<dim { want[r * dim + i] = Double(w[i]) * Double(x[r * dim + i]) * s }
        }
        #expect(maxRelative(out, want, floor: 1e-3) <= 1e-6, "seed \(seed)")
    }

    @Test func ropeRotatesHalvesLikeTransformers() {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let (rows, heads, dim) = (4, 3, 10)
        let half = dim / 2
        let positions: [Int32] = [0, 1, 7, 1000]
        let base = 10000.0
        let invFreq = (0..<half).map { Float(1 / pow(base, Double(2 * $0) / Double(dim))) }
        var cosT = [Float](repeating: 0, count: rows * half), sinT = cosT
        lt_rope_tables_f32(positions, rows, invFreq, half, &cosT, &sinT)
        let x = rng.uniforms(rows * heads * dim)
        var y = x
        lt_rope_f32(&y, rows, heads, dim, cosT, sinT, 0, 0)
        var want = [Double](repeating: 0, count: x.count)
        for r in 0..<rows {
            for h in 0..<heads {
                for i in 0..<half {
                    let angle = Double(Float(positions[r]) * invFreq[i])  // float32 product, like transformers
                    let base = (r * heads + h) * dim
                    let x1 = Double(x[base + i]), x2 = Double(x[base + i + half])
                    want[base + i] = x1 * cos(angle) - x2 * sin(angle)
                    want[base + i + half] = x2 * cos(angle) + x1 * sin(angle)
                }
            }
        }
        #expect(zip(y, want).map { abs(Double($0) - $1) }.max()! <= 3e-7, "seed \(seed)")
        // Position 0 is the identity; the inverse rotation undoes the rotation.
        #expect(Array(y[0..<(heads * dim)]) == Array(x[0..<(heads * dim)]))
        lt_rope_f32(&y, rows, heads, dim, cosT, sinT, 0, 1)
        #expect(zip(y, x).map { abs($0 - $1) }.max()! <= 1e-6, "seed \(seed)")
    }

    @Test(arguments: [(2, 1), (3, 17), (2, 1000)])
    func softmaxMatchesFloat64(rows: Int, n: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        var x = rng.uniforms(rows * n, scale: 30)
        if n > 3 { x[1] = -.infinity }
        let input = x
        lt_softmax_f32(&x, rows, n)
        for r in 0..<rows {
            let row = input[(r * n)..<(r * n + n)].map(Double.init)
            let m = row.max()!
            let e = row.map { exp($0 - m) }
            let s = e.reduce(0, +)
            let want = e.map { $0 / s }
            let got = Array(x[(r * n)..<(r * n + n)])
            #expect(zip(got, want).map { abs(Double($0) - $1) }.max()! <= 2e-7, "seed \(seed)")
            #expect(abs(got.map(Double.init).reduce(0, +) - 1) <= 1e-5)
        }
        if n > 3 { #expect(x[1] == 0) }
    }

    @Test(arguments: [1, 15, 16, 4099])
    func swigluMatchesFloat64(n: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        var g = rng.uniforms(n, scale: 12), u = rng.uniforms(n, scale: 3)
        if n > 2 { g[0] = -100; g[1] = 100 }
        var out = [Float](repeating: .nan, count: n)
        lt_swiglu_f32(g, u, &out, n)
        let want = (0..<n).map { Double(g[$0]) / (1 + exp(-Double(g[$0]))) * Double(u[$0]) }
        let err = zip(out, want).map { abs(Double($0) - $1) / max(abs($1), 1e-3) }.max()!
        #expect(err <= 1e-6, "seed \(seed)")
        // in place
        lt_swiglu_f32(g, u, &g, n)
        #expect(g == out)
    }

    @Test func embeddingCopiesRows() {
        let table: [Float] = (0..<(5 * 3)).map(Float.init)
        let ids: [Int32] = [4, 0, 4, 2]
        var out = [Float](repeating: 0, count: 12)
        lt_embedding_f32(table, 3, ids, 4, &out)
        #expect(out == [12, 13, 14, 0, 1, 2, 12, 13, 14, 6, 7, 8])
    }

    @Test func addAccumulates() {
        var y: [Float] = [1, 2, 3]
        lt_add_f32(&y, [0.5, -2, 10], 3)
        #expect(y == [1.5, 0, 13])
    }

    @Test(arguments: [(3, 7), (2, 49152), (4, 33)])
    func crossEntropyAndGradientMatchFloat64(rows: Int, vocab: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let logits = rng.uniforms(rows * vocab, scale: 20)
        var targets = (0..<rows).map { _ in Int32(Int(rng.next() % UInt64(vocab))) }
        targets[rows - 1] = -100  // ignored
        // lt_train_cross_entropy row by row (weight 0.5): each row's loss, and
        // the gradient written over the logits.
        var losses = [Double](repeating: .nan, count: rows)
        var grad = logits
        let weight: [Float] = [0.5]
        for r in 0..<rows {
            losses[r] = grad.withUnsafeMutableBufferPointer {
                lt_train_cross_entropy($0.baseAddress! + r * vocab, [targets[r]], weight, 1, vocab, 1) / 0.5
            }
        }
        for r in 0..<rows {
            let row = logits[(r * vocab)..<(r * vocab + vocab)].map(Double.init)
            let m = row.max()!
            let lse = m + log(row.map { exp($0 - m) }.reduce(0, +))
            if targets[r] < 0 {
                #expect(losses[r] == 0)
                #expect(grad[(r * vocab)..<(r * vocab + vocab)].allSatisfy { $0 == 0 })
                continue
            }
            let t = Int(targets[r])
            // exp is computed in float32 (a few ulps), the sum and log in float64.
            #expect(abs(losses[r] - (lse - row[t])) <= 1e-6, "seed \(seed)")
            for i in 0..<vocab {
                let want = (exp(row[i] - lse) - (i == t ? 1 : 0)) * 0.5
                #expect(abs(Double(grad[r * vocab + i]) - want) <= 1e-6, "seed \(seed) row \(r) i \(i)")
            }
        }
    }

    /// float64 attention for one sequence: T new tokens at start.., causal, GQA.
    func referenceAttention(q: [Float], k: [Float], v: [Float], capacity: Int, T: Int, start: Int,
                            H: Int, G: Int, D: Int, scale: Double) -> (out: [Double], lse: [Double]) {
        var out = [Double](repeating: 0, count: T * H * D), lse = [Double](repeating: 0, count: T * H)
        for t in 0..<T {
            for h in 0..<H {
                let g = h / (H / G)
                let n = start + t + 1
                let qb = (t * H + h) * D
                var s = [Double](repeating: 0, count: n)
                for j in 0..<n {
                    var dot = 0.0
                    for d in 0..<D { dot += Double(q[qb + d]) * Double(k[(g * capacity + j) * D + d]) }
                    s[j] = dot * scale
                }
                let m = s.max()!
                let e = s.map { exp($0 - m) }
                let z = e.reduce(0, +)
                lse[t * H + h] = m + log(z)
                for d in 0..<D {
                    var acc = 0.0
                    for j in 0..<n { acc += e[j] / z * Double(v[(g * capacity + j) * D + d]) }
                    out[qb + d] = acc
                }
            }
        }
        return (out, lse)
    }

    @Test(arguments: [(5, 3, 6, 2, 64), (1, 9, 4, 4, 20), (7, 0, 3, 1, 32), (2, 40, 2, 1, 16),
                      (19, 5, 6, 2, 64), (8, 0, 3, 1, 32), (40, 0, 2, 2, 16), (33, 31, 4, 2, 128)])
    func causalGroupedAttentionMatchesFloat64(T: Int, start: Int, H: Int, G: Int, D: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let capacity = start + T + 3
        let q = rng.uniforms(T * H * D, scale: 2)
        // fill the cache: earlier positions directly, new tokens through lt_kv_store_f32
        var kc = [Float](repeating: .nan, count: G * capacity * D), vc = kc
        let oldK = rng.uniforms(start * G * D, scale: 2), oldV = rng.uniforms(start * G * D)
        let newK = rng.uniforms(T * G * D, scale: 2), newV = rng.uniforms(T * G * D)
        lt_kv_store_f32(oldK, &kc, capacity, start, 0, G, D)
        lt_kv_store_f32(oldV, &vc, capacity, start, 0, G, D)
        lt_kv_store_f32(newK, &kc, capacity, T, start, G, D)
        lt_kv_store_f32(newV, &vc, capacity, T, start, G, D)
        var out = [Float](repeating: .nan, count: T * H * D), lse = [Float](repeating: .nan, count: T * H)
        let scale = 1 / Float(D).squareRoot()
        lt_attention_f32(q, kc, vc, capacity, &out, &lse, T, start, H, G, D, scale, nil)
        let ref = referenceAttention(q: q, k: kc, v: vc, capacity: capacity, T: T, start: start, H: H, G: G, D: D,
                                     scale: Double(scale))
        let err = zip(out, ref.out).map { abs(Double($0) - $1) }.max()!
        #expect(err <= 2e-6, "seed \(seed): attention error \(err)")
        let lseErr = zip(lse, ref.lse).map { abs(Double($0) - $1) }.max()!
        #expect(lseErr <= 2e-6, "seed \(seed): lse error \(lseErr)")
    }
}

/// Backward kernels against float64 derivatives of the forward formulas.
@Suite struct BackwardOpsTests {
    @Test(arguments: [(3, 67), (1, 576), (5, 130)])
    func rmsnormBackwardMatchesFloat64(rows: Int, dim: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let x = rng.uniforms(rows * dim, scale: 2), w = rng.uniforms(dim, scale: 1.5), dy = rng.uniforms(rows * dim)
        let eps = 1e-5
        var out = [Float](repeating: 0, count: rows * dim), inv = [Float](repeating: 0, count: rows)
        lt_rmsnorm_f32(x, w, &out, &inv, rows, dim, Float(eps))
        var dx = [Float](repeating: .nan, count: rows * dim)
        lt_train_rmsnorm_backward(dy, x, w, inv, &dx, rows, dim, 0)
        for r in 0..<rows {
            let xs = (0..<dim).map { Double(x[r * dim + $0]) }, g = (0..<dim).map { Double(w[$0]) * Double(dy[r * dim + $0]) }
            let ms = xs.map { $0 * $0 }.reduce(0, +) / Double(dim)
            let s = 1 / (ms + eps).squareRoot()
            let dot = zip(g, xs).map { $0 * $1 }.reduce(0, +)
            for i in 0..<dim {
                let want = s * g[i] - xs[i] * s * s * s * dot / Double(dim)
                #expect(abs(Double(dx[r * dim + i]) - want) <= 1e-5 * max(1, abs(want)), "seed \(seed) row \(r) col \(i)")
            }
        }
    }

    @Test func swigluBackwardMatchesFloat64() {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let n = 5001
        let g = rng.uniforms(n, scale: 8), u = rng.uniforms(n, scale: 2), d = rng.uniforms(n)
        var dg = [Float](repeating: .nan, count: n), du = dg
        lt_train_swiglu_backward(d, g, u, &dg, &du, n)
        for i in 0..<n {
            let gi = Double(g[i]), s = 1 / (1 + exp(-gi))
            let wantG = Double(d[i]) * Double(u[i]) * s * (1 + gi * (1 - s)), wantU = Double(d[i]) * gi * s
            #expect(abs(Double(dg[i]) - wantG) <= 1e-5 * max(1, abs(wantG)), "seed \(seed)")
            #expect(abs(Double(du[i]) - wantU) <= 1e-5 * max(1, abs(wantU)), "seed \(seed)")
        }
    }
}
