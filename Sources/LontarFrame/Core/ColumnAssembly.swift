/// Building columns from pieces: concatenating chunk results, slicing, and
/// gathering rows by index (the primitive behind filter, sort, sample, limit).

extension StringColumn {
    /// Joins columns end to end (e.g. the per-chunk results of a string function).
    public static func concatenate(_ parts: [StringColumn]) -> StringColumn {
        if parts.count == 1 { return parts[0] }
        var out = StringColumn()
        out.reserve(rows: parts.reduce(0) { $0 + $1.count }, bytes: parts.reduce(0) { $0 + $1.bytes.count })
        for p in parts {
            let base = out.bytes.count
            out.bytes.append(contentsOf: p.bytes)
            out.offsets.append(contentsOf: p.offsets.dropFirst().lazy.map { $0 + base })
        }
        return out
    }

    /// Rows `rows` as a new column.
    public func slice(_ rows: Range<Int>) -> StringColumn {
        let lo = offsets[rows.lowerBound], hi = offsets[rows.upperBound]
        return StringColumn(bytes: Array(bytes[lo ..< hi]),
                            offsets: offsets[rows.lowerBound ... rows.upperBound].map { $0 - lo })
    }

    /// The rows at `indices`, in that order. Byte copies run in parallel into
    /// one preallocated buffer, so no row is copied twice.
    public func gather(_ indices: [Int]) -> StringColumn {
        var newOffsets = [Int](repeating: 0, count: indices.count + 1)
        var total = 0
        for (k, i) in indices.enumerated() {
            total += offsets[i + 1] - offsets[i]
            newOffsets[k + 1] = total
        }
        let newBytes = [UInt8](unsafeUninitializedCapacity: total) { dst, initialized in
            bytes.withUnsafeBufferPointer { src in
                try? Parallel.forEach(count: indices.count) { chunk in
                    for k in chunk {
                        let i = indices[k]
                        let n = offsets[i + 1] - offsets[i]
                        if n > 0 {
                            (dst.baseAddress! + newOffsets[k]).update(from: src.baseAddress! + offsets[i], count: n)
                        }
                    }
                }
            }
            initialized = total
        }
        return StringColumn(bytes: newBytes, offsets: newOffsets)
    }
}

extension StringListColumn {
    public static func concatenate(_ parts: [StringListColumn]) -> StringListColumn {
        if parts.count == 1 { return parts[0] }
        var rowOffsets = [0]
        rowOffsets.reserveCapacity(parts.reduce(1) { $0 + $1.count })
        for p in parts {
            let base = rowOffsets.last!
            rowOffsets.append(contentsOf: p.rowOffsets.dropFirst().lazy.map { $0 + base })
        }
        return StringListColumn(elements: StringColumn.concatenate(parts.map(\.elements)), rowOffsets: rowOffsets)
    }

    public func slice(_ rows: Range<Int>) -> StringListColumn {
        let lo = rowOffsets[rows.lowerBound], hi = rowOffsets[rows.upperBound]
        return StringListColumn(elements: elements.slice(lo ..< hi),
                                rowOffsets: rowOffsets[rows.lowerBound ... rows.upperBound].map { $0 - lo })
    }

    public func gather(_ indices: [Int]) -> StringListColumn {
        var elementIndices: [Int] = []
        var newOffsets = [0]
        newOffsets.reserveCapacity(indices.count + 1)
        for i in indices {
            elementIndices.append(contentsOf: rowOffsets[i] ..< rowOffsets[i + 1])
            newOffsets.append(elementIndices.count)
        }
        return StringListColumn(elements: elements.gather(elementIndices), rowOffsets: newOffsets)
    }
}

extension ColumnStorage {
    /// The same kind of storage with no rows.
    func emptyLike() -> ColumnStorage {
        switch self {
        case .int64: .int64([])
        case .double: .double([])
        case .bool: .bool([])
        case .string: .string(StringColumn())
        case .stringList: .stringList(StringListColumn())
        }
    }

    /// Empty storage of a logical type.
    static func empty(_ type: ColumnType) -> ColumnStorage {
        switch type {
        case .int64: .int64([])
        case .double: .double([])
        case .bool: .bool([])
        case .string: .string(StringColumn())
        case .stringList: .stringList(StringListColumn())
        }
    }

    func slice(_ rows: Range<Int>) -> ColumnStorage {
        switch self {
        case .int64(let v): .int64(Array(v[rows]))
        case .double(let v): .double(Array(v[rows]))
        case .bool(let v): .bool(Array(v[rows]))
        case .string(let v): .string(v.slice(rows))
        case .stringList(let v): .stringList(v.slice(rows))
        }
    }

    func gather(_ indices: [Int]) -> ColumnStorage {
        switch self {
        case .int64(let v): .int64(indices.map { v[$0] })
        case .double(let v): .double(indices.map { v[$0] })
        case .bool(let v): .bool(indices.map { v[$0] })
        case .string(let v): .string(v.gather(indices))
        case .stringList(let v): .stringList(v.gather(indices))
        }
    }

