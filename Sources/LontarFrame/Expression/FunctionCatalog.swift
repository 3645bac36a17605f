/// Building expressions from Spark function names, for the DSL: the parser
/// produces a name and argument expressions, and `call` checks arity and the
/// arguments that must be literals (patterns, limits, scales, type names).
extension ColumnExpression {
    /// The Spark function names `call` knows (aliases included).
    public static let functionNames: [String] = [
        "abs", "cardinality", "cast", "char_length", "character_length", "coalesce", "concat", "contains",
        "endswith", "isnotnull", "isnull", "lcase", "len", "length", "lower", "ltrim", "regex_tokenize",
        "regexp", "regexp_like", "regexp_replace", "rlike", "round", "rtrim", "size", "split", "startswith",
        "tokenize", "trim", "ucase", "upper",
    ]

    /// The expression for Spark function `name` (case-insensitive) applied to `arguments`.
    ///
    /// Literal-only arguments: the pattern and replacement of `regexp_replace`,
    /// the pattern of `rlike`/`split`, `split`'s limit, `round`'s scale,
    /// `cast`'s type name (`cast(x, 'bigint')`), and `regex_tokenize`'s
    /// options in Spark's order: pattern, gaps, minTokenLength, toLowercase.
    public static func call(_ name: String, _ arguments: [ColumnExpression]) throws -> ColumnExpression {
        let f = name.lowercased()
        let args = arguments
        func arity(_ allowed: ClosedRange<Int>) throws {
            guard allowed.contains(args.count) else {
                let expected = allowed.count == 1 ? "\(allowed.lowerBound)" : "\(allowed.lowerBound) to \(allowed.upperBound)"
                throw FrameError.invalidArgument("\(f) takes \(expected) argument\(allowed.upperBound == 1 ? "" : "s"), got \(args.count)")
            }
        }
        func string(_ i: Int, _ what: String) throws -> String {
            guard case .literal(.string(let s)) = args[i] else {
                throw FrameError.invalidArgument("\(f): the \(what) must be a string literal, got \(args[i])")
            }
            return s
        }
        func int(_ i: Int, _ what: String) throws -> Int {
            guard case .literal(.int(let v)) = args[i], let n = Int(exactly: v) else {
                throw FrameError.invalidArgument("\(f): the \(what) must be an integer literal, got \(args[i])")
            }
            return n
        }
        func bool(_ i: Int, _ what: String) throws -> Bool {
            guard case .literal(.bool(let v)) = args[i] else {
                throw FrameError.invalidArgument("\(f): the \(what) must be true or false, got \(args[i])")
            }
            return v
        }
        switch f {
        case "length", "char_length", "character_length", "len": try arity(1 ... 1); return .length(args[0])
        case "size", "cardinality": try arity(1 ... 1); return .size(args[0])
        case "lower", "lcase": try arity(1 ... 1); return .lower(args[0])
        case "upper", "ucase": try arity(1 ... 1); return .upper(args[0])
        case "trim": try arity(1 ... 1); return .trim(args[0])
        case "ltrim": try arity(1 ... 1); return .ltrim(args[0])
        case "rtrim": try arity(1 ... 1); return .rtrim(args[0])
        case "abs": try arity(1 ... 1); return .abs(args[0])
        case "isnull": try arity(1 ... 1); return .isNull(args[0])
        case "isnotnull": try arity(1 ... 1); return .isNotNull(args[0])
        case "tokenize": try arity(1 ... 1); return .tokenize(args[0])
        case "contains": try arity(2 ... 2); return .contains(args[0], args[1])
        case "startswith": try arity(2 ... 2); return .startsWith(args[0], args[1])
        case "endswith": try arity(2 ... 2); return .endsWith(args[0], args[1])
        case "concat": return .concat(args)
        case "coalesce": try arity(1 ... 1000); return .coalesce(args)
        case "regexp_replace":
            try arity(3 ... 3)
            return .regexpReplace(args[0], pattern: try string(1, "pattern"), replacement: try string(2, "replacement"))
        case "rlike", "regexp", "regexp_like":
            try arity(2 ... 2)
            return .rlike(args[0], pattern: try string(1, "pattern"))
        case "split":
            try arity(2 ... 3)
            return .split(args[0], pattern: try string(1, "pattern"), limit: args.count == 3 ? try int(2, "limit") : -1)
        case "round":
            try arity(1 ... 2)
            return .round(args[0], scale: args.count == 2 ? try int(1, "scale") : 0)
        case "cast":
            try arity(2 ... 2)
            let typeName = try string(1, "type")
            guard let type = ColumnType.parse(typeName) else {
                throw FrameError.invalidArgument("cast: unknown type '\(typeName)'; use bigint, double, boolean or string")
            }
            return .cast(args[0], type)
        case "regex_tokenize":
            try arity(1 ... 5)
            var options = RegexTokenizerOptions()
            if args.count > 1 { options.pattern = try string(1, "pattern") }
            if args.count > 2 { options.gaps = try bool(2, "gaps flag") }
            if args.count > 3 { options.minTokenLength = try int(3, "minimum token length") }
            if args.count > 4 { options.toLowercase = try bool(4, "lowercase flag") }
            return .regexTokenize(args[0], options)
        default:
            throw FrameError.invalidArgument("unknown function '\(name)'"
                + FrameError.suggestion(for: f, among: functionNames)
                + "; known functions: \(functionNames.joined(separator: ", "))")
        }
    }
}

extension ColumnType {
    /// A Spark SQL type name (`bigint`, `int`, `long`, `double`, `float`,
    /// `boolean`, `string`, `array<string>`), case-insensitive.
    public static func parse(_ name: String) -> ColumnType? {
        switch name.lowercased().replacingOccurrences(of: " ", with: "") {
        case "bigint", "long", "int", "integer", "smallint", "tinyint", "int64": .int64
        case "double", "float", "real": .double
        case "boolean", "bool": .bool
        case "string", "varchar", "text": .string
        case "array<string>": .stringList
        default: nil
        }
    }
}
