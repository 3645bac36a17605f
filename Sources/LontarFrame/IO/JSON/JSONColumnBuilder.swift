/// Builds one column of a JSON Lines file while inferring its type the way
/// Spark's `spark.read.json` does:
///
/// - a column whose values are all null (or missing) is a string column of nulls;
/// - integers that fit in Int64 make a `bigint` column; integers and
///   non-integers together make `double` (Spark: `LongType` ∪ `DoubleType`);
/// - `true`/`false` make a `boolean` column;
/// - anything else — strings, objects, arrays, or a mix of kinds — makes a
///   `string` column. Strings are their decoded text; every other value is its
///   JSON text exactly as written in the file (`1.50` stays `1.50`, an object
///   keeps its spacing), as Spark does.
///
/// Types only widen, so blocks parsed on different threads merge in any
/// order to the same result. To turn numbers back into their text when a
/// column widens to string, the builder keeps each double's text and
/// remembers which integers were written `-0` (every other integer's text is
/// its canonical decimal, because JSON forbids leading zeros and `+`).
struct JSONColumnBuilder {
    enum Kind: UInt8 {
        case null, int, double, bool, string

        /// The narrowest kind that holds both.
        func joined(with other: Kind) -> Kind {
            if self == other { return self }
            if self == .null { return other }
            if other == .null { return self }
            if (self == .int && other == .double) || (self == .double && other == .int) { return .double }
            return .string
        }
    }

    let name: String
    let key: [UInt8]
    /// False for columns the caller did not ask for: they are parsed (to keep
    /// the record checked) but not stored.
    let selected: Bool

    private(set) var kind: Kind = .null
    private(set) var count = 0
    /// Validity for kinds other than `.null`; nil while there is no null.
    private var valid: [Bool]?
    private var ints: [Int64] = []
    private var negativeZeroRows: [Int] = []
    private var doubles: [Double] = []
    private var doubleText = StringColumn()
    private var bools: [Bool] = []
    /// The text of a `.string` column. The parser decodes strings straight
    /// into `strings.bytes` (then calls `commitText` or `dropText`), so the
    /// bulk of a file is copied once fewer.
    var strings = StringColumn()

    init(name: String, key: [UInt8], selected: Bool, nulls: Int = 0) {
        self.name = name
        self.key = key
        self.selected = selected
        count = nulls
    }

    // MARK: Appending one value

    mutating func appendNull() {
        appendNulls(1)
    }

    mutating func appendNulls(_ n: Int) {
        guard n > 0 else { return }
        if kind == .null || !selected { count += n; return }
        if valid == nil { valid = Array(repeating: true, count: count) }
        valid!.append(contentsOf: repeatElement(false, count: n))
        appendPlaceholders(n)
        count += n
    }

    mutating func appendInt(_ v: Int64, negativeZero: Bool) {
        guard selected else { count += 1; return }
        switch kind {
        case .null: widen(to: .int); fallthrough
        case .int:
            if negativeZero { negativeZeroRows.append(count) }
            ints.append(v)
        case .double:
            doubles.append(Double(v))
            appendIntText(v, negativeZero: negativeZero, to: &doubleText)
        case .bool:
            widen(to: .string); fallthrough
        case .string:
            appendIntText(v, negativeZero: negativeZero, to: &strings)
        }
        valid?.append(true)
        count += 1
    }

    mutating func appendDouble(_ v: Double, text: UnsafeBufferPointer<UInt8>) {
        guard selected else { count += 1; return }
        switch kind {
        case .null, .int: widen(to: .double); fallthrough
        case .double:
            doubles.append(v)
            doubleText.append(bytes: text)
        case .bool:
            widen(to: .string); fallthrough
        case .string:
            strings.append(bytes: text)
        }
        valid?.append(true)
        count += 1
    }

    mutating func appendBool(_ v: Bool) {
        guard selected else { count += 1; return }
        switch kind {
        case .null: widen(to: .bool); fallthrough
        case .bool: bools.append(v)
        case .int, .double: widen(to: .string); fallthrough
        case .string: strings.append(v ? "true" : "false")
        }
        valid?.append(true)
        count += 1
    }

