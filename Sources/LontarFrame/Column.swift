/// Columnar storage for Lontar's dataframes.
///
/// A frame is a list of equally long, typed columns. Strings live in one UTF-8
/// byte buffer with offsets (as Arrow does), so scanning a million rows touches
/// two arrays and allocates no per-row `String`.

/// A UTF-8 string column: row `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
public struct StringColumn: Sendable, Equatable {
    public var bytes: [UInt8]
    /// `count + 1` offsets into `bytes`; `offsets[0] == 0`.
    public var offsets: [Int]

    public init() {
        bytes = []
        offsets = [0]
    }

    public init(bytes: [UInt8], offsets: [Int]) {
        precondition(!offsets.isEmpty && offsets[0] == 0, "offsets must start at 0")
        self.bytes = bytes
        self.offsets = offsets
    }

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(s) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append(bytes: $0) }
    }

    public mutating func append(bytes newBytes: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: newBytes)
        offsets.append(bytes.count)
    }

    public mutating func reserve(rows: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(rows + 1)
        bytes.reserveCapacity(byteCount)
    }

    /// The byte range of row `i`.
    @inlinable public func range(_ i: Int) -> Range<Int> { offsets[i] ..< offsets[i + 1] }

    /// Row `i` decoded as a Swift `String` (for display and tests, not hot paths).
    public subscript(i: Int) -> String {
        String(decoding: bytes[range(i)], as: UTF8.self)
    }

    /// Calls `body` with the UTF-8 bytes of row `i`, without copying.
    @inlinable public func withBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = range(i)
        return try bytes.withUnsafeBufferPointer { buf in
            try body(UnsafeBufferPointer(rebasing: buf[r]))
        }
    }
}

/// An array-of-strings column (Spark's `array<string>`, e.g. `Tokenizer`
/// output): row `i` holds elements `rowOffsets[i] ..< rowOffsets[i + 1]` of `elements`.
public struct StringListColumn: Sendable, Equatable {
    public var elements: StringColumn
    public var rowOffsets: [Int]

    public init() {
        elements = StringColumn()
        rowOffsets = [0]
    }

    public init(elements: StringColumn, rowOffsets: [Int]) {
        self.elements = elements
        self.rowOffsets = rowOffsets
    }

    public var count: Int { rowOffsets.count - 1 }

    /// Number of elements in row `i` (Spark's `size`).
    public func size(_ i: Int) -> Int { rowOffsets[i + 1] - rowOffsets[i] }

    public subscript(i: Int) -> [String] {
        (rowOffsets[i] ..< rowOffsets[i + 1]).map { elements[$0] }
    }

    public mutating func append(_ row: [String]) {
        for s in row { elements.append(s) }
        rowOffsets.append(elements.count)
    }
}

/// The typed buffer behind a column.
public enum ColumnStorage: Sendable, Equatable {
    case int64([Int64])
    case double([Double])
    case bool([Bool])
    case string(StringColumn)
    case stringList(StringListColumn)

    public var count: Int {
        switch self {
        case .int64(let v): v.count
        case .double(let v): v.count
        case .bool(let v): v.count
        case .string(let v): v.count
        case .stringList(let v): v.count
        }
    }
}

/// The logical type of a column, as shown in schemas (`printSchema`-style).
public enum ColumnType: String, Sendable, Equatable, CustomStringConvertible {
    case int64 = "bigint"
    case double = "double"
    case bool = "boolean"
    case string = "string"
    case stringList = "array<string>"

    public var description: String { rawValue }
    public var isNumeric: Bool { self == .int64 || self == .double }
}

/// One named column: typed storage plus an optional validity mask
/// (`nil` means no nulls; otherwise `valid[i] == false` marks a null).
public struct Column: Sendable, Equatable {
    public var name: String
    public var storage: ColumnStorage
    public var valid: [Bool]?

    public init(name: String, storage: ColumnStorage, valid: [Bool]? = nil) {
        precondition(valid == nil || valid!.count == storage.count, "validity mask length must match column")
        self.name = name
        self.storage = storage
        self.valid = valid
    }

    public var count: Int { storage.count }

    public var type: ColumnType {
        switch storage {
        case .int64: .int64
        case .double: .double
        case .bool: .bool
        case .string: .string
        case .stringList: .stringList
        }
    }

    public func isNull(_ i: Int) -> Bool { valid.map { !$0[i] } ?? false }

    /// Row `i` as a scalar (for display, literals and tests; not for hot loops).
    public subscript(i: Int) -> Scalar {
        if isNull(i) { return .null }
        switch storage {
        case .int64(let v): return .int(v[i])
        case .double(let v): return .double(v[i])
        case .bool(let v): return .bool(v[i])
        case .string(let v): return .string(v[i])
        case .stringList(let v): return .list(v[i].map { Scalar.string($0) })
        }
    }
}

/// A single cell value.
public enum Scalar: Sendable, Equatable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case list([Scalar])
}
