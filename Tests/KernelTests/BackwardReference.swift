import Foundation

/// Float64 reference implementations of the forward ops the training kernels
/// differentiate. Written independently of the C code, straight from the
/// definitions, so finite differences of these give the true gradients.
enum Reference {
    static func rmsnorm(_ x: [Double], _ w: [Float], n: Int, d: Int, eps: Double) -> [Double] {
        var y = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            var ss = 0.0
            for j in 0..<d { ss += x[i * d + j] * x[i * d + j] }
            let r = 1 / (ss / Double(d) + eps).squareRoot()
            for j in 0..<d { y[i * d + j] = x[i * d + j] * r * Double(w[j]) }
        }
        return y
    }

    /// Rotary embedding with angle p * theta^(-2i/D); `neox` pairs i with i + D/2.
    static func rope(_ x: [Double], n: Int, heads: Int, dim: Int, pos: [Int32], theta: Double,
                     neox: Bool) -> [Double] {
        var y = x
        let half = dim / 2
        for t in 0..<n {
            for h in 0..<heads {
                for i in 0..<half {
                    let angle = Double(pos[t]) * pow(theta, -Double(2 * i) / Double(dim))
                    let a = (t * heads + h) * dim + (neox ? i : 2 * i)
                    let b = a + (neox ? half : 1)
                    y[a] = x[a] * cos(angle) - x[b] * sin(angle)
                    y[b] = x[a] * sin(angle) + x[b] * cos(angle)
                }
            }
        }
        return y
    }

    /// Causal GQA attention over B sequences of T tokens; `seg` restricts
    /// each query to earlier keys of its own segment.
    static func attention(q: [Double], k: [Double], v: [Double], B: Int, T: Int, Hq: Int, Hkv: Int,
                          D: Int, seg: [Int32]?) -> [Double] {
        var out = [Double](repeating: 0, count: B * T * Hq * D)
        let scale = 1 / Double(D).squareRoot()
        for b in 0..<B {
            for h in 0..<Hq {
                let kh = h / (Hq / Hkv)
                for i in 0..<T {
                    var scores = [Double](repeating: -.infinity, count: T)
                    for j in 0...i where seg == nil || seg![b * T + j] == seg![b * T + i] {
                        var s = 0.0
                        for d in 0..<D {
                            s += q[((b * T + i) * Hq + h) * D + d] * k[((b * T + j) * Hkv + kh) * D + d]
                        }
                        scores[j] = s * scale
                    }
                    let mx = scores.max()!
                    let e = scores.map { exp($0 - mx) }
                    let sum = e.reduce(0, +)
                    for j in 0...i where e[j] > 0 {
                        for d in 0..<D {
                            out[((b * T + i) * Hq + h) * D + d] += e[j] / sum * v[((b * T + j) * Hkv + kh) * D + d]
                        }
                    }
                }
            }
        }
        return out
    }

    static func swiglu(_ g: [Double], _ u: [Double]) -> [Double] {
        zip(g, u).map { g, u in g / (1 + exp(-g)) * u }
    }

    /// Y[M,N] = X[M,K] W[N,K]^T
    static func matmulNT(_ x: [Double], _ w: [Double], M: Int, N: Int, K: Int) -> [Double] {
        var y = [Double](repeating: 0, count: M * N)
        for i in 0..<M { for n in 0..<N { for k in 0..<K { y[i * N + n] += x[i * K + k] * w[n * K + k] } } }
        return y
    }

    /// LoRA output only: scale * B A (x * mask) for mask factors m.
    static func lora(x: [Double], A: [Double], B: [Double], mask: [Double], n: Int, inF: Int, outF: Int,
                     r: Int, scale: Double) -> [Double] {
        let xd = zip(x, mask).map(*)
        let t = matmulNT(xd, A, M: n, N: r, K: inF)
        return matmulNT(t, B, M: n, N: outF, K: r).map { $0 * scale }
    }

    /// sum_i w_i * (logsumexp(row_i) - row_i[target_i]), skipping negative targets.
    static func crossEntropy(_ logits: [Double], targets: [Int32], weights: [Float], V: Int) -> Double {
        var total = 0.0
        for i in targets.indices where targets[i] >= 0 {
            let row = logits[(i * V)..<((i + 1) * V)]
            let mx = row.max()!
            let lse = mx + log(row.reduce(0) { $0 + exp($1 - mx) })
            total += Double(weights[i]) * (lse - row[i * V + Int(targets[i])])
        }
        return total
    }
}
