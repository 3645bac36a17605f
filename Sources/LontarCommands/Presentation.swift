import LontarFrame
import LontarLanguage
import LontarRender

/// How values become displays, and displays become markdown or terminal text.
/// The notebook and the REPL share this, so a cell looks the same in both.
public enum Presentation {
    /// Rows of a frame shown when a frame is the value of a statement.
    public static let defaultRowLimit = 20
    /// Longest cell before it is cut with an ellipsis.
    public static let maxCellWidth = 48

    /// The displays for a statement's value.
    public static func present(_ value: Value) -> [Display] {
        switch value {
        case .null: return []
        case .frame(let frame): return [table(frame, limit: defaultRowLimit)]
        case .display(let displays): return displays
        case .object(let object): return object.display()
        case .list(let items) where items.count > 20:
            let shown = items.prefix(20).map(\.literalDescription).joined(separator: ", ")
            return [.text("[\(shown), … \(groupThousands(items.count - 20)) more]")]
        default: return [.text(value.shortDescription)]
        }
    }

    /// The first `limit` rows of a frame as a table display.
    public static func table(_ frame: Frame, limit: Int) -> Display {
        let shown = min(limit, frame.rowCount)
        let rows = (0 ..< shown).map { r in frame.columns.map { format($0[r]) } }
        let numeric = frame.columns.map { $0.type.isNumeric }
        return .table(headers: frame.columnNames, rows: rows, numeric: numeric, totalRows: frame.rowCount)
    }

    /// A cell as Spark's `show()` prints it: `NULL` for nulls, arrays in brackets.
    public static func format(_ scalar: Scalar) -> String {
        switch scalar {
        case .null: return "NULL"
        case .int(let v): return String(v)
        case .double(let v): return SparkFormat.double(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let s): return s
        case .list(let items): return "[" + items.map(format).joined(separator: ", ") + "]"
        }
    }

    // MARK: Rendering

    /// Markdown for a notebook's output document.
    public static func markdown(_ display: Display) -> String {
        switch display {
        case let .table(headers, rows, numeric, totalRows):
            return textTable(headers, rows, numeric, totalRows).markdown(tableOptions(rows.count))
        case .preformatted(let text):
            let fence = text.contains("```") ? "~~~~" : "```"
            return "\(fence)text\n\(text)\n\(fence)"
        case .text(let text):
            return text
        }
    }

    /// Plain text for the terminal (REPL, piped input).
    public static func terminal(_ display: Display, ansi: Bool = false) -> String {
        switch display {
        case let .table(headers, rows, numeric, totalRows):
            return textTable(headers, rows, numeric, totalRows).terminal(tableOptions(rows.count), ansi: ansi)
        case .preformatted(let text), .text(let text):
            return text
        }
    }

    private static func textTable(_ headers: [String], _ rows: [[String]], _ numeric: [Bool], _ totalRows: Int) -> TextTable {
        TextTable(headers: headers, rows: rows, alignments: numeric.map { $0 ? .right : .left }, totalRowCount: totalRows)
    }

    private static func tableOptions(_ rows: Int) -> TableOptions {
        TableOptions(maxCellWidth: maxCellWidth, maxRows: rows, showShape: false)
    }
}