    /// Joins storages of one kind end to end. `parts` must be non-empty and
    /// of one kind (the evaluator guarantees it).
    static func concatenate(_ parts: [ColumnStorage]) -> ColumnStorage {
        guard let first = parts.first else { return .int64([]) }
        if parts.count == 1 { return first }
        var ints: [Int64] = [], doubles: [Double] = [], bools: [Bool] = []
        var strings: [StringColumn] = [], lists: [StringListColumn] = []
        for p in parts {
            switch p {
            case .int64(let v): ints.append(contentsOf: v)
            case .double(let v): doubles.append(contentsOf: v)
            case .bool(let v): bools.append(contentsOf: v)
            case .string(let v): strings.append(v)
            case .stringList(let v): lists.append(v)
            }
        }
        switch first {
        case .int64: return .int64(ints)
        case .double: return .double(doubles)
        case .bool: return .bool(bools)
        case .string: return .string(StringColumn.concatenate(strings))
        case .stringList: return .stringList(StringListColumn.concatenate(lists))
        }
    }
}

extension Column {
    /// Rows `rows` of this column, same name.
    public func slice(_ rows: Range<Int>) -> Column {
        Column(name: name, storage: storage.slice(rows), valid: valid.map { Array($0[rows]) })
    }

    /// The rows at `indices`, in that order, same name.
    public func gather(_ indices: [Int]) -> Column {
        Column(name: name, storage: storage.gather(indices),
               valid: valid.map { v in Column.normalized(indices.map { v[$0] }) } ?? nil)
    }

    /// Joins columns of one type end to end under `name`.
    static func concatenate(_ parts: [Column], name: String) -> Column {
        let storage = ColumnStorage.concatenate(parts.map(\.storage))
        var valid: [Bool]? = nil
        if parts.contains(where: { $0.valid != nil }) {
            var v: [Bool] = []
            v.reserveCapacity(storage.count)
            for p in parts { v.append(contentsOf: p.valid ?? [Bool](repeating: true, count: p.count)) }
            valid = v
        }
        return Column(name: name, storage: storage, valid: valid)
    }

    /// A validity mask with no nulls is stored as `nil`.
    static func normalized(_ valid: [Bool]?) -> [Bool]? {
        guard let valid, valid.contains(false) else { return nil }
        return valid
    }

    /// A column of `count` nulls of `type`.
    static func nulls(name: String, type: ColumnType, count: Int) -> Column {
        let storage: ColumnStorage
        switch type {
        case .int64: storage = .int64([Int64](repeating: 0, count: count))
        case .double: storage = .double([Double](repeating: 0, count: count))
        case .bool: storage = .bool([Bool](repeating: false, count: count))
        case .string: storage = .string(StringColumn(bytes: [], offsets: [Int](repeating: 0, count: count + 1)))
        case .stringList: storage = .stringList(StringListColumn(elements: StringColumn(), rowOffsets: [Int](repeating: 0, count: count + 1)))
        }
        return Column(name: name, storage: storage, valid: count == 0 ? nil : [Bool](repeating: false, count: count))
    }
}

/// Builds one column from consecutive pieces (chunk results), appending each
/// piece as it arrives so that the pieces can be released one by one. One
/// stored array per kind keeps the growing buffer uniquely referenced, so it
/// grows in place.
struct ColumnAppender {
    private let type: ColumnType
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var strings = StringColumn()
    private var elements = StringColumn()
    private var rowOffsets = [0]
    private var valid: [Bool]? = nil
    private var count = 0

    /// `rows`/`bytes`: expected final size (a capacity hint, may be 0).
    init(type: ColumnType, rows: Int, bytes: Int) {
        self.type = type
        switch type {
        case .int64: ints.reserveCapacity(rows)
        case .double: doubles.reserveCapacity(rows)
        case .bool: bools.reserveCapacity(rows)
        case .string: strings.reserve(rows: rows, bytes: bytes)
        case .stringList: break
        }
    }

    mutating func append(_ piece: Column) {
        if let v = piece.valid {
            if valid == nil { valid = [Bool](repeating: true, count: count) }
            valid!.append(contentsOf: v)
        } else if valid != nil {
            valid!.append(contentsOf: repeatElement(true, count: piece.count))
        }
        count += piece.count
        switch piece.storage {
        case .int64(let b): ints.append(contentsOf: b)
        case .double(let b): doubles.append(contentsOf: b)
        case .bool(let b): bools.append(contentsOf: b)
        case .string(let b):
            let base = strings.bytes.count
            strings.bytes.append(contentsOf: b.bytes)
            strings.offsets.append(contentsOf: b.offsets.dropFirst().lazy.map { $0 + base })
        case .stringList(let b):
            let base = elements.count
            let byteBase = elements.bytes.count
            elements.bytes.append(contentsOf: b.elements.bytes)
            elements.offsets.append(contentsOf: b.elements.offsets.dropFirst().lazy.map { $0 + byteBase })
            rowOffsets.append(contentsOf: b.rowOffsets.dropFirst().lazy.map { $0 + base })
        }
    }

    func finish(name: String) -> Column {
        let storage: ColumnStorage
        switch type {
        case .int64: storage = .int64(ints)
        case .double: storage = .double(doubles)
        case .bool: storage = .bool(bools)
        case .string: storage = .string(strings)
        case .stringList: storage = .stringList(StringListColumn(elements: elements, rowOffsets: rowOffsets))
        }
        return Column(name: name, storage: storage, valid: Column.normalized(valid))
    }
}
