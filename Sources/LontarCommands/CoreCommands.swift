import LontarFrame
import LontarLanguage

/// Commands that need no engine: printing and showing values.
enum CoreCommands {
    static func register(in registry: CommandRegistry) {
        registry.register(CommandSpec(
            "print", summary: "Print values as text.",
            positional: [ParameterSpec("value", required: true, help: "the value (a comma-separated list prints each)")],
            examples: ["print \"rows:\", rows * 2"]
        ) { call in
            let value = try call.require("value")
            if case .list(let items) = value { return .display([.text(items.map(\.shortDescription).joined(separator: " "))]) }
            return .display([.text(value.shortDescription)])
        })

        registry.register(CommandSpec(
            "show", summary: "Show the first rows of a frame as a table.",
            positional: [ParameterSpec("frame", required: true, help: "the frame (or pipe one in)")],
            keywords: [ParameterSpec("limit", help: "how many rows (default 20)")],
            examples: ["show papers limit 3", "papers | show"]
        ) { call in
            let limit = try call.integer("limit") ?? 20
            guard limit >= 0 else { throw LontarError("limit must not be negative", at: call.location(of: "limit")) }
            switch try call.require("frame") {
            case .frame, .object(_ as FrameConvertible): return .display([Presentation.table(try call.frame("frame"), limit: limit)])
            case let other: return .display(Presentation.present(other))
            }
        })
    }
}

/// Functions usable inside expressions.
enum CoreFunctions {
    static var all: [FunctionSpec] {
        [
            FunctionSpec("table", signature: "table(name: [values], …)",
                         summary: "A frame from literal columns: table(word: [\"a\", \"b\"], n: [1, 2]).") { positional, labelled, location in
                guard positional.isEmpty else { throw LontarError("table(...) takes labelled columns: table(name: [values], …)", at: location) }
                return .frame(try LiteralTable.make(labelled, at: location))
            },
            numeric("abs", "abs(x)", "Absolute value.") { abs($0) },
            numeric("sqrt", "sqrt(x)", "Square root.") { $0.squareRoot() },
            FunctionSpec("length", signature: "length(s)", summary: "Characters in a string, items in a list.") { args, _, location in
                switch args.first {
                case .string(let s)?: return .integer(Int64(s.count))
                case .list(let l)?: return .integer(Int64(l.count))
                default: throw LontarError("length(s) takes a string or a list", at: location)
                }
            },
        ]
    }

    private static func numeric(_ name: String, _ signature: String, _ summary: String,
                                _ f: @escaping @Sendable (Double) -> Double) -> FunctionSpec {
        FunctionSpec(name, signature: signature, summary: summary) { args, _, location in
            guard args.count == 1, let x = args[0].doubleValue else {
                throw LontarError("\(signature) takes one number", at: location)
            }
            return .double(f(x))
        }
    }
}

/// Builds a frame from `table(name: [values], …)`, columns in the order written.
enum LiteralTable {
    static func make(_ columns: KeyValuePairs, at location: SourcePosition) throws(LontarError) -> Frame {
        var built: [Column] = []
        for (name, value) in columns {
            guard case .list(let items) = value else {
                throw LontarError("column '\(name)' must be a list of values", at: location)
            }
            built.append(try column(name, items, at: location))
        }
        do {
            return try Frame(columns: built)
        } catch {
            throw LontarError(String(describing: error), at: location)
        }
    }

    private static func column(_ name: String, _ items: [Value], at location: SourcePosition) throws(LontarError) -> Column {
        let valid = items.map { if case .null = $0 { return false } else { return true } }
        let mask = valid.allSatisfy { $0 } ? nil : valid
        let present = items.filter { if case .null = $0 { return false } else { return true } }
        if present.allSatisfy({ if case .integer = $0 { return true } else { return false } }) {
            return Column(name: name, storage: .int64(items.map { if case .integer(let i) = $0 { return i } else { return 0 } }), valid: mask)
        }
        if present.allSatisfy({ $0.doubleValue != nil }) {
            return Column(name: name, storage: .double(items.map { $0.doubleValue ?? 0 }), valid: mask)
        }
        if present.allSatisfy({ if case .bool = $0 { return true } else { return false } }) {
            return Column(name: name, storage: .bool(items.map { if case .bool(let b) = $0 { return b } else { return false } }), valid: mask)
        }
        if present.allSatisfy({ if case .string = $0 { return true } else { return false } }) {
            return Column(name: name, storage: .string(StringColumn(items.map { if case .string(let s) = $0 { return s } else { return "" } })), valid: mask)
        }
        throw LontarError("column '\(name)' mixes types; use numbers, strings or booleans", at: location)
    }
}
