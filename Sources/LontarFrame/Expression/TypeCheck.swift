/// Static checking of expressions against a frame's schema, so that errors
/// (unknown columns, wrong types) are reported once, with names, before any
/// row is evaluated.
extension ColumnExpression {
    /// The type of this expression's values on `frame` (`nil` only for an
    /// untyped null). Throws `FrameError.unknownColumn` (listing the columns and
    /// the closest names) or `FrameError.typeMismatch`.
    public func resultType(in frame: Frame) throws -> ColumnType? {
        try resultType { name in
            guard let c = frame.column(named: name) else {
                throw FrameError.unknownColumn(name, available: frame.columnNames)
            }
            return c.type
        }
    }

    func resultType(_ lookup: (String) throws -> ColumnType) throws -> ColumnType? {
        func type(_ e: ColumnExpression) throws -> ColumnType? { try e.resultType(lookup) }
        func require(_ e: ColumnExpression, _ ok: (ColumnType) -> Bool, _ expected: String) throws -> ColumnType? {
            let t = try type(e)
            if let t, !ok(t) { throw FrameError.typeMismatch(column: e.description, expected: expected, actual: t) }
            return t
        }
        func string(_ e: ColumnExpression) throws { _ = try require(e, { $0 == .string }, "string") }
        func numeric(_ e: ColumnExpression) throws -> ColumnType? { try require(e, \.isNumeric, "a number") }

        switch self {
        case .column(let name):
            return try lookup(name)
        case .literal(let s):
            return s.columnType
        case let .arithmetic(op, a, b):
            let ta = try numeric(a), tb = try numeric(b)
            if op == .divide { return .double }
            if ta == .double || tb == .double { return .double }
            return ta == nil && tb == nil ? nil : .int64
        case .negate(let a), .abs(let a), .round(let a, _):
            return try numeric(a)
        case let .comparison(_, a, b):
            let ta = try type(a), tb = try type(b)
            if let ta, let tb, !(ta.isNumeric && tb.isNumeric), ta != tb || ta == .stringList {
                throw FrameError.typeMismatch(column: b.description, expected: "\(ta) to compare with \(a)", actual: tb)
            }
            return .bool
        case let .and(a, b), let .or(a, b):
            _ = try require(a, { $0 == .bool }, "boolean")
            _ = try require(b, { $0 == .bool }, "boolean")
            return .bool
        case .not(let a):
            _ = try require(a, { $0 == .bool }, "boolean")
            return .bool
        case .isNull(let a), .isNotNull(let a):
            _ = try type(a)
            return .bool
        case .length(let a):
            try string(a)
            return .int64
        case .size(let a):
            _ = try require(a, { $0 == .stringList }, "array<string>")
            return .int64
        case .lower(let a), .upper(let a), .trim(let a), .ltrim(let a), .rtrim(let a), .regexpReplace(let a, _, _):
            try string(a)
            return .string
        case .rlike(let a, _):
            try string(a)
            return .bool
        case let .contains(a, b), let .startsWith(a, b), let .endsWith(a, b):
            try string(a); try string(b)
            return .bool
        case .split(let a, _, _), .tokenize(let a), .regexTokenize(let a, _):
            try string(a)
            return .stringList
        case .concat(let args):
            for a in args { _ = try require(a, { $0 != .stringList }, "a string, number or boolean") }
            return .string
        case let .cast(a, target):
            let t = try type(a)
            if let t, t == .stringList && target != .string || t != .stringList && target == .stringList {
                throw FrameError.typeMismatch(column: a.description, expected: "a type that can be cast to \(target)", actual: t)
            }
            return target
        case .coalesce(let args):
            var result: ColumnType? = nil
            for a in args {
                guard let t = try type(a) else { continue }
                guard let r = result else { result = t; continue }
                if r == t { continue }
                if r.isNumeric && t.isNumeric { result = .double; continue }
                throw FrameError.typeMismatch(column: a.description, expected: "\(r) like the other coalesce arguments", actual: t)
            }
            return result
        }
    }
}

extension Scalar {
    /// The column type of a literal (`nil` for null; a list is `array<string>`).
    public var columnType: ColumnType? {
        switch self {
        case .null: nil
        case .int: .int64
        case .double: .double
        case .bool: .bool
        case .string: .string
        case .list: .stringList
        }
    }
}
