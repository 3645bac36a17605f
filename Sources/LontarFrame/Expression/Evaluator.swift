/// Vectorised evaluation of `ColumnExpression`s, one chunk of rows at a time.

/// Everything prepared once per evaluation and shared read-only by the
/// chunks: the frame and the compiled regexes.
struct EvaluationContext {
    let frame: Frame
    private(set) var patterns: [String: JavaPattern] = [:]
    private(set) var replacements: [ReplacementKey: JavaReplacement] = [:]

    struct ReplacementKey: Hashable {
        let pattern: String
        let replacement: String
    }

    /// Type-checks `expression` and compiles its regexes.
    init(frame: Frame, expression: ColumnExpression) throws {
        self.frame = frame
        _ = try expression.resultType(in: frame)
        try prepare(expression)
    }

    private mutating func prepare(_ e: ColumnExpression) throws {
        switch e {
        case let .regexpReplace(_, p, r):
            let pattern = try compile(p)
            let key = ReplacementKey(pattern: p, replacement: r)
            if replacements[key] == nil { replacements[key] = JavaReplacement(r, for: pattern) }
        case .rlike(_, let p), .split(_, let p, _):
            _ = try compile(p)
        case .regexTokenize(_, let o):
            _ = try compile(o.pattern)
        default:
            break
        }
        for c in e.children { try prepare(c) }
    }

    private mutating func compile(_ p: String) throws -> JavaPattern {
        if let c = patterns[p] { return c }
        let c = try JavaPattern.compile(p)
        patterns[p] = c
        return c
    }
}

/// Evaluates expressions on rows `rows` of the context's frame.
struct Evaluator {
    let context: EvaluationContext
    let rows: Range<Int>

    var count: Int { rows.count }

    func evaluate(_ e: ColumnExpression) throws -> Operand {
        switch e {
        case .column(let name):
            guard let c = context.frame.column(named: name) else {
                throw FrameError.unknownColumn(name, available: context.frame.columnNames)
            }
            return .column(c, rows: rows)
        case .literal(let s):
            return .constant(s, type: s.columnType, count: count)
        case let .arithmetic(op, a, b):
            return try Arithmetic.binary(op, try evaluate(a), try evaluate(b), expression: e.description, firstRow: rows.lowerBound)
        case .negate(let a):
            return try Arithmetic.negate(try evaluate(a), expression: e.description, firstRow: rows.lowerBound)
        case .abs(let a):
            return try Arithmetic.abs(try evaluate(a), expression: e.description, firstRow: rows.lowerBound)
        case let .round(a, scale):
            return try Arithmetic.round(try evaluate(a), scale: scale, expression: e.description, firstRow: rows.lowerBound)
        case let .comparison(op, a, b):
            return Comparison.compare(op, try evaluate(a), try evaluate(b))
        case let .and(a, b):
            return Logic.and(try evaluate(a), try evaluate(b))
        case let .or(a, b):
            return Logic.or(try evaluate(a), try evaluate(b))
        case .not(let a):
            return Logic.not(try evaluate(a))
        case .isNull(let a):
            return Logic.isNull(try evaluate(a), negated: false)
        case .isNotNull(let a):
            return Logic.isNull(try evaluate(a), negated: true)
        case .length(let a):
            return StringFunctions.length(try evaluate(a))
        case .size(let a):
            if case .tokenize(let text) = a {
                return StringFunctions.tokenCounts(try evaluate(text))     // no tokens built
            }
            return StringFunctions.size(try evaluate(a))
        case .lower(let a):
            return StringFunctions.map(try evaluate(a)) { JavaCase.lower($0, into: &$1) }
        case .upper(let a):
            return StringFunctions.map(try evaluate(a)) { JavaCase.upper($0, into: &$1) }
        case .trim(let a):
            return StringFunctions.map(try evaluate(a)) { StringFunctions.trimSpaces($0, leading: true, trailing: true, into: &$1) }
        case .ltrim(let a):
            return StringFunctions.map(try evaluate(a)) { StringFunctions.trimSpaces($0, leading: true, trailing: false, into: &$1) }
        case .rtrim(let a):
            return StringFunctions.map(try evaluate(a)) { StringFunctions.trimSpaces($0, leading: false, trailing: true, into: &$1) }
        case let .regexpReplace(a, p, r):
            let kernels = RegexKernels(try pattern(p))
            guard let replacement = context.replacements[.init(pattern: p, replacement: r)] else {
                throw FrameError.invalidPattern(pattern: p, message: "internal error: replacement not prepared")
            }
            return try StringFunctions.map(try evaluate(a)) { try kernels.replaceAll($0, with: replacement, into: &$1) }
        case let .rlike(a, p):
            let kernels = RegexKernels(try pattern(p))
            return StringFunctions.predicate(try evaluate(a)) { kernels.matches($0) }
        case let .contains(a, b):
            return StringFunctions.predicate(try evaluate(a), try evaluate(b), StringFunctions.contains)
        case let .startsWith(a, b):
            return StringFunctions.predicate(try evaluate(a), try evaluate(b), StringFunctions.startsWith)
        case let .endsWith(a, b):
            return StringFunctions.predicate(try evaluate(a), try evaluate(b), StringFunctions.endsWith)
        case let .split(a, p, limit):
            let kernels = RegexKernels(try pattern(p))
            return StringFunctions.mapToList(try evaluate(a)) { text, out in
                SparkSplit.split(text, kernels: kernels, limit: limit, into: &out)
            }
        case .concat(let args):
            let parts = try args.map { arg -> Operand in
                let v = try evaluate(arg)
                return v.type == .string || v.type == nil ? v : try Casts.cast(v, to: .string, expression: arg.description, firstRow: rows.lowerBound)
            }
            return StringFunctions.concat(parts, count: count)
        case let .cast(a, type):
            return try Casts.cast(try evaluate(a), to: type, expression: e.description, firstRow: rows.lowerBound)
        case .coalesce(let args):
            let type = try e.resultType(in: context.frame)
            return try Logic.coalesce(try args.map { try evaluate($0) }, type: type, count: count,
                                      expression: e.description, firstRow: rows.lowerBound)
        case .tokenize(let a):
            var scratch: [UInt8] = []
            return StringFunctions.mapToList(try evaluate(a)) { text, out in
                SparkTokenizer.tokenize(text, into: &out, scratch: &scratch)
            }
        case let .regexTokenize(a, options):
            let kernels = RegexKernels(try pattern(options.pattern))
            var scratch: [UInt8] = []
            return StringFunctions.mapToList(try evaluate(a)) { text, out in
                SparkRegexTokenizer.tokenize(text, options: options, kernels: kernels, scratch: &scratch, into: &out)
            }
        }
    }

