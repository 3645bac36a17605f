/// A dataframe: equally long, uniquely named, typed columns.
///
/// Frames are values: operations return new frames and share nothing mutable.
public struct Frame: Sendable, Equatable {
    public private(set) var columns: [Column]
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

    public var description: String {
        switch self {
        case let .lengthMismatch(column, expected, actual):
            "column '\(column)' has \(actual) rows, but the frame has \(expected)"
        case let .unknownColumn(name, available):
            "unknown column '\(name)'; the frame has: \(available.joined(separator: ", "))"
        case let .typeMismatch(column, expected, actual):
            "column '\(column)' is \(actual), expected \(expected)"
        }
    }
}
