import Foundation
import LontarFrame
import LontarLanguage

/// Dataframe commands with Spark's semantics: reading and writing, selecting,
/// filtering, sorting, grouping, sampling and the paper's text cleaning.
enum FrameCommands {
    static func register(in registry: CommandRegistry) {
        let frame = ParameterSpec("frame", required: true, help: "the frame (or pipe one in)")

        registry.register(CommandSpec(
            "read", summary: "Read a JSON Lines, CSV or Parquet file into a frame.",
            positional: [ParameterSpec("path", required: true, help: "the file (format from its extension: .jsonl .csv .parquet)")],
            keywords: [
                ParameterSpec("format", .word(["jsonl", "csv", "parquet"]), help: "the format, when the extension does not say"),
                ParameterSpec("columns", .columns, help: "read only these columns"),
                ParameterSpec("limit", help: "stop after this many rows"),
                ParameterSpec("on_error", .word(["fail", "skip"]), help: "fail (default) at a malformed record, or skip it and count it"),
            ],
            details: "Errors name the file, line, column and byte offset. With on_error skip, the number of skipped records and the first errors are reported.",
            examples: ["papers = read \"data/papers.jsonl\"", "papers = read \"train.parquet\" columns input, output limit 100000"]
        ) { call in
            let path = try call.string("path")!
            var options = ReadOptions()
            options.columns = try call.columns("columns")
            options.limit = try call.integer("limit")
            options.onError = call.word("on_error") == "skip" ? .skip : .fail
            let format = call.word("format").flatMap(FileFormat.init(rawValue:))
            let url = call.session.resolvePath(path)
            let (frame, report) = try engineCall(call.location) { try FrameReader.read(url: url, format: format, options: options) }
            if report.rowsSkipped > 0 {
                var lines = ["skipped \(groupThousands(report.rowsSkipped)) malformed records of \(path); the first:"]
                lines += report.issues.prefix(5).map { "  \(path):\($0.position): \($0.message)" }
                call.session.emit(.text(lines.joined(separator: "\n")))
            }
            return .frame(frame)
        })

        registry.register(CommandSpec(
            "write", summary: "Write a frame as JSON Lines or CSV (atomically).",
            positional: [frame, ParameterSpec("path", required: true, help: "the file (.jsonl or .csv)")],
            keywords: [ParameterSpec("format", .word(["jsonl", "csv"]), help: "the format, when the extension does not say")],
            examples: ["write clean \"data/clean.jsonl\""]
        ) { call in
            let f = try call.frame("frame")
            let path = try call.string("path")!
            let format = call.word("format").flatMap(FileFormat.init(rawValue:))
            try engineCall(call.location) { try FrameWriter.write(f, to: call.session.resolvePath(path), format: format) }
            return .display([.text("wrote \(groupThousands(f.rowCount)) rows to \(path)")])
        })

        registry.register(CommandSpec(
            "count", summary: "The number of rows.", positional: [frame],
            examples: ["count papers"]
        ) { call in
            .integer(Int64(try call.frame("frame").count()))
        })

        registry.register(CommandSpec(
            "schema", summary: "The columns and their types.", positional: [frame],
            examples: ["schema papers"]
        ) { call in
            let f = try call.frame("frame")
            let lines = ["root"] + f.columns.map { " |-- \($0.name): \($0.type) (nullable = \($0.valid != nil))" }
            return .display([.preformatted(lines.joined(separator: "\n"))])
        })

        registry.register(CommandSpec(
            "limit", summary: "The first N rows.",
            positional: [frame, ParameterSpec("rows", required: true, help: "how many rows")],
            examples: ["papers | limit 100"]
        ) { call in
            let f = try call.frame("frame"), n = try call.integer("rows")!
            return .frame(try engineCall(call.location(of: "rows")) { try f.limit(n) })
        })

        registry.register(CommandSpec(
            "select", summary: "Keep these columns, in this order.",
            positional: [frame, ParameterSpec("columns", .columns, required: true, help: "the columns")],
            examples: ["select papers id, input"]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("columns", in: f)!
            return .frame(try engineCall(call.location) { try f.select(names) })
        })

        registry.register(CommandSpec(
            "drop", summary: "Remove these columns.",
            positional: [frame, ParameterSpec("columns", .columns, required: true, help: "the columns")],
            examples: ["drop words input_words"]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("columns", in: f)!
            return .frame(try engineCall(call.location) { try f.drop(names) })
        })

        registry.register(CommandSpec(
            "rename", summary: "Rename a column.",
            positional: [frame, ParameterSpec("column", .columns, required: true, help: "the column")],
            keywords: [ParameterSpec("to", .columns, required: true, help: "its new name")],
            examples: ["rename papers output to response"]
        ) { call in
            let f = try call.frame("frame")
            let old = try call.columns("column", in: f)!.first!
            let new = try call.columns("to")!.first!
            return .frame(try engineCall(call.location) { try f.rename(old, to: new) })
        })

        registry.register(CommandSpec(
            "derive", summary: "Add (or replace) a column computed from an expression.",
            positional: [frame, ParameterSpec("name", .columns, required: true, help: "the new column's name"),
                         ParameterSpec("expression", .columnExpression, required: true, help: "the expression over columns")],
            details: "Functions follow Spark SQL: length, size, lower, upper, trim, regexp_replace, rlike, split, concat, abs, round, cast, coalesce, contains, startswith, endswith, tokenize.",
            examples: ["papers | derive chars length(input)", "derive words ratio output_words / input_words"]
        ) { call in
            let f = try call.frame("frame")
            let name = try call.columns("name")!.first!
            let e = try call.columnExpression("expression", over: f)!
            return .frame(try engineCall(call.location(of: "expression")) { try f.withColumn(name, e) })
        })

        let predicate = ParameterSpec("where", .columnExpression, required: true, help: "the condition over columns")
        registry.register(CommandSpec(
            "filter", summary: "Keep the rows where a condition holds (Spark's filter/where).",
            positional: [frame], keywords: [predicate],
            details: "Comparisons with null are null, and null rows are dropped, as in Spark.",
            examples: ["papers | filter where length(input) > 100 and output != \"\""]
        ) { call in
            let f = try call.frame("frame")
            let e = try call.columnExpression("where", over: f)!
            return .frame(try engineCall(call.location(of: "where")) { try f.filter(e) })
        })

        registry.register(CommandSpec(
            "sort", summary: "Sort rows by columns (stable; nulls first ascending, as Spark).",
            positional: [frame], keywords: [ParameterSpec("by", .columns, required: true, help: "the columns, most significant first")],
            flags: [ParameterSpec("desc", help: "descending order")],
            examples: ["sort words by input_words desc"]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("by", in: f)!
            let keys = names.map { SortKey($0, ascending: !call.flag("desc")) }
            return .frame(try engineCall(call.location) { try f.sort(keys) })
        })

        registry.register(CommandSpec(
            "distinct", summary: "Drop duplicate rows (or rows duplicated in some columns).",
            positional: [frame, ParameterSpec("columns", .columns, help: "compare only these columns")],
            examples: ["distinct papers", "distinct papers input"]
        ) { call in
            let f = try call.frame("frame")
            if let names = try call.columns("columns", in: f) {
                return .frame(try engineCall(call.location) { try f.dropDuplicates(names) })
            }
            return .frame(try engineCall(call.location) { try f.distinct() })
        })

        registry.register(CommandSpec(
            "group", summary: "Group rows and aggregate: count, sum, mean, min, max, stddev.",
            positional: [frame],
            keywords: [ParameterSpec("by", .columns, required: true, help: "the grouping columns"),
                       ParameterSpec("agg", .columnExpression, help: "aggregates, e.g. count, mean(words), max(words) (default count)")],
            details: "stddev is the sample standard deviation; mean of integers is a double; results are ordered by the grouping columns.",
            examples: ["group papers by template agg count, mean(input_words), stddev(input_words)"]
        ) { call in
            let f = try call.frame("frame")
            let keys = try call.columns("by", in: f)!
            let aggregations = try aggregationList(call, frame: f)
            let grouped = try engineCall(call.location) { try f.groupBy(keys, aggregations) }
            return .frame(try engineCall(call.location) { try grouped.sort(keys.map { SortKey($0) }) })
        })

        registry.register(CommandSpec(
            "sample", summary: "A seeded random sample: exactly N rows, or a fraction.",
            positional: [frame],
            keywords: [ParameterSpec("rows", help: "exactly this many rows"),
                       ParameterSpec("fraction", help: "each row with this probability (Spark's sample)"),
                       ParameterSpec("seed", help: "the seed (default 0)")],
            details: "The same seed gives the same rows whatever the thread count. rows N keeps the original order of the chosen rows.",
            examples: ["papers = sample papers rows 1500000 seed 42", "sample papers fraction 0.1 seed 1"]
        ) { call in
            let f = try call.frame("frame")
            let seed = UInt64(bitPattern: Int64(try call.integer("seed") ?? 0))
            if let n = try call.integer("rows") {
                guard n >= 0 else { throw LontarError("rows must not be negative", at: call.location(of: "rows")) }
                if n > f.rowCount {
                    throw LontarError("cannot sample \(groupThousands(n)) rows from \(groupThousands(f.rowCount))", at: call.location(of: "rows"))
                }
                return .frame(try engineCall(call.location) { try f.sample(count: n, seed: seed) })
            }
            if let p = try call.double("fraction") {
                guard (0 ... 1).contains(p) else { throw LontarError("fraction must be between 0 and 1", at: call.location(of: "fraction")) }
                return .frame(try engineCall(call.location) { try f.sample(fraction: p, seed: seed) })
            }
            throw LontarError("sample needs rows N or fraction F", at: call.location, notes: ["usage: \(call.spec.usage)"])
        })

        for (name, summary, build) in [
            ("lower", "Lowercase string columns (Java toLowerCase(Locale.ROOT), as Spark's lower).", ColumnExpression.lower),
            ("upper", "Uppercase string columns (as Spark's upper).", ColumnExpression.upper),
            ("trim", "Trim spaces from both ends of string columns (as Spark's trim).", ColumnExpression.trim),
        ] as [(String, String, @Sendable (ColumnExpression) -> ColumnExpression)] {
            registry.register(CommandSpec(
                name, summary: summary,
                positional: [frame, ParameterSpec("columns", .columns, required: true, help: "the string columns, changed in place")],
                examples: ["papers | \(name) input, output"]
            ) { call in
                let names = try call.columns("columns")!
                return .object(try PendingColumns.compose(try call.require("frame"), columns: names, at: call.location, build))
            })
        }

        registry.register(CommandSpec(
            "replace", summary: "Replace regex matches in string columns (Spark's regexp_replace).",
            positional: [frame, ParameterSpec("columns", .columns, required: true, help: "the string columns, changed in place"),
                         ParameterSpec("pattern", required: true, help: "a /regex/ (Java syntax) or a string holding one")],
            keywords: [ParameterSpec("with", required: true, help: "the replacement ($1 refers to a group, as in Java)")],
            examples: ["papers | replace input, output /@?xcite|xmath[0-9]+/ with \"\"", "replace input /\\s+/ with \" \""]
        ) { call in
            let names = try call.columns("columns")!
            let (pattern, flags) = try call.regex("pattern")!
            let replacement = try call.string("with")!
            let javaPattern = flags.contains("i") ? "(?i)" + pattern : pattern
            return .object(try PendingColumns.compose(try call.require("frame"), columns: names, at: call.location(of: "pattern")) {
                .regexpReplace($0, pattern: javaPattern, replacement: replacement)
            })
        })

        registry.register(CommandSpec(
            "split", summary: "Split a string column by a regex into an array column (Spark's split).",
            positional: [frame, ParameterSpec("column", .columns, required: true, help: "the string column"),
                         ParameterSpec("pattern", required: true, help: "the separator /regex/")],
            keywords: [ParameterSpec("as", .columns, help: "the new column (default COLUMN_parts)"),
                       ParameterSpec("limit", help: "at most this many parts (default: all)")],
            examples: ["papers | split output /\\.\\s+/ as sentences"]
        ) { call in
            let f = try call.frame("frame")
            let column = try call.columns("column", in: f)!.first!
            let (pattern, _) = try call.regex("pattern")!
            let name = try call.columns("as")?.first ?? column + "_parts"
            let limit = try call.integer("limit") ?? -1
            return .frame(try engineCall(call.location) { try f.withColumn(name, .split(.column(column), pattern: pattern, limit: limit)) })
        })

        registry.register(CommandSpec(
            "regex_tokenize", summary: "Spark's RegexTokenizer: add COLUMN_words with the token count.",
            positional: [frame, ParameterSpec("columns", .columns, required: true, help: "the string columns")],
            keywords: [ParameterSpec("pattern", help: "the regex (default /\\s+/)"),
                       ParameterSpec("gaps", help: "true: the pattern matches gaps (default); false: it matches tokens"),
                       ParameterSpec("min_length", help: "drop shorter tokens (default 1)"),
                       ParameterSpec("lowercase", help: "lowercase first (default true)")],
            flags: [ParameterSpec("keep", help: "also keep the tokens, as COLUMN_tokens")],
            examples: ["papers | regex_tokenize input pattern /\\w+/ gaps false"]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("columns", in: f)!
            var options = RegexTokenizerOptions()
            if let (p, _) = try call.regex("pattern") { options.pattern = p }
            if let g = try call.value("gaps") { options.gaps = try boolean(g, call, "gaps") }
            if let m = try call.integer("min_length") { options.minTokenLength = m }
            if let l = try call.value("lowercase") { options.toLowercase = try boolean(l, call, "lowercase") }
            return .frame(try addTokenColumns(f, names, keep: call.flag("keep"), at: call.location) { .regexTokenize($0, options) })
        })

        registry.register(CommandSpec(
            "frequencies", summary: "The most frequent tokens of a text column (Spark Tokenizer words).",
            positional: [frame, ParameterSpec("column", .columns, required: true, help: "a string or array column")],
            keywords: [ParameterSpec("top", help: "how many (default 20)")],
            details: "Ordered by count, then token. Words are Spark Tokenizer tokens: lowercased, split on single whitespace characters.",
            examples: ["frequencies clean output top 15"]
        ) { call in
            let f = try call.frame("frame")
            let column = try call.columns("column", in: f)!.first!
            let top = try call.integer("top") ?? 20
            return .frame(try engineCall(call.location) { try f.tokenFrequencies(column, top: top) })
        })

        registry.register(CommandSpec(
            "describe", summary: "Spark's describe(): count, mean, stddev, min, max of columns.",
            positional: [frame, ParameterSpec("columns", .columns, help: "the columns (default: all numeric and string columns)")],
            details: "Values are strings formatted exactly as Spark prints them; stddev is the sample standard deviation.",
            examples: ["describe words input_words, output_words"]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("columns", in: f) ?? []
            return .frame(try engineCall(call.location) { try f.describe(names) })
        })

        registry.register(CommandSpec(
            "summary", summary: "Spark's summary(): describe plus the 25%, 50% and 75% percentiles.",
            positional: [frame, ParameterSpec("columns", .columns, help: "the columns (default: all)")],
            examples: ["summary words input_words"]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("columns", in: f) ?? []
            return .frame(try engineCall(call.location) { try f.summary(columns: names) })
        })

        registry.register(CommandSpec(
            "sum", summary: "Column totals, as Spark's agg(sum(…)).",
            positional: [frame, ParameterSpec("columns", .columns, required: true, help: "the numeric columns")],
            examples: ["sum words input_words, output_words"]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("columns", in: f)!
            return .frame(try engineCall(call.location) { try f.aggregate(names.map { Aggregation.sum($0) }) })
        })
    }

