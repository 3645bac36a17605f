/// An expression over a frame's columns, evaluated vectorised (a chunk of
/// rows at a time) with Spark SQL's semantics: for filters (`Frame.filter`),
/// derived columns (`Frame.withColumn`) and projections (`Frame.select`).
///
/// Nulls propagate through operators and functions; `and`/`or` use
/// three-valued logic; integer arithmetic is checked (Spark 4's default ANSI
/// mode: overflow, division by zero and invalid casts are errors, not nulls).
///
/// Build expressions with the cases directly, with the helpers (`.col("x")`,
/// `.lit(3)`, `a + b`, `a.lessThan(b)`, `!a`) or by Spark function name with
/// `ColumnExpression.call(_:_:)`.
public indirect enum ColumnExpression: Sendable, Hashable, CustomStringConvertible {
    /// A column of the frame, by name.
    case column(String)
    /// A constant (`.null` is the untyped null literal).
    case literal(Scalar)
    /// `+ - * / %`: bigint for two bigints (except `/`, always double), else double.
    case arithmetic(ArithmeticOperator, ColumnExpression, ColumnExpression)
    /// Unary minus.
    case negate(ColumnExpression)
    /// `= != < <= > >=` and the null-safe `<=>`; numbers compare as numbers
    /// (NaN equals NaN and is larger than everything, as in Spark), strings by
    /// UTF-8 bytes, booleans false < true.
    case comparison(ComparisonOperator, ColumnExpression, ColumnExpression)
    case and(ColumnExpression, ColumnExpression)
    case or(ColumnExpression, ColumnExpression)
    case not(ColumnExpression)
    case isNull(ColumnExpression)
    case isNotNull(ColumnExpression)

    /// Spark `length`: the number of characters (Unicode code points).
    case length(ColumnExpression)
    /// Spark `size` of an array (null for null).
    case size(ColumnExpression)
    /// Spark `lower`/`upper` (Java `toLowerCase`/`toUpperCase`, `Locale.ROOT`).
    case lower(ColumnExpression)
    case upper(ColumnExpression)
    /// Spark `trim`/`ltrim`/`rtrim`: remove ASCII spaces (U+0020 only).
    case trim(ColumnExpression)
    case ltrim(ColumnExpression)
    case rtrim(ColumnExpression)
    /// Spark `regexp_replace(str, pattern, replacement)`: Java regex, Java
    /// replacement syntax (`$1`, `${name}`, `\$`).
    case regexpReplace(ColumnExpression, pattern: String, replacement: String)
    /// Spark `rlike`: the Java regex is found somewhere in the string.
    case rlike(ColumnExpression, pattern: String)
    /// Spark `contains`/`startswith`/`endswith` (byte-wise).
    case contains(ColumnExpression, ColumnExpression)
    case startsWith(ColumnExpression, ColumnExpression)
    case endsWith(ColumnExpression, ColumnExpression)
    /// Spark `split(str, pattern, limit)`: limit ≤ 0 keeps every piece
    /// (trailing empty strings included), limit > 0 makes at most that many.
    case split(ColumnExpression, pattern: String, limit: Int)
    /// Spark `concat`: null if any argument is null; non-strings are cast to string.
    case concat([ColumnExpression])
    case abs(ColumnExpression)
    /// Spark `round(x, scale)`: HALF_UP on the decimal value Java prints for x
    /// (so `round(2.675, 2)` is 2.68); negative scales round integer digits.
    case round(ColumnExpression, scale: Int)
    /// Spark `cast(x as type)` (ANSI: malformed input is an error).
    case cast(ColumnExpression, ColumnType)
    /// Spark `coalesce`: the first non-null argument.
    case coalesce([ColumnExpression])
    /// Spark ML `Tokenizer`: lowercase, split on Java `\s` (see `SparkTokenizer`).
    /// `size(tokenize(x))` is computed without materialising the tokens.
    case tokenize(ColumnExpression)
    /// Spark ML `RegexTokenizer`.
    case regexTokenize(ColumnExpression, RegexTokenizerOptions)

    public enum ArithmeticOperator: String, Sendable, Hashable, CaseIterable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    }

    public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case nullSafeEqual = "<=>"
    }

    // MARK: Builders

    public static func col(_ name: String) -> ColumnExpression { .column(name) }
    public static func lit(_ value: Int) -> ColumnExpression { .literal(.int(Int64(value))) }
    public static func lit(_ value: Int64) -> ColumnExpression { .literal(.int(value)) }
    public static func lit(_ value: Double) -> ColumnExpression { .literal(.double(value)) }
    public static func lit(_ value: Bool) -> ColumnExpression { .literal(.bool(value)) }
    public static func lit(_ value: String) -> ColumnExpression { .literal(.string(value)) }

    public static func + (a: ColumnExpression, b: ColumnExpression) -> ColumnExpression { .arithmetic(.add, a, b) }
    public static func - (a: ColumnExpression, b: ColumnExpression) -> ColumnExpression { .arithmetic(.subtract, a, b) }
    public static func * (a: ColumnExpression, b: ColumnExpression) -> ColumnExpression { .arithmetic(.multiply, a, b) }
    public static func / (a: ColumnExpression, b: ColumnExpression) -> ColumnExpression { .arithmetic(.divide, a, b) }
    public static func % (a: ColumnExpression, b: ColumnExpression) -> ColumnExpression { .arithmetic(.remainder, a, b) }
    public static prefix func - (a: ColumnExpression) -> ColumnExpression { .negate(a) }
    public static func && (a: ColumnExpression, b: ColumnExpression) -> ColumnExpression { .and(a, b) }
    public static func || (a: ColumnExpression, b: ColumnExpression) -> ColumnExpression { .or(a, b) }
    public static prefix func ! (a: ColumnExpression) -> ColumnExpression { .not(a) }

    public func equals(_ b: ColumnExpression) -> ColumnExpression { .comparison(.equal, self, b) }
    public func notEquals(_ b: ColumnExpression) -> ColumnExpression { .comparison(.notEqual, self, b) }
    public func lessThan(_ b: ColumnExpression) -> ColumnExpression { .comparison(.less, self, b) }
    public func lessOrEqual(_ b: ColumnExpression) -> ColumnExpression { .comparison(.lessOrEqual, self, b) }
    public func greaterThan(_ b: ColumnExpression) -> ColumnExpression { .comparison(.greater, self, b) }
    public func greaterOrEqual(_ b: ColumnExpression) -> ColumnExpression { .comparison(.greaterOrEqual, self, b) }

    // MARK: Names

    /// A Spark-like rendering, used as the default name of a derived column
    /// and in error messages: `(a + 1)`, `lower(text)`, `size(tokenize(text))`.
    public var description: String {
        switch self {
        case .column(let name): return name
        case .literal(let s): return Self.render(s)
        case let .arithmetic(op, a, b): return "(\(a) \(op.rawValue) \(b))"
        case .negate(let a): return "(- \(a))"
        case let .comparison(op, a, b): return "(\(a) \(op.rawValue) \(b))"
        case let .and(a, b): return "(\(a) AND \(b))"
        case let .or(a, b): return "(\(a) OR \(b))"
        case .not(let a): return "(NOT \(a))"
        case .isNull(let a): return "(\(a) IS NULL)"
        case .isNotNull(let a): return "(\(a) IS NOT NULL)"
        case .length(let a): return "length(\(a))"
        case .size(let a): return "size(\(a))"
        case .lower(let a): return "lower(\(a))"
        case .upper(let a): return "upper(\(a))"
        case .trim(let a): return "trim(\(a))"
        case .ltrim(let a): return "ltrim(\(a))"
        case .rtrim(let a): return "rtrim(\(a))"
        case let .regexpReplace(a, p, r): return "regexp_replace(\(a), \(p), \(r))"
        case let .rlike(a, p): return "RLIKE(\(a), \(p))"
        case let .contains(a, b): return "contains(\(a), \(b))"
        case let .startsWith(a, b): return "startswith(\(a), \(b))"
        case let .endsWith(a, b): return "endswith(\(a), \(b))"
        case let .split(a, p, limit): return "split(\(a), \(p), \(limit))"
        case .concat(let args): return "concat(\(args.map(\.description).joined(separator: ", ")))"
        case .abs(let a): return "abs(\(a))"
        case let .round(a, scale): return "round(\(a), \(scale))"
        case let .cast(a, t): return "CAST(\(a) AS \(t.rawValue.uppercased()))"
        case .coalesce(let args): return "coalesce(\(args.map(\.description).joined(separator: ", ")))"
        case .tokenize(let a): return "tokenize(\(a))"
        case let .regexTokenize(a, o): return "regex_tokenize(\(a), \(o.pattern))"
        }
    }

    static func render(_ s: Scalar) -> String {
        switch s {
        case .null: "NULL"
        case .int(let v): String(v)
        case .double(let v): JavaDouble.string(v)
        case .bool(let v): v ? "true" : "false"
        case .string(let v): v
        case .list(let items): "[" + items.map(render).joined(separator: ", ") + "]"
        }
    }

    /// Column names this expression reads.
    public var referencedColumns: [String] {
        var names: [String] = []
        func visit(_ e: ColumnExpression) {
            if case .column(let n) = e, !names.contains(n) { names.append(n) }
            for c in e.children { visit(c) }
        }
        visit(self)
        return names
    }

    /// Direct subexpressions.
    var children: [ColumnExpression] {
        switch self {
        case .column, .literal: []
        case let .arithmetic(_, a, b), let .comparison(_, a, b), let .and(a, b), let .or(a, b),
             let .contains(a, b), let .startsWith(a, b), let .endsWith(a, b): [a, b]
        case .negate(let a), .not(let a), .isNull(let a), .isNotNull(let a), .length(let a), .size(let a),
             .lower(let a), .upper(let a), .trim(let a), .ltrim(let a), .rtrim(let a), .abs(let a),
             .tokenize(let a):
            [a]
        case .regexpReplace(let a, _, _), .rlike(let a, _), .split(let a, _, _), .round(let a, _),
             .cast(let a, _), .regexTokenize(let a, _):
            [a]
        case .concat(let args), .coalesce(let args): args
        }
    }
}
