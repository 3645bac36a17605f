import Foundation
import Testing
import LontarKernels
import LontarTestSupport

/// AdamW and gradient clipping: against a float64 transcription of
/// torch.optim.AdamW, and against torch itself when it is installed.
@Suite struct OptimizerTests {
    static let torchAvailable = TestSupport.peerAvailable(["torch"])

    /// Float64 AdamW as torch defines it (decoupled decay, bias correction).
    static func referenceAdamW(p: inout [Double], m: inout [Double], v: inout [Double], g: [Double],
                               lr: Double, b1: Double, b2: Double, eps: Double, wd: Double, step: Int) {
        for i in p.indices {
            p[i] *= 1 - lr * wd
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            let mhat = m[i] / (1 - pow(b1, Double(step))), vhat = v[i] / (1 - pow(b2, Double(step)))
            p[i] -= lr * mhat / (vhat.squareRoot() + eps)
        }
    }

    @Test func adamwMatchesFloat64() {
        let n = 37
        var rng = TestRNG(seed: 21)
        var p = rng.floats(n), m = [Float](repeating: 0, count: n), v = m
        var pd = doubles(p), md = [Double](repeating: 0, count: n), vd = md
        for step in 1...10 {
            let g = rng.floats(n, scale: step == 3 ? 100 : 0.01)
            lt_train_adamw(&p, g, &m, &v, n, 2e-3, 0.9, 0.999, 1e-8, 0.1, Int64(step))
            Self.referenceAdamW(p: &pd, m: &md, v: &vd, g: doubles(g), lr: 2e-3, b1: 0.9, b2: 0.999,
                                eps: 1e-8, wd: 0.1, step: step)
        }
        expectClose(p, pd, rtol: 1e-5, atol: 1e-6, "params")
        expectClose(m, md, rtol: 1e-4, atol: 1e-7, "exp_avg")
        expectClose(v, vd, rtol: 1e-4, atol: 1e-9, "exp_avg_sq")
    }

    @Test func sumSquaresAndScale() {
        var x: [Float] = [3, -4, 0, 12]
        #expect(lt_train_sum_squares(x, 4) == 169)
        lt_train_scale(&x, 4, 0.5)
        #expect(x == [1.5, -2, 0, 6])
    }

    @Test(.enabled(if: torchAvailable || TestSupport.peersRequired))
    func adamwAndClippingMatchTorch() throws {
        let n = 23, steps = 6, maxNorm = 1.0
        var rng = TestRNG(seed: 22)
        let p0 = rng.floats(n)
        let grads = (0..<steps).map { s in rng.floats(n, scale: s % 2 == 0 ? 0.05 : 3) }
        let request: [String: Any] = ["p": p0, "grads": grads, "lr": 3e-3, "betas": [0.9, 0.95], "eps": 1e-6,
                                      "weight_decay": 0.01, "max_norm": maxNorm]
        let result = try TestSupport.runPython([TestSupport.oracles.appendingPathComponent("peft_adamw.py").path],
                                               stdin: try JSONSerialization.data(withJSONObject: request))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        var p = p0, m = [Float](repeating: 0, count: n), v = m
        var norms: [Double] = []
        for (i, g0) in grads.enumerated() {
            var g = g0
            let norm = lt_train_sum_squares(g, n).squareRoot()
            norms.append(norm)
            let coef = min(maxNorm / (norm + 1e-6), 1)
            lt_train_scale(&g, n, Float(coef))
            lt_train_adamw(&p, g, &m, &v, n, 3e-3, 0.9, 0.95, 1e-6, 0.01, Int64(i + 1))
        }
        expectClose(p, try #require(json["p"] as? [Double]), rtol: 1e-6, atol: 1e-7, "params vs torch")
        expectClose(m, try #require(json["m"] as? [Double]), rtol: 1e-5, atol: 1e-8, "exp_avg vs torch")
        expectClose(v, try #require(json["v"] as? [Double]), rtol: 1e-5, atol: 1e-10, "exp_avg_sq vs torch")
        expectClose(norms.map(Float.init), try #require(json["norms"] as? [Double]), rtol: 1e-6, atol: 0, "norms")
    }
}
