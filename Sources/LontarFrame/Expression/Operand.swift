/// A value during vectorised evaluation: `count` rows that are either a
/// constant or a window onto a column (the frame's own column, read in place,
/// or a chunk computed by a kernel).
enum Operand {
    case constant(Scalar, type: ColumnType?, count: Int)
    case column(Column, rows: Range<Int>)

    var count: Int {
        switch self {
        case .constant(_, _, let n): n
        case .column(_, let rows): rows.count
        }
    }

    var type: ColumnType? {
        switch self {
        case .constant(_, let t, _): t
        case .column(let c, _): c.type
        }
    }

    /// A freshly computed chunk.
    static func computed(_ storage: ColumnStorage, valid: [Bool]?) -> Operand {
        .column(Column(name: "", storage: storage, valid: Column.normalized(valid)), rows: 0 ..< storage.count)
    }

    var isNullConstant: Bool {
        if case .constant(.null, _, _) = self { return true }
        return false
    }

    /// The validity of each row (`nil`: no nulls).
    func validity() -> [Bool]? {
        switch self {
        case .constant(let s, _, let n):
            return s == .null ? [Bool](repeating: false, count: n) : nil
        case .column(let c, let rows):
            guard let v = c.valid else { return nil }
            return rows == 0 ..< v.count ? v : Array(v[rows])
        }
    }

    /// The values as 64-bit integers (undefined where null). Precondition: bigint or null.
    func ints() -> [Int64] {
        switch self {
        case .constant(let s, _, let n):
            if case .int(let v) = s { return [Int64](repeating: v, count: n) }
            return [Int64](repeating: 0, count: n)
        case .column(let c, let rows):
            if case .int64(let v) = c.storage { return rows == 0 ..< v.count ? v : Array(v[rows]) }
            return [Int64](repeating: 0, count: rows.count)
        }
    }

    /// The values as doubles, converting bigints (undefined where null).
    func doubles() -> [Double] {
        switch self {
        case .constant(let s, _, let n):
            switch s {
            case .double(let v): return [Double](repeating: v, count: n)
            case .int(let v): return [Double](repeating: Double(v), count: n)
            default: return [Double](repeating: 0, count: n)
            }
        case .column(let c, let rows):
            switch c.storage {
            case .double(let v): return rows == 0 ..< v.count ? v : Array(v[rows])
            case .int64(let v): return v[rows].map { Double($0) }
            default: return [Double](repeating: 0, count: rows.count)
            }
        }
    }

    /// The values as booleans (undefined where null).
    func bools() -> [Bool] {
        switch self {
        case .constant(let s, _, let n):
            if case .bool(let v) = s { return [Bool](repeating: v, count: n) }
            return [Bool](repeating: false, count: n)
        case .column(let c, let rows):
            if case .bool(let v) = c.storage { return rows == 0 ..< v.count ? v : Array(v[rows]) }
            return [Bool](repeating: false, count: rows.count)
        }
    }

    /// Calls `body` with random access to the rows' UTF-8 bytes (empty where null).
    func withStrings<R>(_ body: (StringRows) throws -> R) rethrows -> R {
        switch self {
        case .constant(let s, _, let n):
            var bytes: [UInt8] = []
            if case .string(let v) = s { bytes = Array(v.utf8) }
            return try bytes.withUnsafeBufferPointer { b in
                try body(StringRows(bytes: b, offsets: nil, constant: b, count: n))
            }
        case .column(let c, let rows):
            guard case .string(let sc) = c.storage else {
                return try body(StringRows(bytes: UnsafeBufferPointer(start: nil, count: 0), offsets: nil,
                                           constant: UnsafeBufferPointer(start: nil, count: 0), count: rows.count))
            }
            return try sc.bytes.withUnsafeBufferPointer { b in
                try sc.offsets.withUnsafeBufferPointer { o in
                    try body(StringRows(bytes: b, offsets: UnsafeBufferPointer(rebasing: o[rows.lowerBound ... rows.upperBound]),
                                        constant: UnsafeBufferPointer(start: nil, count: 0), count: rows.count))
                }
            }
        }
    }

    /// The array column behind a list operand and the window's rows.
    func lists() -> (StringListColumn, Range<Int>)? {
        switch self {
        case .constant(let s, _, let n):
            var l = StringListColumn()
            let items: [String]
            if case .list(let xs) = s {
                items = xs.map { if case .string(let v) = $0 { v } else { ColumnExpression.render($0) } }
            } else {
                items = []
            }
            for _ in 0 ..< n { l.append(items) }
            return (l, 0 ..< n)
        case .column(let c, let rows):
            if case .stringList(let l) = c.storage { return (l, rows) }
            return nil
        }
    }

    /// Row `k` as a scalar (slow; for rare paths such as casting arrays).
    func scalar(_ k: Int) -> Scalar {
        switch self {
        case .constant(let s, _, _): s
        case .column(let c, let rows): c[rows.lowerBound + k]
        }
    }
}

/// Random access to the UTF-8 bytes of a window of string rows.
struct StringRows {
    let bytes: UnsafeBufferPointer<UInt8>
    /// `count + 1` absolute offsets into `bytes`, or nil for a constant.
    let offsets: UnsafeBufferPointer<Int>?
    let constant: UnsafeBufferPointer<UInt8>
    let count: Int

    @inline(__always)
    subscript(k: Int) -> UnsafeBufferPointer<UInt8> {
        guard let o = offsets else { return constant }
        return UnsafeBufferPointer(rebasing: bytes[o[k] ..< o[k + 1]])
    }

    /// Total bytes in the window (a capacity hint for outputs).
    var totalBytes: Int {
        guard let o = offsets else { return constant.count * count }
        return o[count] - o[0]
    }
}

/// Validity of a row-wise combination: valid where every input is valid.
func mergeValidity(_ masks: [[Bool]?]) -> [Bool]? {
    var result: [Bool]? = nil
    for m in masks {
        guard let m else { continue }
        if let r = result {
            result = zip(r, m).map { $0 && $1 }
        } else {
            result = m
        }
    }
    return result
}
