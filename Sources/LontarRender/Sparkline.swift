/// A one-line sparkline, `▁▂▃▄▅▆▇█`, with a title and the value range.
///
/// ```
/// train loss  █▇▅▄▃▃▂▂▁▁  min 1.05, max 3.21
/// ```
public struct Sparkline: TextPlot, Equatable {
    public static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public var title: String
    public var values: [Double]

    public init(title: String, values: [Double]) {
        self.title = title
        self.values = values
    }

    /// The glyphs alone: one per value, scaled between the smallest and
    /// largest finite value; non-finite values are blanks; a constant series
    /// is all `▄`. Longer inputs are first averaged down to `maxWidth` buckets.
    public static func glyphs(_ values: [Double], maxWidth: Int? = nil) -> String {
        let data = maxWidth.map { downsample(values, to: max($0, 1)) } ?? values
        let finite = data.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else {
            return String(repeating: " ", count: data.count)
        }
        return String(data.map { v -> Character in
            guard v.isFinite else { return " " }
            guard hi > lo else { return levels[3] }
            return levels[min(Int(((v - lo) / (hi - lo) * 7).rounded()), 7)]
        })
    }

    /// Averages `values` into `count` contiguous buckets of near-equal size
    /// (NaN only where a bucket has no finite value).
    static func downsample(_ values: [Double], to count: Int) -> [Double] {
        guard values.count > count else { return values }
        return (0 ..< count).map { b in
            let start = b * values.count / count
            let end = (b + 1) * values.count / count
            let finite = values[start ..< end].filter(\.isFinite)
            return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
        }
    }

    public func render(width: Int) -> String {
        let width = PlotText.clampWidth(width)
        let finite = values.filter(\.isFinite)
        let summary = finite.isEmpty
            ? "no finite values"
            : "min \(NumberFormat.compact(finite.min()!)), max \(NumberFormat.compact(finite.max()!))"
        let name = PlotText.fit(title, width)
        let room = width - DisplayWidth.of(name) - 2 - 2 - DisplayWidth.of(summary)
        if room >= min(8, max(values.count, 1)) {
            return PlotText.join([name + "  " + Self.glyphs(values, maxWidth: room) + "  " + summary])
        }
        // Too narrow for one line: title, then the sparkline and its range.
        let sparkRoom = max(width - 2 - DisplayWidth.of(summary), 1)
        let spark = Self.glyphs(values, maxWidth: sparkRoom)
        let second = sparkRoom >= 8 ? spark + "  " + summary : Self.glyphs(values, maxWidth: width)
        return PlotText.join([name, second])
    }
}