    /// Appends text (a decoded string, or a value's JSON text).
    mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) {
        guard selected else { count += 1; return }
        if kind != .string { widen(to: .string) }
        strings.append(bytes: text)
        valid?.append(true)
        count += 1
    }

    /// Ends a string the parser decoded into `strings.bytes` (kind `.string`).
    mutating func commitText() {
        strings.offsets.append(strings.bytes.count)
        valid?.append(true)
        count += 1
    }

    /// Drops bytes decoded into `strings.bytes` for a record that turned out malformed.
    mutating func dropText(from start: Int) {
        strings.bytes.removeSubrange(start...)
    }

    /// Whether strings can be decoded straight into this column.
    var takesTextDirectly: Bool { selected && kind == .string }

    /// Empties the column but keeps its buffers, to parse the next block into.
    mutating func reset() {
        kind = .null
        count = 0
        valid = nil
        ints.removeAll(keepingCapacity: true)
        negativeZeroRows.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        doubleText.bytes.removeAll(keepingCapacity: true)
        doubleText.offsets.removeAll(keepingCapacity: true)
        doubleText.offsets.append(0)
        bools.removeAll(keepingCapacity: true)
        strings.bytes.removeAll(keepingCapacity: true)
        strings.offsets.removeAll(keepingCapacity: true)
        strings.offsets.append(0)
    }

    // MARK: Merging

    /// Appends every row of `other` (the same column from the next block).
    mutating func append(contentsOf other: consuming JSONColumnBuilder) {
        guard selected else { count += other.count; return }
        let target = kind.joined(with: other.kind)
        if target == .null { count += other.count; return }
        widen(to: target)
        other.widen(to: target)
        if valid != nil || other.valid != nil {
            if valid == nil { valid = Array(repeating: true, count: count) }
            valid!.append(contentsOf: other.valid ?? Array(repeating: true, count: other.count))
        }
        switch target {
        case .null: break
        case .int:
            negativeZeroRows.append(contentsOf: other.negativeZeroRows.map { $0 + count })
            ints.append(contentsOf: other.ints)
        case .double:
            doubles.append(contentsOf: other.doubles)
            doubleText.appendAllRows(of: other.doubleText)
        case .bool:
            bools.append(contentsOf: other.bools)
        case .string:
            strings.appendAllRows(of: other.strings)
        }
        count += other.count
    }

    /// Reserves room for about `rows` rows and `textBytes` bytes of text, so a
    /// large read does not double (and copy) its biggest buffers as it grows.
    mutating func reserve(rows: Int, textBytes: Int) {
        guard selected else { return }
        valid?.reserveCapacity(rows)
        switch kind {
        case .null: break
        case .int: ints.reserveCapacity(rows)
        case .double: doubles.reserveCapacity(rows)
        case .bool: bools.reserveCapacity(rows)
        case .string: strings.reserve(rows: rows, bytes: textBytes)
        }
    }

    /// Bytes of text held (to estimate a whole file's from its first blocks).
    var textBytes: Int { kind == .string ? strings.bytes.count : 0 }

    /// Keeps only the first `n` rows.
    mutating func truncate(to n: Int) {
        guard n < count else { return }
        count = n
        guard selected else { return }
        valid?.removeSubrange(n...)
        switch kind {
        case .null: break
        case .int:
            ints.removeSubrange(n...)
            negativeZeroRows.removeAll { $0 >= n }
        case .double:
            doubles.removeSubrange(n...)
            doubleText.truncateRows(to: n)
        case .bool: bools.removeSubrange(n...)
        case .string: strings.truncateRows(to: n)
        }
    }

    // MARK: Finishing

    /// The finished column. A column that only ever held nulls is a string
    /// column of nulls, as in Spark.
    consuming func finish() -> Column {
        let storage: ColumnStorage
        var mask = valid
        switch kind {
        case .null:
            storage = .string(StringColumn(bytes: [], offsets: Array(repeating: 0, count: count + 1)))
            mask = count > 0 ? Array(repeating: false, count: count) : nil
        case .int: storage = .int64(ints)
        case .double: storage = .double(doubles)
        case .bool: storage = .bool(bools)
        case .string: storage = .string(strings)
        }
        if let m = mask, !m.contains(false) { mask = nil }
        return Column(name: name, storage: storage, valid: mask)
    }

    // MARK: Widening

    /// Converts the stored rows to `target`, a kind at least as wide.
    private mutating func widen(to target: Kind) {
        guard target != kind else { return }
        let n = count
        switch (kind, target) {
        case (.null, _):
            if n > 0 { valid = Array(repeating: false, count: n) }
            kind = target
            appendPlaceholders(n)
            return
        case (.int, .double):
            doubles = ints.map(Double.init)
            doubleText = StringColumn()
            doubleText.reserve(rows: n, bytes: n * 4)
            var z = negativeZeroRows.makeIterator()
            var nextZero = z.next()
            for i in 0 ..< n {
                if valid?[i] == false { doubleText.appendNullPlaceholders(); continue }
                let isZero = nextZero == i
                if isZero { nextZero = z.next() }
                appendIntText(ints[i], negativeZero: isZero, to: &doubleText)
            }
            ints = []
            negativeZeroRows = []
        case (_, .string):
            var text = StringColumn()
            switch kind {
            case .int:
                text.reserve(rows: n, bytes: n * 4)
                var z = negativeZeroRows.makeIterator()
                var nextZero = z.next()
                for i in 0 ..< n {
                    if valid?[i] == false { text.appendNullPlaceholders(); continue }
                    let isZero = nextZero == i
                    if isZero { nextZero = z.next() }
                    appendIntText(ints[i], negativeZero: isZero, to: &text)
                }
            case .double:
                text = doubleText
            case .bool:
                for i in 0 ..< n {
                    if valid?[i] == false { text.appendNullPlaceholders() } else { text.append(bools[i] ? "true" : "false") }
                }
            default: break
            }
            ints = []; negativeZeroRows = []; doubles = []; doubleText = StringColumn(); bools = []
            strings = text
        default:
            assertionFailure("cannot widen \(kind) to \(target)")
        }
        kind = target
    }

    /// Appends `n` placeholder values behind nulls.
    private mutating func appendPlaceholders(_ n: Int) {
        switch kind {
        case .null: break
        case .int: ints.append(contentsOf: repeatElement(0, count: n))
        case .double:
            doubles.append(contentsOf: repeatElement(0, count: n))
            doubleText.appendNullPlaceholders(n)
        case .bool: bools.append(contentsOf: repeatElement(false, count: n))
        case .string: strings.appendNullPlaceholders(n)
        }
    }

    private func appendIntText(_ v: Int64, negativeZero: Bool, to column: inout StringColumn) {
        if negativeZero {
            column.bytes.append(0x2D)
            column.bytes.append(0x30)
        } else {
            appendDecimal(v, to: &column.bytes)
        }
        column.offsets.append(column.bytes.count)
    }
}
