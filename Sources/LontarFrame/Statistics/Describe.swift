/// Spark's `describe()` and `summary()`: statistics as a frame of strings,
/// one row per statistic (`summary` column) and one column per input column.
extension Frame {
    /// Spark `describe(cols…)`: `count`, `mean`, `stddev` (sample), `min`,
    /// `max` for every numeric and string column (all of them when `columns`
    /// is empty; boolean and array columns are skipped, as in Spark).
    ///
    /// Cells are strings formatted as Spark formats them: counts and bigint
    /// min/max as integers, means and deviations with Java's
    /// `Double.toString` (`282.37`, `1.0E7`), string min/max by UTF-8 byte
    /// order; the mean and stddev of a string column are those of its values
    /// cast to double (null when none parses).
    public func describe(_ columns: [String] = []) throws -> Frame {
        try summary(["count", "mean", "stddev", "min", "max"], columns: columns)
    }

    /// Spark `summary(statistics…)`: by default `count`, `mean`, `stddev`,
    /// `min`, `25%`, `50%`, `75%`, `max`. Also accepted: any `NN%` (or
    /// `NN.N%`) percentile, `count_distinct`, and — a Lontar extension Spark
    /// lacks — `sum`.
    ///
    /// Percentiles are exact: the smallest value whose rank is at least
    /// `ceil(p · n)` (Spark's `percentile_approx` with its default accuracy
    /// returns exactly this on data of up to a few thousand rows; on larger
    /// data Spark's answer may deviate by up to n/10000 ranks).
    public func summary(_ statistics: [String] = ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"],
                        columns names: [String] = []) throws -> Frame {
        let chosen = try (names.isEmpty ? columnNames : names).map { try requireColumn($0) }
            .filter { $0.type.isNumeric || $0.type == .string }
        let parsed = try statistics.map(SummaryStatistic.init)
        var out: [Column] = [Column(name: "summary", storage: .string(StringColumn(statistics)))]
        for c in chosen {
            let moments = try MomentsScanner(c).scanAll(count())
            var percentileValues: [Double]? = nil
            var percentileInts: [Int64]? = nil
            var cells: [String?] = []
            for s in parsed {
                switch s {
                case .count: cells.append(String(moments.count))
                case .mean: cells.append(moments.mean.map(JavaDouble.string))
                case .stddev: cells.append(moments.sampleStddev.map(JavaDouble.string))
                case .min: cells.append(moments.minRow < 0 ? nil : Self.sparkString(c, moments.minRow))
                case .max: cells.append(moments.maxRow < 0 ? nil : Self.sparkString(c, moments.maxRow))
                case .sum:
                    if moments.numericCount == 0 { cells.append(nil); break }
                    if c.type == .int64 {
                        if moments.intOverflowRow != nil { throw FrameError.overflow(expression: "sum(\(c.name))", row: -1) }
                        cells.append(String(moments.intSum))
                    } else {
                        cells.append(JavaDouble.string(moments.doubleSum))
                    }
                case .countDistinct:
                    let groups = try RowGroups(keys: [c], rowCount: count())
                    let hasNull = c.valid?.contains(false) ?? false
                    cells.append(String(groups.groupCount - (hasNull ? 1 : 0)))
                case .percentile(let p):
                    if case .int64(let v) = c.storage {
                        // Exact bigints (a trip through double would round large ones).
                        if percentileInts == nil {
                            percentileInts = (0 ..< v.count).filter { !c.isNull($0) }.map { v[$0] }.sorted()
                        }
                        let ints = percentileInts!
                        guard !ints.isEmpty else { cells.append(nil); break }
                        cells.append(String(ints[Self.percentileRank(ints.count, p)]))
                        break
                    }
                    if percentileValues == nil { percentileValues = Self.sortedNumericValues(c) }
                    let values = percentileValues!
                    guard !values.isEmpty else { cells.append(nil); break }
                    cells.append(JavaDouble.string(values[Self.percentileRank(values.count, p)]))
                }
            }
            var sc = StringColumn()
            for cell in cells { sc.append(cell ?? "") }
            out.append(Column(name: c.name, storage: .string(sc), valid: Column.normalized(cells.map { $0 != nil })))
        }
        return try Frame(columns: out)
    }

    /// Spark's `cast(value as string)` of one cell.
    static func sparkString(_ c: Column, _ row: Int) -> String {
        switch c.storage {
        case .int64(let v): String(v[row])
        case .double(let v): JavaDouble.string(v[row])
        case .bool(let v): v[row] ? "true" : "false"
        case .string(let s): s[row]
        case .stringList(let l): "[" + l[row].joined(separator: ", ") + "]"
        }
    }

    /// The non-null values as doubles (strings parsed leniently), in Spark's order.
    static func sortedNumericValues(_ c: Column) -> [Double] {
        var values: [Double] = []
        switch c.storage {
        case .int64(let v): for i in 0 ..< v.count where !c.isNull(i) { values.append(Double(v[i])) }
        case .double(let v): for i in 0 ..< v.count where !c.isNull(i) { values.append(v[i]) }
        case .string(let s):
            for i in 0 ..< s.count where !c.isNull(i) {
                if let d = s.withBytes(i, { Casts.parseDouble($0) }) { values.append(d) }
            }
        default: break
        }
        values.sort { Comparison.compareDoubles($0, $1) < 0 }
        return values
    }

    /// Spark's percentile rule on exact data, as an index into `n` sorted
    /// values: `p ≤ 1e-4` is the minimum, `p ≥ 1 - 1e-4` the maximum,
    /// otherwise the value of rank `ceil(p · n)`.
    static func percentileRank(_ n: Int, _ p: Double) -> Int {
        let relativeError = 1.0 / 10_000
        if p <= relativeError { return 0 }
        if p >= 1 - relativeError { return n - 1 }
        let rank = Int((p * Double(n)).rounded(.up))
        return Swift.min(Swift.max(rank, 1), n) - 1
    }
}

/// One statistic name of `summary`.
enum SummaryStatistic {
    case count, mean, stddev, min, max, sum, countDistinct
    case percentile(Double)

    init(_ name: String) throws {
        switch name.lowercased() {
        case "count": self = .count
        case "mean", "avg": self = .mean
        case "stddev", "std": self = .stddev
        case "min": self = .min
        case "max": self = .max
        case "sum": self = .sum
        case "count_distinct": self = .countDistinct
        default:
            if name.hasSuffix("%"), let v = Double(name.dropLast()), v >= 0, v <= 100 {
                self = .percentile(v / 100)
            } else {
                throw FrameError.invalidArgument("unknown statistic '\(name)'; use count, mean, stddev, min, max, sum, count_distinct or a percentile such as 25%")
            }
        }
    }
}