    private func pattern(_ p: String) throws -> JavaPattern {
        guard let c = context.patterns[p] else {
            throw FrameError.invalidPattern(pattern: p, message: "internal error: pattern not prepared")
        }
        return c
    }
}

extension Frame {
    /// Evaluates `expression` on every row, in parallel over row chunks, and
    /// returns the resulting column, named `name` (default: the expression's
    /// Spark-style name, e.g. `lower(text)`).
    ///
    /// Throws for unknown columns, type mismatches and bad regexes before
    /// evaluating anything, and for runtime errors (overflow, division by zero,
    /// malformed casts) with the first failing row.
    public func evaluate(_ expression: ColumnExpression, as name: String? = nil) throws -> Column {
        try evaluate(expression, as: name, rowsConsumed: { _ in })
    }

    /// `evaluate`, telling `rowsConsumed` after each chunk how many leading
    /// rows are done (in order), so a caller can release their inputs.
    func evaluate(_ expression: ColumnExpression, as name: String?, rowsConsumed: (Int) -> Void) throws -> Column {
        let name = name ?? expression.description
        let type = try expression.resultType(in: self)
        if case .column(let source) = expression, var c = column(named: source) {
            c.name = name              // a plain reference shares the storage
            return c
        }
        let context = try EvaluationContext(frame: self, expression: expression)
        let count = columns.isEmpty ? 0 : rowCount
        if count == 0 { return Column(name: name, storage: .empty(type ?? .string)) }
        // Chunks are appended in order as they finish and then released, so the
        // result is built without holding a second full-size copy. A string
        // result is expected to be about as large as the string it is made from.
        let resultType = type ?? .string
        var hint = 0
        if resultType == .string, let source = expression.referencedColumns.lazy.compactMap({ self.column(named: $0) }).first,
           case .string(let s) = source.storage {
            hint = s.bytes.count
        }
        var appender = ColumnAppender(type: resultType, rows: count, bytes: hint)
        var rowsDone = 0
        try Parallel.mapInOrder(count: count) { rows in
            try Evaluator(context: context, rows: rows).evaluate(expression).materialize(type: resultType)
        } consume: { piece in
            appender.append(piece)
            rowsDone += piece.count
            rowsConsumed(rowsDone)
        }
        return appender.finish(name: name)
    }
}

extension Operand {
    /// The rows as an independent column (constants broadcast).
    func materialize(type: ColumnType) -> Column {
        switch self {
        case let .column(c, rows):
            if rows == 0 ..< c.count { return c }
            return c.slice(rows)
        case let .constant(s, _, n):
            switch s {
            case .null: return Column.nulls(name: "", type: type, count: n)
            case .int(let v): return Column(name: "", storage: .int64([Int64](repeating: v, count: n)))
            case .double(let v): return Column(name: "", storage: .double([Double](repeating: v, count: n)))
            case .bool(let v): return Column(name: "", storage: .bool([Bool](repeating: v, count: n)))
            case .string(let v):
                var sc = StringColumn()
                sc.reserve(rows: n, bytes: v.utf8.count * n)
                for _ in 0 ..< n { sc.append(v) }
                return Column(name: "", storage: .string(sc))
            case .list:
                guard let (l, rows) = lists() else { return Column.nulls(name: "", type: type, count: n) }
                return Column(name: "", storage: .stringList(l.slice(rows)))
            }
        }
    }
}
