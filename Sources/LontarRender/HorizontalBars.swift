/// Rows of `label │████▌ value`, shared by the histogram and the bar chart.
///
/// Bars are drawn in eighths of a column (`▏▎▍▌▋▊▉█`) so close counts still
/// look different; any positive value gets at least an eighth, so a small
/// non-zero count never looks like zero.
enum HorizontalBars {
    static let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// Lines for already-fitted `labels`, bars scaled so the largest value
    /// fills the space left in `width` after labels and value texts.
    static func lines(labels: [String], values: [Double], valueTexts: [String], width: Int) -> [String] {
        let labelWidth = labels.map(DisplayWidth.of).max() ?? 0
        let valueWidth = valueTexts.map(DisplayWidth.of).max() ?? 0
        let barWidth = max(width - labelWidth - 2 - 1 - valueWidth, 1)
        let largest = values.filter(\.isFinite).max() ?? 0
        return labels.indices.map { i in
            DisplayWidth.pad(labels[i], to: labelWidth) + " │"
                + bar(values[i], largest: largest, width: barWidth) + " " + valueTexts[i]
        }
    }

    /// A bar of `value / largest` of `width` columns.
    static func bar(_ value: Double, largest: Double, width: Int) -> String {
        guard value.isFinite, value > 0, largest > 0 else { return "" }
        var eighths = Int((min(value / largest, 1) * Double(width) * 8).rounded())
        eighths = max(eighths, 1)
        return String(repeating: "█", count: eighths / 8) + partials[eighths % 8]
    }
}
