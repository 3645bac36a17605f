import Foundation
import LontarFrame

/// A rendered result, independent of the output medium. The notebook writes
/// it as markdown, the REPL prints it for the terminal.
public enum Display: Sendable, Equatable {
    /// A table of formatted cells; `numeric[i]` right-aligns column `i`.
    /// `totalRows` counts all rows of the source, so renderers can say
    /// "… 1,499,997 more rows" when `rows` holds only the first few.
    case table(headers: [String], rows: [[String]], numeric: [Bool], totalRows: Int)
    /// Fixed-width text (plots, progress logs), fenced in markdown.
    case preformatted(String)
    /// A line of prose (a short message), plain in markdown and the terminal.
    case text(String)
}

/// Engine objects that live in variables: models, tokenizers, fine-tuning runs.
/// They expose named members (`tuned.loss`) and a display of themselves.
public protocol LontarObject: AnyObject, Sendable {
    /// The type name users see, e.g. "model" or "tokenizer".
    var typeName: String { get }
    /// Names usable after a dot, for completion and error hints.
    var memberNames: [String] { get }
    func member(_ name: String) -> Value?
    func display() -> [Display]
}

/// A value that stands for a frame not yet computed (a chain of column
/// transformations to run in one pass). Commands that need the frame, and
/// the end of every statement, turn it into a real frame.
public protocol FrameConvertible {
    func materialize() throws(LontarError) -> Frame
}

/// Every value a DSL expression or command can produce.
public enum Value: Sendable {
    case null
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case regex(pattern: String, flags: String)
    case list([Value])
    case frame(Frame)
    /// Output-only values (a `show` table, a histogram), shown when evaluated.
    case display([Display])
    case object(any LontarObject)

    public var typeName: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .double: "number"
        case .bool: "boolean"
        case .string: "string"
        case .regex: "regex"
        case .list: "list"
        case .frame: "frame"
        case .display: "display"
        case .object(let o): o.typeName
        }
    }

    /// The value as a Double, for numeric parameters (integers widen).
    public var doubleValue: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    /// A short literal-like rendering, used by `print` and `:vars`.
    public var shortDescription: String {
        switch self {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .double(let v): return formatNumber(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let s): return s
        case .regex(let p, let f): return "/\(p)/\(f)"
        case .list(let items): return "[" + items.map(\.literalDescription).joined(separator: ", ") + "]"
        case .frame(let f): return "frame: \(f.columnCount) columns × \(groupThousands(f.rowCount)) rows (\(f.columnNames.joined(separator: ", ")))"
        case .display: return "(output)"
        case .object(let o): return o.typeName
        }
    }

    /// Like `shortDescription`, with strings quoted (inside lists).
    public var literalDescription: String {
        if case .string(let s) = self { return "\"\(s)\"" }
        return shortDescription
    }
}

extension Frame {
    public var columnCount: Int { columns.count }
}

/// Formats a double the way a student expects to read it: integers without a
/// fraction, others with up to 6 significant decimals, no trailing zeros.
public func formatNumber(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
    if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
    var s = String(format: "%.6g", v)
    if s.contains("e") { return s }
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s
}

/// `1500000` → `1,500,000`.
public func groupThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}
