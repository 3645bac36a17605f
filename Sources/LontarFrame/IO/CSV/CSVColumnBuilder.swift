/// Collects one CSV column's fields as text while tracking which types every
/// non-empty field could be, then converts the column once its type is known
/// (Spark's `inferSchema`, which also decides types from all rows first).
///
/// Rules, as Spark's CSV reader with `header=true, inferSchema=true`:
/// - an empty field, quoted or not, is null (Spark's `nullValue` is "");
/// - `bigint` if every non-null field is an integer (`[+-]?[0-9]+`, fits in
///   Int64; Spark also has `int`, Lontar has one integer type);
/// - `double` if every one is an integer or a Java double (`1.5`, `1e3`, `.5`,
///   `1.`, `2d`, ` 7 ` with spaces, `NaN`, `Infinity`, Spark's `Inf`/`-Inf`);
/// - `boolean` if every one is `true` or `false` in any letter case;
/// - `string` otherwise, or if every field is null. Dates and timestamps
///   stay strings (Spark would infer them); integers too large for Int64 make
///   the column double (Spark: decimal).
struct CSVColumnBuilder: Sendable {
    static let canBeInt: UInt8 = 1
    static let canBeDouble: UInt8 = 2
    static let canBeBool: UInt8 = 4

    var text = StringColumn()
    var valid: [Bool]?
    var possible: UInt8 = canBeInt | canBeDouble | canBeBool
    var nonNull = 0

    var count: Int { text.count }

    mutating func append(_ field: UnsafeBufferPointer<UInt8>) {
        if field.isEmpty {
            if valid == nil { valid = Array(repeating: true, count: text.count) }
            valid!.append(false)
            text.appendNullPlaceholders()
            return
        }
        if possible != 0 { possible &= CSVColumnBuilder.classify(field) }
        nonNull += 1
        valid?.append(true)
        text.append(bytes: field)
    }

    mutating func append(contentsOf other: CSVColumnBuilder) {
        if valid != nil || other.valid != nil {
            if valid == nil { valid = Array(repeating: true, count: text.count) }
            valid!.append(contentsOf: other.valid ?? Array(repeating: true, count: other.count))
        }
        text.appendAllRows(of: other.text)
        if other.nonNull > 0 { possible &= other.possible }
        nonNull += other.nonNull
    }

    mutating func truncate(to n: Int) {
        guard n < count else { return }
        valid?.removeSubrange(n...)
        text.truncateRows(to: n)
        // Types stay as inferred from every row read, including the dropped ones.
    }

    mutating func reserve(rows: Int, textBytes: Int) {
        text.reserve(rows: rows, bytes: textBytes)
        valid?.reserveCapacity(rows)
    }

    /// What types `field` could be.
    static func classify(_ field: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var m: UInt8 = 0
        if parseInt64(field) != nil { m |= canBeInt | canBeDouble }
        else if parseJavaDouble(field) != nil { m |= canBeDouble }
        if isBool(field) != nil { m |= canBeBool }
        return m
    }

    /// `true`/`false` in any case, as Scala's `toBoolean`.
    static func isBool(_ f: UnsafeBufferPointer<UInt8>) -> Bool? {
        func matches(_ word: StaticString) -> Bool {
            guard f.count == word.utf8CodeUnitCount else { return false }
            for i in 0 ..< f.count where f[i] | 0x20 != word.utf8Start[i] { return false }
            return true
        }
        if matches("true") { return true }
        if matches("false") { return false }
        return nil
    }

    /// The finished column, converted to its inferred type.
    consuming func finish(name: String) -> Column {
        let n = count
        var mask = valid
        if let m = mask, !m.contains(false) { mask = nil }
        func isNull(_ i: Int) -> Bool { mask?[i] == false }
        let storage: ColumnStorage
        if nonNull == 0 {
            storage = .string(text)
        } else if possible & CSVColumnBuilder.canBeInt != 0 {
            var v = [Int64](repeating: 0, count: n)
            for i in 0 ..< n where !isNull(i) { v[i] = text.withBytes(i) { parseInt64($0) } ?? 0 }
            storage = .int64(v)
        } else if possible & CSVColumnBuilder.canBeDouble != 0 {
            var v = [Double](repeating: 0, count: n)
            for i in 0 ..< n where !isNull(i) {
                v[i] = text.withBytes(i) { parseInt64($0).map(Double.init) ?? parseJavaDouble($0) } ?? 0
            }
            storage = .double(v)
        } else if possible & CSVColumnBuilder.canBeBool != 0 {
            var v = [Bool](repeating: false, count: n)
            for i in 0 ..< n where !isNull(i) { v[i] = text.withBytes(i) { CSVColumnBuilder.isBool($0) } ?? false }
            storage = .bool(v)
        } else {
            storage = .string(text)
        }
        return Column(name: name, storage: storage, valid: mask)
    }
}
