/// Markdown helpers for rendered output files.
public enum Markdown {
    /// `text` inside a fenced code block. The fence is one backtick longer
    /// than the longest backtick run in `text` (at least three), so a title
    /// or data containing ``` cannot close the block early.
    public static func fenced(_ text: String, info: String = "") -> String {
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + info + "\n" + text + "\n" + fence
    }
}

/// A plot drawn with text: readable in a terminal and, fenced, in markdown.
public protocol TextPlot: Sendable {
    /// The plot as lines of at most `width` display columns (widths below
    /// `PlotText.minimumWidth` are raised to it), without a trailing newline
    /// and without trailing spaces on any line.
    func render(width: Int) -> String
}

extension TextPlot {
    /// The plot at the usual 80 columns.
    public func render() -> String { render(width: 80) }

    /// The plot inside a fenced code block, for markdown outputs.
    public func fenced(width: Int = 80) -> String { Markdown.fenced(render(width: width)) }
}

/// Layout helpers shared by the plots.
enum PlotText {
    /// Narrowest width a plot lays itself out in.
    static let minimumWidth = 24

    static func clampWidth(_ width: Int) -> Int { max(width, minimumWidth) }

    /// A title, label or legend entry made one-line and cut to `width`.
    static func fit(_ text: String, _ width: Int) -> String {
        CellText.fit(text, maxWidth: width, escapePipes: false)
    }

    /// Joins lines, dropping trailing spaces from each.
    static func join(_ lines: [String]) -> String {
        lines.map { line in
            var s = Substring(line)
            while s.last == " " { s.removeLast() }
            return String(s)
        }.joined(separator: "\n")
    }

    /// `text` centred in `width` columns (left-biased when the slack is odd).
    static func center(_ text: String, _ width: Int) -> String {
        let slack = width - DisplayWidth.of(text)
        guard slack > 0 else { return text }
        return String(repeating: " ", count: slack / 2) + text
    }

    /// Renders a count or value for a bar label: integers grouped
    /// (`12,345`), other values compact with four significant digits.
    static func value(_ v: Double) -> String {
        if v.isFinite && v == v.rounded() && abs(v) < 1e15 { return NumberFormat.grouped(Int64(v)) }
        return NumberFormat.compact(v, significantDigits: 4)
    }
}
