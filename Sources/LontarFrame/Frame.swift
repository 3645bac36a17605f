import LontarSystem

/// A dataframe: equally long, uniquely named, typed columns.
///
/// Frames are values: operations return new frames and share nothing mutable.
public struct Frame: Sendable, Equatable {
    public internal(set) var columns: [Column]
    public private(set) var rowCount: Int

    /// An empty frame with no columns and no rows.
    public init() {
        columns = []
        rowCount = 0
    }

    /// Builds a frame; every column must have the same length and a unique name.
    public init(columns: [Column]) throws {
        self.init()
        for c in columns { try add(c) }
    }

    public var columnNames: [String] { columns.map(\.name) }

    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }

    public func index(of name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// Adds a column, or replaces the column of the same name.
    public mutating func add(_ column: Column) throws {
        if !columns.isEmpty && column.count != rowCount {
            throw FrameError.lengthMismatch(column: column.name, expected: rowCount, actual: column.count)
        }
        if let i = index(of: column.name) {
            columns[i] = column
        } else {
            columns.append(column)
        }
        rowCount = column.count
    }
}

/// Errors from frame construction and operations, with the names a user typed.
public enum FrameError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(column: String, expected: Int, actual: Int)
    case unknownColumn(String, available: [String])
    case typeMismatch(column: String, expected: String, actual: ColumnType)
    /// Two output columns would have the same name.
    case duplicateColumn(String)
    /// A regex that does not compile (or that this build cannot run).
    case invalidPattern(pattern: String, message: String)
    /// A bad argument to an operation or function (message says which and why).
    case invalidArgument(String)
    /// Spark's `[DIVIDE_BY_ZERO]` / `[REMAINDER_BY_ZERO]` (ANSI mode, Spark 4's default).
    case divideByZero(expression: String, row: Int)
    /// Spark's `[ARITHMETIC_OVERFLOW]`: a 64-bit integer result out of range
    /// (`row` is -1 when no single row is to blame, e.g. a sum).
    case overflow(expression: String, row: Int)
    /// Spark's `[CAST_INVALID_INPUT]` / `[CAST_OVERFLOW]`.
    case invalidCast(value: String, to: ColumnType, row: Int)

    public var description: String {
        switch self {
        case let .lengthMismatch(column, expected, actual):
            "column '\(column)' has \(actual) rows, but the frame has \(expected)"
        case let .unknownColumn(name, available):
            "unknown column '\(name)'" + FrameError.suggestion(for: name, among: available)
                + "; the frame has: \(available.joined(separator: ", "))"
        case let .typeMismatch(column, expected, actual):
            "'\(column)' is \(actual), expected \(expected)"
        case let .duplicateColumn(name):
            "duplicate column name '\(name)'"
        case let .invalidPattern(pattern, message):
            "invalid regex '\(pattern)': \(message)"
        case let .invalidArgument(message):
            message
        case let .divideByZero(expression, row):
            "division by zero in \(expression) at row \(row)"
        case let .overflow(expression, row):
            "integer overflow in \(expression)" + (row >= 0 ? " at row \(row)" : "") + " (64-bit range exceeded)"
        case let .invalidCast(value, type, row):
            "cannot cast '\(value)' to \(type) at row \(row)"
        }
    }

    /// "; did you mean 'x'?" for the closest names, else "".
    static func suggestion(for name: String, among names: [String]) -> String {
        let best = closeMatches(for: name, in: names)
        guard !best.isEmpty else { return "" }
        return "; did you mean " + best.map { "'" + $0 + "'" }.joined(separator: " or ") + "?"
    }
}
