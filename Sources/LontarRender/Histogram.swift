import Foundation

/// A text histogram: one horizontal bar per bin, labelled with the bin's
/// range and count.
///
/// ```
/// Input words
///     11 –  292 │████████████████████████████████▌ 8,123
///    292 –  573 │██████████████▏ 3,530
///    …
/// n = 20,000
/// ```
public struct Histogram: TextPlot, Equatable {
    public var title: String
    /// Bin edges, ascending, one more than `counts`. Bin `i` is
    /// `edges[i] ..< edges[i + 1]`; the last bin includes its upper edge.
    public private(set) var edges: [Double]
    public private(set) var counts: [Int]
    /// Values left out because they were NaN or infinite.
    public private(set) var skipped: Int

    /// A histogram from precomputed bins (e.g. a frame's `histogram`).
    /// Throws if the edges are not `counts.count + 1` finite, ascending
    /// numbers, or a count is negative.
    public init(title: String, edges: [Double], counts: [Int], skipped: Int = 0) throws {
        guard !counts.isEmpty, edges.count == counts.count + 1 else {
            throw RenderError.invalidHistogram("expected \(counts.count + 1) bin edges for \(counts.count) counts, got \(edges.count)")
        }
        guard edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw RenderError.invalidHistogram("bin edges must be finite and ascending")
        }
        guard counts.allSatisfy({ $0 >= 0 }) else {
            throw RenderError.invalidHistogram("bin counts must not be negative")
        }
        self.title = title
        self.edges = edges
        self.counts = counts
        self.skipped = max(skipped, 0)
    }

    /// A histogram of `values` in `bins` equal-width bins from the smallest
    /// to the largest finite value (as Spark's `histogram(n)`: the last bin
    /// includes the maximum). Non-finite values are counted in `skipped`.
    /// With no finite values there is one empty bin over 0 … 1; when all
    /// values are equal there is one bin holding them all.
    public init(title: String, values: [Double], bins: Int = 10) {
        let (edges, counts, skipped) = Self.bin(values, bins: bins)
        self.title = title
        self.edges = edges
        self.counts = counts
        self.skipped = skipped
    }

    /// Equal-width binning of the finite values.
    public static func bin(_ values: [Double], bins: Int) -> (edges: [Double], counts: [Int], skipped: Int) {
        var lo = Double.infinity
        var hi = -Double.infinity
        var skipped = 0
        for v in values {
            guard v.isFinite else { skipped += 1; continue }
            lo = min(lo, v)
            hi = max(hi, v)
        }
        guard lo <= hi else { return ([0, 1], [0], skipped) }
        guard lo < hi else { return ([lo, hi], [values.count - skipped], skipped) }
        let n = max(bins, 1)
        let span = hi - lo
        var edges = (0 ... n).map { lo + span * Double($0) / Double(n) }
        edges[n] = hi  // exact, whatever the rounding above
        var counts = [Int](repeating: 0, count: n)
        for v in values where v.isFinite {
            var i = min(Int((v - lo) / span * Double(n)), n - 1)
            // The division can land one bin off at an edge; settle it on the edges themselves.
            while i > 0 && v < edges[i] { i -= 1 }
            while i < n - 1 && v >= edges[i + 1] { i += 1 }
            counts[i] += 1
        }
        return (edges, counts, skipped)
    }

    public var total: Int { counts.reduce(0, +) }

    public func render(width: Int) -> String {
        let width = PlotText.clampWidth(width)
        let texts = Self.edgeLabels(edges)
        let loWidth = texts.dropLast().map(DisplayWidth.of).max() ?? 0
        let hiWidth = texts.dropFirst().map(DisplayWidth.of).max() ?? 0
        var labels = counts.indices.map { i in
            DisplayWidth.pad(texts[i], to: loWidth, alignment: .right) + " – "
                + DisplayWidth.pad(texts[i + 1], to: hiWidth, alignment: .right)
        }
        // Keep room for a bar: very long edge labels get cut.
        labels = labels.map { PlotText.fit($0, width / 2) }
        let countTexts = counts.map { NumberFormat.grouped($0) }
        var lines = [PlotText.fit(title, width)]
        lines += HorizontalBars.lines(labels: labels, values: counts.map(Double.init),
                                      valueTexts: countTexts, width: width)
        var footer = "n = \(NumberFormat.grouped(total))"
        if skipped > 0 { footer += " (\(NumberFormat.grouped(skipped)) non-finite skipped)" }
        lines.append(PlotText.fit(footer, width))
        return PlotText.join(lines)
    }

    /// Edge labels with thousands separators: exact when the edges need at
    /// most two decimals more than the bin width does (`2.5`, `151.5`),
    /// otherwise two significant digits of the bin width, with more decimals
    /// only where neighbouring edges would print the same.
    static func edgeLabels(_ edges: [Double]) -> [String] {
        let widths = zip(edges, edges.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }
        let narrowest = widths.min() ?? 1
        let fromWidth = min(max(0, -Int(log10(narrowest).rounded(.down))), 10)
        let exact = (0 ... 10).first { d in edges.allSatisfy { AxisTicks.decimals(of: $0) <= d } }
        var decimals = exact.map { $0 <= fromWidth + 2 ? $0 : fromWidth + 1 } ?? fromWidth + 1
        while true {
            let texts = edges.map { NumberFormat.fixed($0, decimals: decimals, grouping: true) }
            let distinct = zip(zip(texts, texts.dropFirst()), zip(edges, edges.dropFirst()))
                .allSatisfy { pair in pair.0.0 != pair.0.1 || pair.1.0 == pair.1.1 }
            if distinct || decimals >= 12 { return texts }
            decimals += 1
        }
    }
}

/// Bad input to a renderer (the message names what was wrong).
public enum RenderError: Error, Equatable, CustomStringConvertible {
    case invalidHistogram(String)

    public var description: String {
        switch self {
        case .invalidHistogram(let why): "invalid histogram: \(why)"
        }
    }
}
