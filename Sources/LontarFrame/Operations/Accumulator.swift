import Foundation

/// Running statistics of one column over a set of rows, updated and merged
/// exactly as Spark's aggregate buffers are, so results agree with Spark to
/// the last bit when rows are visited in the same order:
///
/// - `sum` of bigints: exact, overflow is an error (ANSI); of doubles: plain
///   left-to-right addition; `avg` = (sum of values as doubles) / count;
/// - `stddev` (sample): Spark's `CentralMomentAgg` — Welford's update per row
///   and its pairwise merge formula between partial buffers;
/// - `min`/`max`: Spark's ordering (NaN largest, strings by bytes).
///
/// For string columns, `avg`/`stddev` see the values cast to double the
/// lenient way (unparsable → null), as `describe()` does.
struct Moments {
    /// Non-null values (Spark `count(col)`).
    var count: Int64 = 0
    var intSum: Int64 = 0
    var intOverflowRow: Int? = nil
    var doubleSum: Double = 0
    /// Values that took part in the numeric statistics.
    var numericCount: Int64 = 0
    /// Welford state.
    var n: Double = 0, avg: Double = 0, m2: Double = 0
    /// Rows holding the smallest and largest value (-1: none yet).
    var minRow = -1, maxRow = -1

    /// Merges `other` (the later rows) into this buffer, as Spark merges partitions.
    mutating func merge(_ other: Moments, ordering: KeyComparator) {
        count += other.count
        let (s, o) = intSum.addingReportingOverflow(other.intSum)
        if intOverflowRow == nil { intOverflowRow = o ? -1 : other.intOverflowRow }   // -1: between chunks
        intSum = s
        doubleSum += other.doubleSum
        numericCount += other.numericCount
        let newN = n + other.n
        let delta = other.avg - avg
        let deltaN = newN == 0 ? 0 : delta / newN
        let newAvg = avg + deltaN * other.n
        m2 = m2 + other.m2 + delta * deltaN * n * other.n
        avg = newAvg
        n = newN
        if other.minRow >= 0 && (minRow < 0 || ordering.compare(other.minRow, minRow) < 0) { minRow = other.minRow }
        if other.maxRow >= 0 && (maxRow < 0 || ordering.compare(other.maxRow, maxRow) > 0) { maxRow = other.maxRow }
    }

    /// Spark `avg`: null without numeric values.
    var mean: Double? { numericCount == 0 ? nil : doubleSum / Double(numericCount) }

    /// Spark `stddev`/`stddev_samp`: null for fewer than two values.
    var sampleStddev: Double? { n < 2 ? nil : (m2 / (n - 1)).squareRoot() }
}

/// Feeds rows of one column into `Moments`.
struct MomentsScanner {
    private enum Values {
        case ints([Int64]), doubles([Double]), strings(StringColumn), other
    }
    private let values: Values
    private let valid: [Bool]?
    let ordering: KeyComparator

    init(_ column: Column) {
        switch column.storage {
        case .int64(let v): values = .ints(v)
        case .double(let v): values = .doubles(v)
        case .string(let v): values = .strings(v)
        case .bool, .stringList: values = .other
        }
        valid = column.valid
        ordering = KeyComparator(column, ascending: true, nullsFirst: true)
    }

    /// Visits `rows` in order.
    func scan<S: Sequence>(_ rows: S) -> Moments where S.Element == Int {
        var m = Moments()
        for row in rows { update(&m, row) }
        return m
    }

    /// Scans fixed chunks of `0 ..< n` in parallel and merges the partial
    /// buffers in chunk order (deterministic for any thread count).
    func scanAll(_ n: Int) throws -> Moments {
        let parts = try Parallel.map(count: n) { scan($0) }
        guard var total = parts.first else { return Moments() }
        for p in parts.dropFirst() { total.merge(p, ordering: ordering) }
        return total
    }

    @inline(__always)
    private func update(_ m: inout Moments, _ row: Int) {
        if let valid, !valid[row] { return }
        m.count += 1
        if m.minRow < 0 || ordering.compare(row, m.minRow) < 0 { m.minRow = row }
        if m.maxRow < 0 || ordering.compare(row, m.maxRow) > 0 { m.maxRow = row }
        let x: Double
        switch values {
        case .ints(let v):
            let (s, o) = m.intSum.addingReportingOverflow(v[row])
            if o && m.intOverflowRow == nil { m.intOverflowRow = row }
            m.intSum = s
            x = Double(v[row])
        case .doubles(let v):
            x = v[row]
        case .strings(let s):
            guard let d = s.withBytes(row, { Casts.parseDouble($0) }) else { return }
            x = d
        case .other:
            return
        }
        m.doubleSum += x
        m.numericCount += 1
        let newN = m.n + 1
        let delta = x - m.avg
        let deltaN = delta / newN
        m.avg += deltaN
        m.m2 += delta * (delta - deltaN)
        m.n = newN
    }
}