    /// Adds `NAME_words` (the token count) for each column, and `NAME_tokens`
    /// (the tokens) when asked to keep them.
    static func addTokenColumns(_ frame: Frame, _ names: [String], keep: Bool, at location: SourcePosition,
                                _ tokens: (ColumnExpression) -> ColumnExpression) throws(LontarError) -> Frame {
        var result = frame
        for name in names {
            result = try engineCall(location) { try result.withColumn(name + "_words", .size(tokens(.column(name)))) }
            if keep {
                result = try engineCall(location) { try result.withColumn(name + "_tokens", tokens(.column(name))) }
            }
        }
        return result
    }

    static func boolean(_ value: Value, _ call: Invocation, _ name: String) throws(LontarError) -> Bool {
        guard case .bool(let b) = value else { throw call.typeError(name, "true or false", value) }
        return b
    }

    /// `agg count, mean(words), max(words)` → aggregations.
    static func aggregationList(_ call: Invocation, frame: Frame) throws(LontarError) -> [Aggregation] {
        guard let expression = call.expression("agg") else { return [.count()] }
        let items: [LontarLanguage.Expression]
        if case .list(let list, _) = expression { items = list } else { items = [expression] }
        var result: [Aggregation] = []
        for item in items {
            switch item {
            case .identifier("count", _):
                result.append(.count())
            case let .call(name, arguments, location):
                guard let function = AggregateFunction(rawValue: name == "avg" ? "mean" : name) else {
                    throw LontarError("unknown aggregate '\(name)'", at: location,
                                      notes: didYouMean(name, in: AggregateFunction.allCases.map(\.rawValue)))
                }
                guard arguments.count <= 1, let column = arguments.first?.value.identifierName ?? (function == .count ? nil : "") else {
                    throw LontarError("\(name)(…) takes one column", at: location)
                }
                if !column.isEmpty { try ColumnExpressions.requireColumns([column], in: frame, at: location) }
                result.append(Aggregation(function, column.isEmpty ? nil : column))
            default:
                throw LontarError("expected an aggregate such as count or mean(column)", at: item.location)
            }
        }
        return result
    }
}
