/// Rows grouped by equal key values (Spark's grouping equality: nulls form
/// one group, -0.0 equals 0.0, NaN equals NaN). Groups are numbered in order
/// of first occurrence, so every derived result is deterministic.
struct RowGroups {
    /// Group number of each row.
    let groupOf: [Int32]
    /// The first row of each group.
    let firstRow: [Int]

    var groupCount: Int { firstRow.count }

    init(keys: [Column], rowCount n: Int) throws {
        guard !keys.isEmpty else {
            groupOf = [Int32](repeating: 0, count: n)
            firstRow = n > 0 ? [0] : []
            return
        }
        let keyColumns = keys.map(KeyValues.init)
        let hashes = try Parallel.map(count: n) { rows -> [UInt64] in
            rows.map { row in
                var h: UInt64 = 0
                for k in keyColumns { h = Hashing.combine(h, k.hash(row)) }
                return h
            }
        }.flatMap { $0 }

        // Open addressing over group numbers; sequential so numbering follows row order.
        var capacity = 16
        while capacity < n * 2 { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        var groupOf = [Int32](repeating: 0, count: n)
        var firstRow: [Int] = []
        var groupHash: [UInt64] = []
        for row in 0 ..< n {
            let h = hashes[row]
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let g = slots[s]
                if g < 0 {
                    let id = Int32(firstRow.count)
                    slots[s] = id
                    firstRow.append(row)
                    groupHash.append(h)
                    groupOf[row] = id
                    break
                }
                if groupHash[Int(g)] == h && keyColumns.allSatisfy({ $0.equal(firstRow[Int(g)], row) }) {
                    groupOf[row] = g
                    break
                }
                s = (s + 1) & mask
            }
        }
        self.groupOf = groupOf
        self.firstRow = firstRow
    }

    /// Rows of each group in row order: `rows[offsets[g] ..< offsets[g + 1]]`.
    func rowsByGroup() -> (rows: [Int], offsets: [Int]) {
        var offsets = [Int](repeating: 0, count: groupCount + 1)
        for g in groupOf { offsets[Int(g) + 1] += 1 }
        for g in 0 ..< groupCount { offsets[g + 1] += offsets[g] }
        var next = offsets
        var rows = [Int](repeating: 0, count: groupOf.count)
        for (row, g) in groupOf.enumerated() {
            rows[next[Int(g)]] = row
            next[Int(g)] += 1
        }
        return (rows, offsets)
    }
}

/// One key column prepared for hashing and equality tests.
struct KeyValues {
    private enum Values {
        case ints([Int64]), doubles([Double]), bools([Bool]), strings(StringColumn), lists(StringListColumn)
    }
    private let values: Values
    private let valid: [Bool]?

    init(_ column: Column) {
        switch column.storage {
        case .int64(let v): values = .ints(v)
        case .double(let v): values = .doubles(v)
        case .bool(let v): values = .bools(v)
        case .string(let v): values = .strings(v)
        case .stringList(let v): values = .lists(v)
        }
        valid = column.valid
    }

    private static let nullHash: UInt64 = 0x6E75_6C6C_6E75_6C6C

    func hash(_ row: Int) -> UInt64 {
        if let valid, !valid[row] { return Self.nullHash }
        switch values {
        case .ints(let v): return Hashing.mix(UInt64(bitPattern: v[row]))
        case .doubles(let v): return Hashing.mix(Hashing.normalized(v[row]))
        case .bools(let v): return v[row] ? 1 : 2
        case .strings(let s): return s.withBytes(row) { Hashing.bytes($0) }
        case .lists(let l):
            var h = UInt64(l.size(row))
            for e in l.rowOffsets[row] ..< l.rowOffsets[row + 1] { h = Hashing.combine(h, l.elements.withBytes(e) { Hashing.bytes($0) }) }
            return h
        }
    }

    func equal(_ i: Int, _ j: Int) -> Bool {
        if let valid {
            if !valid[i] || !valid[j] { return valid[i] == valid[j] }
        }
        switch values {
        case .ints(let v): return v[i] == v[j]
        case .doubles(let v): return Hashing.normalized(v[i]) == Hashing.normalized(v[j])
        case .bools(let v): return v[i] == v[j]
        case .strings(let s): return Self.sameBytes(s, i, s, j)
        case .lists(let l):
            guard l.size(i) == l.size(j) else { return false }
            for k in 0 ..< l.size(i) where !Self.sameBytes(l.elements, l.rowOffsets[i] + k, l.elements, l.rowOffsets[j] + k) {
                return false
            }
            return true
        }
    }

    private static func sameBytes(_ a: StringColumn, _ i: Int, _ b: StringColumn, _ j: Int) -> Bool {
        a.withBytes(i) { x in b.withBytes(j) { y in Comparison.compareBytes(x, y) == 0 } }
    }
}

extension Frame {
    /// Spark `distinct()`: one row per distinct combination of all columns,
    /// in order of first occurrence (Spark's order is unspecified).
    public func distinct() throws -> Frame {
        try dropDuplicates(columnNames)
    }

    /// Spark `dropDuplicates(columns)`: the first row of each distinct
    /// combination of `columns`, in order of first occurrence.
    public func dropDuplicates(_ names: [String]) throws -> Frame {
        let keys = try names.map { try requireColumn($0) }
        let groups = try RowGroups(keys: keys, rowCount: count())
        if groups.groupCount == count() { return self }
        return try gather(groups.firstRow)
    }
}
