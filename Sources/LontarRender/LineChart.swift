/// A line chart on a character canvas, for loss curves and the like.
///
/// Each series is drawn with its own marker; where a series has more points
/// than the canvas has columns, the points in a column are averaged, so a
/// noisy 10,000-step training loss still reads as one curve. Sparse series
/// (an eval loss every 500 steps) are drawn at their points only.
///
/// ```
/// Loss
/// loss
///  2.5 ┤*
///      │ **      o
///  2.0 ┤   ****
///      │       *****o*****
///  1.5 ┤                  ****o
///      └┬─────────┬─────────┬──
///       0        500      1,000
///                step
///   * train   o eval
/// ```
///
/// Non-finite points are skipped; empty or all-NaN input renders the title
/// and a note instead of a canvas; a constant series is drawn mid-height.
public struct LineChart: TextPlot, Equatable {
    /// One named curve: points `(x[i], y[i])`.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var x: [Double]
        public var y: [Double]

        /// A series of `(x, y)` pairs; extra elements of the longer array are ignored.
        public init(name: String, x: [Double], y: [Double]) {
            let n = min(x.count, y.count)
            self.name = name
            self.x = Array(x.prefix(n))
            self.y = Array(y.prefix(n))
        }

        /// A series of `y` values at x = `xStart`, `xStart + 1`, ….
        public init(name: String, y: [Double], xStart: Double = 0) {
            self.init(name: name, x: y.indices.map { xStart + Double($0) }, y: y)
        }
    }

    /// Markers for the series, in order (reused when there are more series).
    public static let markers: [Character] = ["*", "o", "+", "x", "#", "@", "%", "&"]

    public var title: String
    public var series: [Series]
    public var xLabel: String
    public var yLabel: String
    /// Rows of the canvas (at least 3).
    public var height: Int

    public init(title: String, series: [Series], xLabel: String = "", yLabel: String = "", height: Int = 15) {
        self.title = title
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.height = height
    }

    public func render(width: Int) -> String {
        let width = PlotText.clampWidth(width)
        let height = max(self.height, 3)
        var lines = [PlotText.fit(title, width)]
        if !yLabel.isEmpty { lines.append(PlotText.fit(yLabel, width)) }

        let points = series.map { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite } }
        guard let xs = Self.range(points.joined().map(\.0)) else {
            lines.append("(no finite data to plot)")
            lines += legend(width: width)
            return PlotText.join(lines)
        }

        // The y labels' width decides the canvas width, which decides the
        // per-column averages, which decide the y range and so the labels:
        // start from the raw range's labels and widen until they fit.
        let rawYs = Self.range(points.joined().map(\.1)) ?? (0, 1)
        let yTarget = max((height - 1) / 3, 2)
        var labelWidth = Self.yLabels(rawYs, target: yTarget).texts.map(DisplayWidth.of).max() ?? 0
        var layout = Self.averaged(points, xs: xs, plotWidth: width - labelWidth - 2, yTarget: yTarget)
        for _ in 0 ..< 3 {
            let needed = layout.texts.map(DisplayWidth.of).max() ?? 0
            if needed <= labelWidth { break }
            labelWidth = needed
            layout = Self.averaged(points, xs: xs, plotWidth: width - labelWidth - 2, yTarget: yTarget)
        }
        let plotWidth = layout.plotWidth
        let ys = layout.ys
        // Labels are at most 12 wide, so the loop settles; cut them if it did not.
        let (yTicks, yTexts) = (layout.ticks, layout.texts.map { PlotText.fit($0, labelWidth) })
        let columns = layout.columns
        func column(_ x: Double) -> Int { Self.column(x, xs: xs, plotWidth: plotWidth) }
        func row(_ y: Double) -> Int {
            let r = ((ys.hi - y) / (ys.hi - ys.lo) * Double(height - 1)).rounded()
            return min(max(Int(r), 0), height - 1)
        }

        // The canvas: later series drawn on top of earlier ones.
        var canvas = [[Character]](repeating: [Character](repeating: " ", count: plotWidth), count: height)
        for (k, averaged) in columns.enumerated() {
            let marker = Self.markers[k % Self.markers.count]
            for (c, y) in averaged.enumerated() {
                if let y { canvas[row(y)][c] = marker }
            }
        }

        var tickLabelAtRow = [Int: String]()
        for (v, text) in zip(yTicks, yTexts) where tickLabelAtRow[row(v)] == nil {
            tickLabelAtRow[row(v)] = text
        }
        for r in 0 ..< height {
            let label = tickLabelAtRow[r]
            lines.append(DisplayWidth.pad(label ?? "", to: labelWidth, alignment: .right)
                + (label == nil ? " │" : " ┤") + String(canvas[r]))
        }
        lines += xAxis(xs, plotWidth: plotWidth, indent: labelWidth + 1, column: column)
        if !xLabel.isEmpty {
            lines.append(String(repeating: " ", count: labelWidth + 2)
                + PlotText.center(PlotText.fit(xLabel, plotWidth), plotWidth))
        }
        lines += legend(width: width)
        return PlotText.join(lines)
    }

    /// The smallest and largest value, widened when they are equal so the
    /// scale has a span (by 10% of the value, or 1 around zero).
    static func range(_ values: [Double]) -> (lo: Double, hi: Double)? {
        guard let lo = values.min(), let hi = values.max() else { return nil }
        if lo < hi { return (lo, hi) }
        let pad = lo == 0 ? 1 : abs(lo) * 0.1
        return (lo - pad, hi + pad)
    }

    /// The canvas column of `x`.
    static func column(_ x: Double, xs: (lo: Double, hi: Double), plotWidth: Int) -> Int {
        let c = ((x - xs.lo) / (xs.hi - xs.lo) * Double(plotWidth - 1)).rounded()
        return min(max(Int(c), 0), plotWidth - 1)
    }

    /// Each series averaged per canvas column (nil where it has no point),
    /// the y range of those averages, and its ticks and labels.
    static func averaged(_ points: [[(Double, Double)]], xs: (lo: Double, hi: Double), plotWidth: Int, yTarget: Int)
        -> (plotWidth: Int, columns: [[Double?]], ys: (lo: Double, hi: Double), ticks: [Double], texts: [String])
    {
        let columns: [[Double?]] = points.map { pts in
            var sums = [Double](repeating: 0, count: plotWidth)
            var counts = [Int](repeating: 0, count: plotWidth)
            for (x, y) in pts {
                let c = column(x, xs: xs, plotWidth: plotWidth)
                sums[c] += y
                counts[c] += 1
            }
            return (0 ..< plotWidth).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : nil }
        }
        let ys = range(columns.joined().compactMap { $0 }) ?? (0, 1)
        let (ticks, texts) = yLabels(ys, target: yTarget)
        return (plotWidth, columns, ys, ticks, texts)
    }

    /// Nice y ticks over `ys` and their labels (cut to 12 columns).
    static func yLabels(_ ys: (lo: Double, hi: Double), target: Int) -> (ticks: [Double], texts: [String]) {
        let step = AxisTicks.niceStep(lo: ys.lo, hi: ys.hi, target: target)
        let ticks = AxisTicks.values(lo: ys.lo, hi: ys.hi, step: step)
        return (ticks, AxisTicks.labels(ticks, step: step).map { PlotText.fit($0, 12) })
    }

    /// The x axis line with tick marks, and the tick labels under it, placed
    /// so no two labels touch.
    private func xAxis(_ xs: (lo: Double, hi: Double), plotWidth: Int, indent: Int,
                       column: (Double) -> Int) -> [String] {
        // Size the tick count to the widest label at the ends of the range.
        let probe = AxisTicks.labels([xs.lo, xs.hi], step: AxisTicks.niceStep(lo: xs.lo, hi: xs.hi, target: 5))
        let labelGuess = (probe.map(DisplayWidth.of).max() ?? 1) + 3
        let step = AxisTicks.niceStep(lo: xs.lo, hi: xs.hi, target: min(max(plotWidth / (labelGuess + 4), 2), 10))
        let ticks = AxisTicks.values(lo: xs.lo, hi: xs.hi, step: step)
        let texts = AxisTicks.labels(ticks, step: step)

        var axis = [Character](repeating: "─", count: plotWidth)
        var labelLine = [Character](repeating: " ", count: plotWidth)
        var nextFree = 0
        for (v, text) in zip(ticks, texts) {
            let c = column(v)
            axis[c] = "┬"
            let chars = Array(text)  // tick labels are ASCII
            let start = min(max(c - (chars.count - 1) / 2, 0), plotWidth - chars.count)
            guard start >= nextFree, start >= 0 else { continue }
            for (j, ch) in chars.enumerated() { labelLine[start + j] = ch }
            nextFree = start + chars.count + 1
        }
        let pad = String(repeating: " ", count: indent)
        return [pad + "└" + String(axis), pad + " " + String(labelLine)]
    }

    /// `  * train   o eval`, wrapped to `width`; nothing for a single series.
    private func legend(width: Int) -> [String] {
        guard series.count > 1 else { return [] }
        var lines: [String] = []
        var line = ""
        for (k, s) in series.enumerated() {
            let entry = PlotText.fit("\(Self.markers[k % Self.markers.count]) \(s.name)", width - 2)
            let candidate = line.isEmpty ? "  " + entry : line + "   " + entry
            if !line.isEmpty && DisplayWidth.of(candidate) > width {
                lines.append(line)
                line = "  " + entry
            } else {
                line = candidate
            }
        }
        lines.append(line)
        return lines
    }
}
