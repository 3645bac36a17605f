/// Bin counts with PySpark's `RDD.histogram(n)` semantics.
public struct Histogram: Sendable, Equatable {
    /// `n + 1` bin edges: bin `i` is `[edges[i], edges[i+1])`, the last bin
    /// also includes its right edge.
    public var edges: [Double]
    public var counts: [Int64]

    /// The histogram as a frame: `bin_start`, `bin_end`, `count`.
    public func frame() throws -> Frame {
        try Frame(columns: [
            Column(name: "bin_start", storage: .double(Array(edges.dropLast()))),
            Column(name: "bin_end", storage: .double(Array(edges.dropFirst()))),
            Column(name: "count", storage: .int64(counts)),
        ])
    }
}

extension Frame {
    /// PySpark `rdd.histogram(bins)` of a numeric column: `bins` evenly spaced
    /// bins between the minimum and maximum (nulls and NaN ignored). Edges are
    /// `min + i · (max - min) / bins` with the last edge exactly `max`; a value
    /// goes to bin `⌊(x - min) / width⌋`, the maximum to the last bin. If all
    /// values are equal the result is one bin `[min, max]`.
    public func histogram(_ name: String, bins: Int) throws -> Histogram {
        guard bins >= 1 && bins <= 1_000_000 else {
            throw FrameError.invalidArgument("histogram needs between 1 and 1000000 bins, got \(bins)")
        }
        let c = try requireColumn(name)
        var values: [Double] = []
        var integral: [Int64]? = nil
        switch c.storage {
        case .int64(let v):
            integral = []
            for i in 0 ..< v.count where !c.isNull(i) { integral!.append(v[i]); values.append(Double(v[i])) }
        case .double(let v):
            for i in 0 ..< v.count where !c.isNull(i) && !v[i].isNaN { values.append(v[i]) }
        default:
            throw FrameError.typeMismatch(column: name, expected: "a number", actual: c.type)
        }
        guard let lo = values.min(), let hi = values.max() else {
            throw FrameError.invalidArgument("histogram of '\(name)': no values to bin")
        }
        if lo == hi || bins == 1 { return Histogram(edges: [lo, hi], counts: [Int64(values.count)]) }
        // PySpark keeps the width an integer when it divides the range exactly.
        var width = (hi - lo) / Double(bins)
        if let ints = integral, let mn = ints.min(), let mx = ints.max() {
            let (range, overflow) = mx.subtractingReportingOverflow(mn)
            if !overflow && range % Int64(bins) == 0 { width = Double(range / Int64(bins)) }
        }
        guard width.isFinite else { throw FrameError.invalidArgument("histogram of '\(name)': the range is infinite") }
        var edges = (0 ..< bins).map { Double($0) * width + lo }
        edges.append(hi)
        var counts = [Int64](repeating: 0, count: bins + 1)
        for x in values {
            let t = ((x - lo) / width).rounded(.towardZero)
            counts[t.isFinite && t < Double(bins) ? Swift.max(Int(t), 0) : bins] += 1
        }
        counts[bins - 1] += counts[bins]
        counts.removeLast()
        return Histogram(edges: edges, counts: counts)
    }
}
