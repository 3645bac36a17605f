extension TextTable {
    /// A box-drawn table for the REPL. With `ansi` (the output is a TTY), the
    /// header is bold. Footer lines follow directly under the box.
    ///
    /// ```
    /// ┌───────┬───────┐
    /// │ name  │ count │
    /// ├───────┼───────┤
    /// │ alpha │    12 │
    /// └───────┴───────┘
    /// ```
    public func terminal(_ options: TableOptions = .default, ansi: Bool = false) -> String {
        guard columnCount > 0 else {
            return (["(no columns)"] + (options.showShape ? [shapeLine] : [])).joined(separator: "\n")
        }
        let l = layout(options, escapePipes: false, minWidth: 1)
        func rule(_ left: String, _ mid: String, _ right: String) -> String {
            left + l.widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: mid) + right
        }
        func line(_ cells: [String], bold: Bool) -> String {
            let padded = cells.enumerated().map { c, cell in
                let text = DisplayWidth.pad(cell, to: l.widths[c], alignment: alignments[c])
                return bold ? "\u{1B}[1m" + text + "\u{1B}[0m" : text
            }
            return "│ " + padded.joined(separator: " │ ") + " │"
        }
        var lines = [rule("┌", "┬", "┐"), line(l.header, bold: ansi), rule("├", "┼", "┤")]
        for cells in l.body { lines.append(line(cells, bold: false)) }
        lines.append(rule("└", "┴", "┘"))
        lines += l.footer
        return lines.joined(separator: "\n")
    }
}
