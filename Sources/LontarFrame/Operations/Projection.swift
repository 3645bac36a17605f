/// Column-level operations: choosing, naming, deriving and row-limiting.
extension Frame {
    /// Spark `count()`: the number of rows.
    public func count() -> Int { columns.isEmpty ? 0 : rowCount }

    /// The column named `name`, or `FrameError.unknownColumn` listing the
    /// frame's columns and the closest matches.
    public func requireColumn(_ name: String) throws -> Column {
        guard let c = column(named: name) else { throw FrameError.unknownColumn(name, available: columnNames) }
        return c
    }

    /// Spark `limit(n)`: the first `n` rows (all of them if fewer).
    public func limit(_ n: Int) throws -> Frame {
        guard n >= 0 else { throw FrameError.invalidArgument("limit must be non-negative, got \(n)") }
        if n >= count() { return self }
        return try Frame(columns: columns.map { $0.slice(0 ..< n) })
    }

    /// Spark `select(names…)`: these columns, in this order.
    public func select(_ names: [String]) throws -> Frame {
        try Frame(columns: names.map { try requireColumn($0) })
    }

    /// Spark `select(exprs…)`: one column per expression, named by the given
    /// name or else by the expression (`lower(text)`); plain column
    /// references share storage with this frame.
    public func select(_ expressions: [(name: String?, expression: ColumnExpression)]) throws -> Frame {
        var out: [Column] = []
        for (name, e) in expressions {
            let c = try evaluate(e, as: name)
            if out.contains(where: { $0.name == c.name }) { throw FrameError.duplicateColumn(c.name) }
            out.append(c)
        }
        var frame = try Frame(columns: out)
        if out.isEmpty { frame = Frame() }
        return frame
    }

    /// Spark `withColumnRenamed(old, new)`.
    public func rename(_ old: String, to new: String) throws -> Frame {
        guard let i = index(of: old) else { throw FrameError.unknownColumn(old, available: columnNames) }
        if old != new && index(of: new) != nil { throw FrameError.duplicateColumn(new) }
        var cols = columns
        cols[i].name = new
        return try Frame(columns: cols)
    }

    /// Spark `drop(names…)`. Unlike Spark, an unknown name is an error rather
    /// than silently ignored, so that a typo does not go unnoticed.
    public func drop(_ names: [String]) throws -> Frame {
        for n in names where index(of: n) == nil { throw FrameError.unknownColumn(n, available: columnNames) }
        let kept = columns.filter { !names.contains($0.name) }
        if kept.isEmpty { return Frame() }
        return try Frame(columns: kept)
    }

    /// Spark `withColumn(name, expr)`: adds the derived column, or replaces
    /// the column of that name in place.
    public func withColumn(_ name: String, _ expression: ColumnExpression) throws -> Frame {
        let c = try evaluate(expression, as: name)
        var frame = self
        if columns.isEmpty {
            return try Frame(columns: [c])
        }
        try frame.add(c)
        return frame
    }

    /// The rows at `indices`, in that order, as a new frame (an index may
    /// repeat; every one must be a row of this frame).
    public func gather(_ indices: [Int]) throws -> Frame {
        if columns.isEmpty { return self }
        let n = count()
        if let bad = indices.first(where: { $0 < 0 || $0 >= n }) {
            throw FrameError.invalidArgument("row \(bad) does not exist; the frame has \(n) rows")
        }
        return try Frame(columns: columns.map { $0.gather(indices) })
    }

    /// Spark `filter`/`where`: the rows where `predicate` is true (null counts
    /// as false), in their original order.
    public func filter(_ predicate: ColumnExpression) throws -> Frame {
        let type = try predicate.resultType(in: self)
        guard type == .bool || type == nil else {
            throw FrameError.typeMismatch(column: predicate.description, expected: "boolean", actual: type!)
        }
        let context = try EvaluationContext(frame: self, expression: predicate)
        let kept = try Parallel.map(count: count()) { rows -> [Int] in
            let result = try Evaluator(context: context, rows: rows).evaluate(predicate)
            if result.isNullConstant { return [] }
            let values = result.bools(), valid = result.validity()
            var indices: [Int] = []
            for k in 0 ..< rows.count where values[k] && (valid?[k] ?? true) { indices.append(rows.lowerBound + k) }
            return indices
        }
        let indices = kept.flatMap { $0 }
        if indices.count == count() { return self }
        return try gather(indices)
    }

    /// Spark `union` (`unionAll`): the rows of `other` after these, matching
    /// columns by position; names come from this frame. A bigint column
    /// meeting a double column becomes double.
    public func union(_ other: Frame) throws -> Frame {
        guard columns.count == other.columns.count else {
            throw FrameError.invalidArgument("union needs the same number of columns: \(columns.count) vs \(other.columns.count)")
        }
        var out: [Column] = []
        for (a, b) in zip(columns, other.columns) {
            var a = a, b = b
            if a.type != b.type {
                if a.type.isNumeric && b.type.isNumeric {
                    a = try Self.toDouble(a); b = try Self.toDouble(b)
                } else {
                    throw FrameError.typeMismatch(column: b.name, expected: "\(a.type) to union with '\(a.name)'", actual: b.type)
                }
            }
            out.append(Column.concatenate([a, b], name: a.name))
        }
        return try Frame(columns: out)
    }

    private static func toDouble(_ c: Column) throws -> Column {
        guard case .int64(let v) = c.storage else { return c }
        return Column(name: c.name, storage: .double(v.map { Double($0) }), valid: c.valid)
    }
}
