/// Spark `orderBy`/`sort`: multi-key, ascending or descending, with Spark's
/// null placement and value order.
public struct SortKey: Sendable, Hashable {
    public var expression: ColumnExpression
    public var ascending: Bool
    /// Where nulls go; `nil` means Spark's default: first when ascending,
    /// last when descending.
    public var nullsFirst: Bool?

    public init(_ expression: ColumnExpression, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }

    public init(_ column: String, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.init(.column(column), ascending: ascending, nullsFirst: nullsFirst)
    }

    public static func asc(_ column: String) -> SortKey { SortKey(column) }
    public static func desc(_ column: String) -> SortKey { SortKey(column, ascending: false) }
}

extension Frame {
    /// Spark `orderBy(keys…)`. Values order as in Spark: numbers numerically
    /// (-0.0 equals 0.0, NaN after +∞), strings by UTF-8 bytes (code point
    /// order), false before true. Rows with equal keys keep their original
    /// order, so the result is fully determined (Spark leaves ties unordered).
    public func sort(_ keys: [SortKey]) throws -> Frame {
        guard !keys.isEmpty, count() > 1 else { return self }
        let order = try sortedIndices(keys)
        return try gather(order)
    }

    /// The row permutation that sorts the frame by `keys` (stable).
    public func sortedIndices(_ keys: [SortKey]) throws -> [Int] {
        let comparators = try keys.map { key -> KeyComparator in
            let c = try evaluate(key.expression)
            if c.type == .stringList {
                throw FrameError.typeMismatch(column: key.expression.description, expected: "a sortable type", actual: c.type)
            }
            return KeyComparator(c, ascending: key.ascending, nullsFirst: key.nullsFirst ?? key.ascending)
        }
        let n = count()
        // Sort fixed-size runs in parallel, then merge pairs of runs until one
        // is left. Ties are broken by row index, so the comparison is a total
        // order and the result does not depend on the run size or threads.
        @inline(__always) func less(_ i: Int, _ j: Int) -> Bool {
            for c in comparators {
                let o = c.compare(i, j)
                if o != 0 { return o < 0 }
            }
            return i < j
        }
        var runs = try Parallel.map(count: n, rows: 65_536) { rows -> [Int] in
            var run = Array(rows)
            run.sort(by: less)
            return run
        }
        while runs.count > 1 {
            let pairs = stride(from: 0, to: runs.count, by: 2).map { $0 }
            let current = runs
            runs = try Parallel.map(pairs) { i -> [Int] in
                guard i + 1 < current.count else { return current[i] }
                return Self.merge(current[i], current[i + 1], less)
            }
        }
        return runs.first ?? []
    }

    private static func merge(_ a: [Int], _ b: [Int], _ less: (Int, Int) -> Bool) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if less(b[j], a[i]) { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}

/// Compares two rows of one key column with Spark's ordering.
struct KeyComparator {
    private enum Values {
        case ints([Int64]), doubles([Double]), bools([Bool]), strings(StringColumn)
    }
    private let values: Values
    private let valid: [Bool]?
    private let ascending: Bool
    private let nullsFirst: Bool

    init(_ column: Column, ascending: Bool, nullsFirst: Bool) {
        switch column.storage {
        case .int64(let v): values = .ints(v)
        case .double(let v): values = .doubles(v)
        case .bool(let v): values = .bools(v)
        case .string(let v): values = .strings(v)
        case .stringList: values = .ints([])       // rejected by the caller
        }
        valid = column.valid
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }

    /// Negative, zero or positive as row `i` sorts before, with or after row `j`.
    @inline(__always)
    func compare(_ i: Int, _ j: Int) -> Int {
        if let valid {
            let vi = valid[i], vj = valid[j]
            if !vi || !vj {
                if vi == vj { return 0 }
                return vi == nullsFirst ? 1 : -1        // the null one goes first iff nullsFirst
            }
        }
        let o: Int
        switch values {
        case .ints(let v): o = v[i] < v[j] ? -1 : (v[i] > v[j] ? 1 : 0)
        case .doubles(let v): o = Comparison.compareDoubles(v[i], v[j])
        case .bools(let v): o = v[i] == v[j] ? 0 : (v[i] ? 1 : -1)
        case .strings(let s):
            o = s.bytes.withUnsafeBufferPointer { b in
                Comparison.compareBytes(UnsafeBufferPointer(rebasing: b[s.offsets[i] ..< s.offsets[i + 1]]),
                                        UnsafeBufferPointer(rebasing: b[s.offsets[j] ..< s.offsets[j + 1]]))
            }
        }
        return ascending ? o : -o
    }
}
