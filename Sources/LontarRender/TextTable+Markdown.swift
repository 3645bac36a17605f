extension TextTable {
    /// A GitHub-flavoured markdown pipe table, padded so the columns also line
    /// up as plain text; right-aligned columns get a `---:` delimiter. A footer
    /// (`… N more rows`, the shape line) follows after a blank line, since a
    /// line right under a table would be read as another row.
    ///
    /// ```
    /// | name  | count |
    /// | ----- | ----: |
    /// | alpha |    12 |
    /// ```
    public func markdown(_ options: TableOptions = .default) -> String {
        guard columnCount > 0 else {
            return (["(no columns)"] + (options.showShape ? [shapeLine] : [])).joined(separator: "\n\n")
        }
        let l = layout(options, escapePipes: true, minWidth: 3)
        var lines: [String] = []
        lines.reserveCapacity(l.body.count + 2)
        lines.append(row(l.header, widths: l.widths))
        let delimiter = l.widths.enumerated().map { c, w in
            alignments[c] == .right ? String(repeating: "-", count: w - 1) + ":" : String(repeating: "-", count: w)
        }
        lines.append("| " + delimiter.joined(separator: " | ") + " |")
        for cells in l.body { lines.append(row(cells, widths: l.widths)) }
        var text = lines.joined(separator: "\n")
        for line in l.footer { text += "\n\n" + line }
        return text
    }

    private func row(_ cells: [String], widths: [Int]) -> String {
        let padded = cells.enumerated().map { c, cell in
            DisplayWidth.pad(cell, to: widths[c], alignment: alignments[c])
        }
        return "| " + padded.joined(separator: " | ") + " |"
    }
}
