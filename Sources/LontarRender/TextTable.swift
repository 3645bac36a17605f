/// A table of already-formatted cell strings, ready to render as a GitHub
/// markdown pipe table (`markdown(_:)`) or a box-drawn terminal table
/// (`terminal(_:ansi:)`).
///
/// The caller formats values (see `NumberFormat`); the table only lays them
/// out. `rows` may be just the first rows of a larger result: pass the real
/// size as `totalRowCount` and the footer says how many were left out.
public struct TextTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    /// One alignment per column; numeric columns are usually `.right`.
    public var alignments: [TextAlignment]
    /// Rows in the whole result, at least `rows.count`.
    public var totalRowCount: Int

    /// Builds a table. Without `alignments`, a column whose cells all look
    /// numeric (see `looksNumeric`) is right-aligned, any other left-aligned.
    /// Rows shorter than the header are padded with empty cells; the column
    /// count is the longest of the header and the rows.
    public init(headers: [String], rows: [[String]], alignments: [TextAlignment]? = nil,
                totalRowCount: Int? = nil) {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        self.headers = headers + Array(repeating: "", count: columns - headers.count)
        self.rows = rows.map { $0.count < columns ? $0 + Array(repeating: "", count: columns - $0.count) : $0 }
        self.totalRowCount = max(totalRowCount ?? rows.count, rows.count)
        var aligns = alignments ?? []
        for c in aligns.count ..< columns {
            aligns.append(alignments == nil && Self.isNumericColumn(self.rows.map { $0[c] }) ? .right : .left)
        }
        self.alignments = Array(aligns.prefix(columns))
    }

    public var columnCount: Int { headers.count }

    /// Whether a column of cells should be right-aligned: at least one cell
    /// looks numeric and every other cell is empty or a null marker.
    public static func isNumericColumn<C: Collection>(_ cells: C) -> Bool where C.Element == String {
        var sawNumber = false
        for cell in cells {
            if cell.isEmpty || cell == "null" || cell == "NULL" { continue }
            guard looksNumeric(cell) else { return false }
            sawNumber = true
        }
        return sawNumber
    }

    /// Whether a cell reads as a number: an optional sign, digits (possibly
    /// grouped with `,`), an optional fraction and exponent, and an optional
    /// SI suffix or `%`; also `NaN`, `inf`, `Infinity`.
    public static func looksNumeric(_ cell: String) -> Bool {
        var s = Substring(cell)
        if s.first == "-" || s.first == "+" { s.removeFirst() }
        if s == "NaN" || s == "inf" || s == "Infinity" { return true }
        if let last = s.last, "kMGTPE%".contains(last) { s.removeLast() }
        var sawDigit = false
        var i = s.startIndex
        while i < s.endIndex, s[i].isASCII, s[i].isNumber || s[i] == "," {
            if s[i] != "," { sawDigit = true }
            i = s.index(after: i)
        }
        if i < s.endIndex, s[i] == "." {
            i = s.index(after: i)
            while i < s.endIndex, s[i].isASCII, s[i].isNumber {
                sawDigit = true
                i = s.index(after: i)
            }
        }
        guard sawDigit else { return false }
        if i < s.endIndex, s[i] == "e" || s[i] == "E" {
            i = s.index(after: i)
            if i < s.endIndex, s[i] == "-" || s[i] == "+" { i = s.index(after: i) }
            var expDigit = false
            while i < s.endIndex, s[i].isASCII, s[i].isNumber {
                expDigit = true
                i = s.index(after: i)
            }
            if !expDigit { return false }
        }
        return i == s.endIndex
    }
}

/// How much of a table to show and how.
public struct TableOptions: Sendable, Equatable {
    /// Widest a cell may be, in display columns; longer cells end in `…`.
    public var maxCellWidth: Int
    /// Most data rows shown; `nil` shows every row given.
    public var maxRows: Int?
    /// Adds a `3 columns × 1,500,000 rows` line under the table.
    public var showShape: Bool

    public init(maxCellWidth: Int = 40, maxRows: Int? = 20, showShape: Bool = false) {
        self.maxCellWidth = max(maxCellWidth, 1)
        self.maxRows = maxRows.map { max($0, 0) }
        self.showShape = showShape
    }

    public static let `default` = TableOptions()
}

extension TextTable {
    /// Cells escaped and cut for display, column widths, and footer lines:
    /// everything both renderers share.
    struct Layout {
        var header: [String]
        var body: [[String]]
        var widths: [Int]
        var footer: [String]
    }

    func layout(_ options: TableOptions, escapePipes: Bool, minWidth: Int) -> Layout {
        let shown = options.maxRows.map { min($0, rows.count) } ?? rows.count
        let fit = { (s: String) in CellText.fit(s, maxWidth: options.maxCellWidth, escapePipes: escapePipes) }
        let header = headers.map(fit)
        let body = rows.prefix(shown).map { $0.map(fit) }
        var widths = header.map { max(DisplayWidth.of($0), minWidth) }
        for row in body {
            for (c, cell) in row.enumerated() { widths[c] = max(widths[c], DisplayWidth.of(cell)) }
        }
        var footer: [String] = []
        let more = totalRowCount - shown
        if more > 0 { footer.append("… \(NumberFormat.grouped(more)) more \(more == 1 ? "row" : "rows")") }
        if options.showShape { footer.append(shapeLine) }
        return Layout(header: header, body: Array(body), widths: widths, footer: footer)
    }

    /// `3 columns × 1,500,000 rows`.
    public var shapeLine: String {
        let c = columnCount
        let r = totalRowCount
        return "\(NumberFormat.grouped(c)) \(c == 1 ? "column" : "columns") × "
            + "\(NumberFormat.grouped(r)) \(r == 1 ? "row" : "rows")"
    }
}
