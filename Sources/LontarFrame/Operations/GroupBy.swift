/// Spark's aggregate functions for `groupBy(...).agg(...)` and `agg(...)`.
public enum AggregateFunction: String, Sendable, Hashable, CaseIterable {
    /// `count(col)`: non-null values; `count(*)` (no column): rows.
    case count
    /// `sum`: bigint for bigint columns (overflow is an error), else double.
    case sum
    /// `avg`/`mean`: double.
    case mean
    /// `min`/`max`: same type as the column (strings by UTF-8 bytes).
    case min, max
    /// `stddev`/`stddev_samp`: sample standard deviation, null below two values.
    case stddev

    /// Spark's name in a default output column (`avg(x)` for mean).
    public var sparkName: String { self == .mean ? "avg" : rawValue }
}

/// One aggregate of a `groupBy`: a function, its column (`nil` only for
/// `count(*)`) and an optional output name.
public struct Aggregation: Sendable, Hashable {
    public var function: AggregateFunction
    public var column: String?
    public var name: String?

    public init(_ function: AggregateFunction, _ column: String?, as name: String? = nil) {
        self.function = function
        self.column = column
        self.name = name
    }

    public static func count(_ column: String? = nil, as name: String? = nil) -> Aggregation { .init(.count, column, as: name) }
    public static func sum(_ column: String, as name: String? = nil) -> Aggregation { .init(.sum, column, as: name) }
    public static func mean(_ column: String, as name: String? = nil) -> Aggregation { .init(.mean, column, as: name) }
    public static func min(_ column: String, as name: String? = nil) -> Aggregation { .init(.min, column, as: name) }
    public static func max(_ column: String, as name: String? = nil) -> Aggregation { .init(.max, column, as: name) }
    public static func stddev(_ column: String, as name: String? = nil) -> Aggregation { .init(.stddev, column, as: name) }

    /// The output column name: the given one, else Spark's (`count` for
    /// `count(*)`, `sum(x)`, `avg(x)`, …).
    public var outputName: String {
        if let name { return name }
        guard let column else { return "count" }
        return "\(function.sparkName)(\(column))"
    }
}

extension Frame {
    /// Spark `groupBy(keys).agg(aggregations)`: one row per distinct key
    /// combination (nulls form their own group), with the key columns then
    /// one column per aggregation. Groups appear in order of first occurrence
    /// (Spark's order is unspecified); within a group rows are aggregated in
    /// row order, so floating-point results are reproducible. With no keys the
    /// result is one row, even for an empty frame (Spark's global aggregate).
    public func groupBy(_ keys: [String], _ aggregations: [Aggregation]) throws -> Frame {
        let keyColumns = try keys.map { try requireColumn($0) }
        var names = Set<String>()
        for name in keys + aggregations.map(\.outputName) where !names.insert(name).inserted {
            throw FrameError.duplicateColumn(name)
        }
        let inputs = try aggregations.map { a -> Column? in
            guard let name = a.column else {
                guard a.function == .count else {
                    throw FrameError.invalidArgument("\(a.function.sparkName) needs a column")
                }
                return nil
            }
            let c = try requireColumn(name)
            try Self.check(a, c)
            return c
        }
        let n = count()
        let groups = try RowGroups(keys: keyColumns, rowCount: n)
        let groupCount = keys.isEmpty ? 1 : groups.groupCount
        let (rows, offsets) = keys.isEmpty ? (Array(0 ..< n), [0, n]) : groups.rowsByGroup()

        var out = keys.isEmpty ? [] : keyColumns.map { $0.gather(groups.firstRow) }
        for (a, input) in zip(aggregations, inputs) {
            guard let input else {
                out.append(Column(name: a.outputName, storage: .int64((0 ..< groupCount).map { Int64(offsets[$0 + 1] - offsets[$0]) })))
                continue
            }
            let scanner = MomentsScanner(input)
            let moments = try Parallel.map(count: groupCount, rows: 256) { range in
                range.map { g in scanner.scan(rows[offsets[g] ..< offsets[g + 1]]) }
            }.flatMap { $0 }
            out.append(try Self.result(a, input, moments))
        }
        return try Frame(columns: out)
    }

    /// Spark `agg(aggregations)` without grouping: a one-row frame.
    public func aggregate(_ aggregations: [Aggregation]) throws -> Frame {
        try groupBy([], aggregations)
    }

    /// Spark `groupBy(keys).count()`: keys and a `count` column.
    public func groupCount(_ keys: [String]) throws -> Frame {
        try groupBy(keys, [.count()])
    }

    private static func check(_ a: Aggregation, _ c: Column) throws {
        switch a.function {
        case .count:
            return
        case .min, .max:
            if c.type == .stringList {
                throw FrameError.typeMismatch(column: c.name, expected: "a comparable type for \(a.function.sparkName)", actual: c.type)
            }
        case .sum, .mean, .stddev:
            if !c.type.isNumeric {
                throw FrameError.typeMismatch(column: c.name, expected: "a number for \(a.function.sparkName)", actual: c.type)
            }
        }
    }

    /// The output column of one aggregation from per-group moments.
    private static func result(_ a: Aggregation, _ input: Column, _ moments: [Moments]) throws -> Column {
        let name = a.outputName
        func doubles(_ f: (Moments) -> Double?) -> Column {
            let v = moments.map(f)
            return Column(name: name, storage: .double(v.map { $0 ?? 0 }), valid: Column.normalized(v.map { $0 != nil }))
        }
        switch a.function {
        case .count:
            return Column(name: name, storage: .int64(moments.map(\.count)))
        case .mean:
            return doubles(\.mean)
        case .stddev:
            return doubles(\.sampleStddev)
        case .sum:
            if input.type == .int64 {
                if let bad = moments.first(where: { $0.intOverflowRow != nil }) {
                    throw FrameError.overflow(expression: name, row: bad.intOverflowRow ?? -1)
                }
                return Column(name: name, storage: .int64(moments.map(\.intSum)),
                              valid: Column.normalized(moments.map { $0.count > 0 }))
            }
            return doubles { $0.count > 0 ? $0.doubleSum : nil }
        case .min, .max:
            let picked = moments.map { a.function == .min ? $0.minRow : $0.maxRow }
            if input.count == 0 { return Column.nulls(name: name, type: input.type, count: picked.count) }
            var c = input.gather(picked.map { Swift.max($0, 0) })
            c.name = name
            if picked.contains(where: { $0 < 0 }) {
                let valid = zip(picked, c.valid ?? [Bool](repeating: true, count: picked.count)).map { $0 >= 0 && $1 }
                c = Column(name: name, storage: c.storage, valid: Column.normalized(valid))
            }
            return c
        }
    }
}
