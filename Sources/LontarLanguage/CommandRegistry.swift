import LontarFrame

/// Commands: their signatures, help texts and implementations.
///
/// A command's signature says how the raw terms of a call bind to named
/// parameters: positional parameters in order, keyword parameters introduced
/// by their name (`seed 42`), and bare flags (`chat`). The same help text
/// feeds `:help`, error hints and the generated reference in docs/.

/// How a parameter's term is interpreted.
public enum ParameterKind: Sendable, Equatable {
    /// Evaluated as an expression (identifiers are variables).
    case value
    /// Column names: identifiers (or strings), one or a comma-separated list.
    case columns
    /// Kept unevaluated: an expression over a frame's columns (`length(input) > 10`).
    case columnExpression
    /// One word out of a fixed set (`as nf4`).
    case word([String])
}

public struct ParameterSpec: Sendable {
    public var name: String
    public var kind: ParameterKind
    public var help: String
    public var required: Bool

    public init(_ name: String, _ kind: ParameterKind = .value, required: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.required = required
    }
}

/// A bound call, handed to a command's implementation.
public struct Invocation {
    public let spec: CommandSpec
    public let location: SourcePosition
    public let session: Session
    /// The value piped in from the previous stage, if any.
    public let input: Value?
    var bound: [String: Expression]
    var flags: Set<String>
    private let evaluated = EvaluatedTerms()

    /// Whether the parameter was given (or piped in, for the first positional).
    public func has(_ name: String) -> Bool {
        bound[name] != nil || (name == spec.positional.first?.name && input != nil)
    }

    /// Where a parameter's term stands (or the command itself).
    public func location(of name: String) -> SourcePosition {
        bound[name]?.location ?? location
    }

    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The evaluated value of a parameter; piped input fills the first positional.
    public func value(_ name: String) throws(LontarError) -> Value? {
        if let expression = bound[name] {
            // Each term is evaluated once per call, however often a command
            // asks (a notebook run may hand a variable's value to its reader).
            if let known = evaluated.values[name] { return known }
            let value = try session.evaluate(expression)
            evaluated.values[name] = value
            return value
        }
        if name == spec.positional.first?.name, let input { return input }
        return nil
    }

    public func require(_ name: String) throws(LontarError) -> Value {
        guard let v = try value(name) else {
            throw LontarError("'\(spec.name)' needs \(name)", at: location, notes: ["usage: \(spec.usage)"])
        }
        return v
    }

    public func frame(_ name: String) throws(LontarError) -> Frame {
        let v = try require(name)
        switch v {
        case .frame(let f): return f
        case .object(let pending as FrameConvertible): return try pending.materialize()
        default: throw typeError(name, "a frame", v)
        }
    }

    public func string(_ name: String) throws(LontarError) -> String? {
        guard let v = try value(name) else { return nil }
        guard case .string(let s) = v else { throw typeError(name, "a string", v) }
        return s
    }

    public func integer(_ name: String) throws(LontarError) -> Int? {
        guard let v = try value(name) else { return nil }
        switch v {
        case .integer(let i): return Int(i)
        case .double(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
        default: throw typeError(name, "an integer", v)
        }
    }

    public func double(_ name: String) throws(LontarError) -> Double? {
        guard let v = try value(name) else { return nil }
        guard let d = v.doubleValue else { throw typeError(name, "a number", v) }
        return d
    }

    /// A regex parameter: a `/regex/` literal, or a string holding a pattern.
    public func regex(_ name: String) throws(LontarError) -> (pattern: String, flags: String)? {
        guard let v = try value(name) else { return nil }
        switch v {
        case .regex(let p, let f): return (p, f)
        case .string(let s): return (s, "")
        default: throw typeError(name, "a /regex/ or a string", v)
        }
    }

    /// Column names of a `.columns` parameter.
    public func columns(_ name: String) throws(LontarError) -> [String]? {
        guard let expression = bound[name] else { return nil }
        return try Invocation.columnNames(expression)
    }

    static func columnNames(_ expression: Expression) throws(LontarError) -> [String] {
        switch expression {
        case .identifier(let n, _): return [n]
        case .literal(.string(let s), _): return [s]
        case .list(let items, _):
            var names: [String] = []
            for item in items { names += try columnNames(item) }
            return names
        default:
            throw LontarError("expected column names", at: expression.location)
        }
    }

    /// The unevaluated expression of a `.columnExpression` parameter.
    public func expression(_ name: String) -> Expression? { bound[name] }

    /// A `.word` parameter's chosen word.
    public func word(_ name: String) -> String? { bound[name]?.identifierName }

    public func typeError(_ name: String, _ expected: String, _ got: Value) -> LontarError {
        LontarError("\(name) must be \(expected), not \(got.typeName)", at: location(of: name),
                    notes: ["usage: \(spec.usage)"])
    }
}

public struct CommandSpec: Sendable {
    public var name: String
    /// One line, shown in lists.
    public var summary: String
    public var positional: [ParameterSpec]
    public var keywords: [ParameterSpec]
    /// Bare words that switch something on (`chat`, `desc`).
    public var flags: [ParameterSpec]
    /// Longer explanation for `:help name` and docs.
    public var details: String
    public var examples: [String]
    public var run: @Sendable (Invocation) throws -> Value

