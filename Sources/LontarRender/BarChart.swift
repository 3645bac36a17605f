/// Horizontal bars for categorical counts (e.g. the top-N token frequencies).
///
/// ```
/// Top tokens
/// the │████████████████████████████ 12,345
/// of  │███████████████▌ 6,800
/// and │█████████▏ 4,001
/// ```
public struct BarChart: TextPlot, Equatable {
    public var title: String
    public var labels: [String]
    public var values: [Double]
    /// Widest a label may be before it is cut with `…` (also never more
    /// than a third of the width).
    public var maxLabelWidth: Int

    /// Bars in the order given; `labels` and `values` pair up to the shorter.
    public init(title: String, labels: [String], values: [Double], maxLabelWidth: Int = 24) {
        let n = min(labels.count, values.count)
        self.title = title
        self.labels = Array(labels.prefix(n))
        self.values = Array(values.prefix(n))
        self.maxLabelWidth = maxLabelWidth
    }

    /// Bars for `(label, count)` pairs, in the order given.
    public init(title: String, counts: [(label: String, count: Int)], maxLabelWidth: Int = 24) {
        self.init(title: title, labels: counts.map(\.label), values: counts.map { Double($0.count) },
                  maxLabelWidth: maxLabelWidth)
    }

    /// The `n` most frequent entries, most frequent first; ties are broken
    /// by label (byte order) so the result is deterministic.
    public static func top(_ counts: [String: Int], _ n: Int) -> [(label: String, count: Int)] {
        counts.sorted { a, b in
            a.value != b.value ? a.value > b.value : Array(a.key.utf8).lexicographicallyPrecedes(b.key.utf8)
        }.prefix(max(n, 0)).map { (label: $0.key, count: $0.value) }
    }

    public func render(width: Int) -> String {
        let width = PlotText.clampWidth(width)
        var lines = [PlotText.fit(title, width)]
        if labels.isEmpty {
            lines.append("(no data)")
            return PlotText.join(lines)
        }
        let labelRoom = max(min(maxLabelWidth, width / 3), 1)
        let fitted = labels.map { PlotText.fit($0, labelRoom) }
        let texts = values.map(PlotText.value).map { PlotText.fit($0, width / 4) }
        lines += HorizontalBars.lines(labels: fitted, values: values, valueTexts: texts, width: width)
        return PlotText.join(lines)
    }
}
