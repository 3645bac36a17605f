import Testing

/// Seeded random numbers for the kernel tests (SplitMix64: fresh, reproducible inputs).
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double = -1, _ hi: Double = 1) -> Double {
        lo + (hi - lo) * Double(next() >> 11) * 0x1p-53
    }
    mutating func floats(_ n: Int, scale: Double = 1) -> [Float] {
        (0..<n).map { _ in Float(uniform() * scale) }
    }
}

/// Central finite differences in float64: d f / d x[i] for every i.
func numericGradient(_ x: [Double], h: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var x = x
    var g = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        let saved = x[i]
        x[i] = saved + h
        let up = f(x)
        x[i] = saved - h
        let down = f(x)
        x[i] = saved
        g[i] = (up - down) / (2 * h)
    }
    return g
}

func doubles(_ x: [Float]) -> [Double] { x.map(Double.init) }

/// Checks |a - b| <= atol + rtol * |b| elementwise and reports the worst element.
func expectClose(_ a: [Float], _ b: [Double], rtol: Double = 1e-4, atol: Double = 1e-5,
                 _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
    var worst = 0.0, at = -1
    for i in 0..<min(a.count, b.count) {
        let excess = abs(Double(a[i]) - b[i]) - (atol + rtol * abs(b[i]))
        if excess > worst || (at < 0 && excess > 0) { worst = excess; at = i }
    }
    #expect(at < 0, "\(what): element \(at) is \(at >= 0 ? a[at] : 0), expected \(at >= 0 ? b[at] : 0)",
            sourceLocation: sourceLocation)
}

/// sum_i w_i y_i: projects an output onto fixed random weights so a
/// gradient check of a vector-valued op becomes one of a scalar loss.
func project(_ y: [Double], _ w: [Float]) -> Double {
    var s = 0.0
    for i in y.indices { s += y[i] * Double(w[i]) }
    return s
}