    public init(_ name: String, summary: String, positional: [ParameterSpec] = [], keywords: [ParameterSpec] = [],
                flags: [ParameterSpec] = [], details: String = "", examples: [String] = [],
                run: @escaping @Sendable (Invocation) throws -> Value) {
        self.name = name
        self.summary = summary
        self.positional = positional
        self.keywords = keywords
        self.flags = flags
        self.details = details
        self.examples = examples
        self.run = run
    }

    /// `sample FRAME [rows N] [fraction F] [seed S]`.
    public var usage: String {
        var parts = [name]
        for p in positional {
            let shown: String
            if case .word(let words) = p.kind { shown = words.joined(separator: "|") } else { shown = p.name.uppercased() }
            parts.append(p.required ? shown : "[\(shown)]")
        }
        for k in keywords {
            let arg: String
            if case .word(let words) = k.kind { arg = words.joined(separator: "|") } else { arg = k.name.uppercased() }
            parts.append(k.required ? "\(k.name) \(arg)" : "[\(k.name) \(arg)]")
        }
        for f in flags { parts.append("[\(f.name)]") }
        return parts.joined(separator: " ")
    }

    /// The full help text (`:help name`, docs/commands.md).
    public var help: String {
        var lines = ["\(name) — \(summary)", "", "usage: \(usage)"]
        let params = positional + keywords + flags
        if !params.isEmpty {
            lines.append("")
            let width = params.map(\.name.count).max() ?? 0
            for p in params {
                lines.append("  " + p.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + p.help)
            }
        }
        if !details.isEmpty { lines += ["", details] }
        if !examples.isEmpty {
            lines += ["", "examples:"]
            lines += examples.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// Binds raw terms to parameters by this signature.
    func bind(_ call: CommandCall, hasInput: Bool) throws(LontarError) -> (bound: [String: Expression], flags: Set<String>) {
        var bound: [String: Expression] = [:]
        var flagsSet: Set<String> = []
        var nextPositional = hasInput ? 1 : 0
        var i = 0
        let keywordNames = Set(keywords.map(\.name))
        let flagNames = Set(flags.map(\.name))
        while i < call.terms.count {
            let term = call.terms[i]
            if let word = term.identifierName {
                if keywordNames.contains(word) {
                    guard i + 1 < call.terms.count else {
                        throw LontarError("'\(word)' needs a value", at: term.location, notes: ["usage: \(usage)"])
                    }
                    if bound[word] != nil {
                        throw LontarError("'\(word)' is given twice", at: term.location)
                    }
                    let spec = keywords.first { $0.name == word }!
                    let value = call.terms[i + 1]
                    try Self.check(value, against: spec, usage: usage)
                    bound[word] = value
                    i += 2
                    continue
                }
                if flagNames.contains(word) {
                    flagsSet.insert(word)
                    i += 1
                    continue
                }
            }
            guard nextPositional < positional.count else {
                var notes = ["usage: \(usage)"]
                if let word = term.identifierName {
                    notes = didYouMean(word, in: Array(keywordNames) + Array(flagNames)) + notes
                }
                throw LontarError("unexpected argument '\(Self.describe(term))' to '\(name)'", at: term.location, notes: notes)
            }
            let spec = positional[nextPositional]
            try Self.check(term, against: spec, usage: usage)
            bound[spec.name] = term
            nextPositional += 1
            i += 1
        }
        for (index, p) in positional.enumerated() where p.required && bound[p.name] == nil && !(index == 0 && hasInput) {
            throw LontarError("'\(name)' needs \(p.name)", at: call.location, notes: ["usage: \(usage)"])
        }
        for k in keywords where k.required && bound[k.name] == nil {
            throw LontarError("'\(name)' needs '\(k.name) …'", at: call.location, notes: ["usage: \(usage)"])
        }
        return (bound, flagsSet)
    }

    private static func check(_ term: Expression, against spec: ParameterSpec, usage: String) throws(LontarError) {
        if case .word(let words) = spec.kind {
            guard let w = term.identifierName, words.contains(w) else {
                throw LontarError("\(spec.name) must be one of: \(words.joined(separator: ", "))", at: term.location,
                                  notes: (term.identifierName.map { didYouMean($0, in: words) } ?? []) + ["usage: \(usage)"])
            }
        }
    }

    static func describe(_ term: Expression) -> String {
        switch term {
        case .identifier(let n, _): n
        case .literal(.string(let s), _): "\"\(s)\""
        case .literal(.integer(let v), _): String(v)
        case .literal(.double(let v), _): formatNumber(v)
        default: "…"
        }
    }
}

/// All commands known to a session, by name.
public final class CommandRegistry: @unchecked Sendable {
    public private(set) var commands: [String: CommandSpec] = [:]

    public init() {}

    public func register(_ spec: CommandSpec) {
        precondition(commands[spec.name] == nil, "command '\(spec.name)' registered twice")
        commands[spec.name] = spec
    }

    public func command(_ name: String) -> CommandSpec? { commands[name] }

    public var names: [String] { commands.keys.sorted() }
}

/// The values of an invocation's terms, once evaluated.
private final class EvaluatedTerms: @unchecked Sendable {
    var values: [String: Value] = [:]
}
