import Foundation

/// Labelled call arguments, in the order written.
public typealias KeyValuePairs = [(label: String, value: Value)]

/// A built-in function usable inside expressions: `length(s)`, `table(...)`.
public struct FunctionSpec: Sendable {
    public var name: String
    public var signature: String
    public var summary: String
    public var run: @Sendable ([Value], KeyValuePairs, SourcePosition) throws -> Value

    public init(_ name: String, signature: String, summary: String,
                run: @escaping @Sendable ([Value], KeyValuePairs, SourcePosition) throws -> Value) {
        self.name = name
        self.signature = signature
        self.summary = summary
        self.run = run
    }
}

/// One interpreter session: variables, parameters, commands, and where output goes.
///
/// A notebook run and a REPL each own one session; cells and prompt entries
/// run in it in order, sharing variables.
public final class Session: @unchecked Sendable {
    public let registry: CommandRegistry
    public private(set) var functions: [String: FunctionSpec] = [:]
    public private(set) var variables: [String: Value] = [:]
    /// Values given on the command line (`--param rows=1500000`), by name.
    public let parameterOverrides: [String: Value]
    /// Parameters declared so far, in order, with whether they were overridden.
    public private(set) var declaredParameters: [(name: String, overridden: Bool)] = []
    /// Relative paths in commands resolve against this folder.
    public var workingDirectory: URL
    public let cancellation = Cancellation()
    /// Receives every display a statement produces, in order.
    public var onDisplay: (Display) -> Void = { _ in }
    /// Turns a value into displays (frames into tables…); set by the command library.
    public var presenter: (Value) -> [Display] = { value in
        if case .display(let d) = value { return d }
        return [.text(value.shortDescription)]
    }
    /// Receives messages that are not part of a result (fetching a model,
    /// progress): standard error by default, never the notebook's document,
    /// so outputs stay identical between a first and a later run.
    public var onLog: (String) -> Void = { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
    /// Whether the output goes to an interactive terminal (progress bars, streaming).
    public var isInteractive = false
    /// Reads one line typed by the person at the prompt, showing `prompt`
    /// (nil at end of input), for conversational commands such as `chat`.
    /// Set by the REPL; nil in a notebook run, which has no one to ask.
    public var readUserLine: ((_ prompt: String) -> String?)?
    /// The whole program's variable liveness, when it is known in advance (a
    /// notebook run): frames are then handed to their last reader and dead
    /// variables dropped. Nil at the REPL, which keeps every variable.
    public var liveness: VariableLiveness?
    /// Variables the current statement may take out of the session on reading.
    private var movable: Set<String> = []
    /// Variables handed to a statement that then failed, and where it stands.
    private var movedAway: [String: SourcePosition] = [:]

    public init(registry: CommandRegistry, parameterOverrides: [String: Value] = [:],
                workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.registry = registry
        self.parameterOverrides = parameterOverrides
        self.workingDirectory = workingDirectory
    }

    public func register(_ function: FunctionSpec) {
        precondition(functions[function.name] == nil, "function '\(function.name)' registered twice")
        functions[function.name] = function
    }

    public func setVariable(_ name: String, _ value: Value) { variables[name] = value }

    /// Sends a display to the output (progress messages, streamed results).
    public func emit(_ display: Display) { onDisplay(display) }

    public func log(_ message: String) { onLog(message) }

    /// Resolves a user-given path against the working directory.
    public func resolvePath(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        if path.hasPrefix("~/") {
            return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(String(path.dropFirst(2)))
        }
        return workingDirectory.appendingPathComponent(path)
    }

    // MARK: Running source

    /// Parses `source` whole (so a syntax error runs nothing), then runs its
    /// statements in order. Results go to `onDisplay`.
    public func run(_ source: String, file: String, firstLine: Int = 1) throws(LontarError) {
        let statements = try parse(source, file: file, firstLine: firstLine)
        for statement in statements {
            try execute(statement)
        }
    }

    public func parse(_ source: String, file: String, firstLine: Int = 1) throws(LontarError) -> [Statement] {
        try Parser.parse(source, file: file, firstLine: firstLine, commands: Set(registry.names))
    }

    public func execute(_ statement: Statement) throws(LontarError) {
        cancellation.reset()
        let plan = liveness?.plan(at: statement.location) ?? VariableLiveness.Plan()
        movable = plan.moves
        defer {
            movable = []
            for name in plan.deadAfter { variables[name] = nil }
        }
        switch statement {
        case let .parameter(name, expression, location):
            if declaredParameters.contains(where: { $0.name == name }) {
                throw LontarError("parameter '\(name)' is declared twice", at: location)
            }
            let declared = try evaluate(expression)
            var value = declared
            if let override = parameterOverrides[name] {
                value = try Self.coerce(override, like: declared, name: name, at: location)
            }
            declaredParameters.append((name, parameterOverrides[name] != nil))
            variables[name] = value
        case let .assignment(name, pipeline, _):
            variables[name] = try settle(try evaluate(pipeline), at: pipeline.location)
        case .evaluate(let pipeline):
            let value = try settle(try evaluate(pipeline), at: pipeline.location)
            for display in presenter(value) { emit(display) }
        }
        for name in plan.moves { movedAway[name] = nil }      // it succeeded
    }

    /// Deferred frames become real frames at the end of a statement, so a
    /// variable never holds work still to do.
    private func settle(_ value: Value, at location: SourcePosition) throws(LontarError) -> Value {
        guard case .object(let pending as FrameConvertible) = value else { return value }
        return .frame(try pending.materialize())
    }

    /// A command-line override must fit the declared parameter's type.
    private static func coerce(_ override: Value, like declared: Value, name: String,
                               at location: SourcePosition) throws(LontarError) -> Value {
        switch (declared, override) {
        case (.integer, .integer), (.double, .double), (.string, .string), (.bool, .bool): return override
        case (.double, .integer(let i)): return .double(Double(i))
        case (.string, _): return .string(override.shortDescription)
        default:
            throw LontarError("--param \(name): expected \(declared.typeName) like the declaration, got \(override.typeName) '\(override.shortDescription)'", at: location)
        }
    }

    // MARK: Evaluation

    public func evaluate(_ pipeline: Pipeline) throws(LontarError) -> Value {
        var input: Value?
        for stage in pipeline.stages {
            try cancellation.check()
            switch stage {
            case .command(let call):
                input = try runCommand(call, input: input)
            case .expression(let expression):
                if input != nil {
                    throw LontarError("only a command can follow '|'", at: expression.location,
                                      notes: ["e.g. papers | show limit 5"])
                }
                input = try evaluate(expression)
            }
        }
        return input ?? .null
    }

    private func runCommand(_ call: CommandCall, input: Value?) throws(LontarError) -> Value {
        guard let spec = registry.command(call.name) else {
            throw LontarError("unknown command '\(call.name)'", at: call.location, notes: didYouMean(call.name, in: registry.names))
        }
        let (bound, flags) = try spec.bind(call, hasInput: input != nil)
        let invocation = Invocation(spec: spec, location: call.location, session: self, input: input,
                                    bound: bound, flags: flags)
        do {
            return try spec.run(invocation)
        } catch let error as LontarError {
            throw error.located(at: call.location)
        } catch {
            throw LontarError(String(describing: error), at: call.location)
        }
    }

    public func evaluate(_ expression: Expression) throws(LontarError) -> Value {
        switch expression {
        case .literal(let literal, _):
            switch literal {
            case .integer(let v): return .integer(v)
            case .double(let v): return .double(v)
            case .string(let v): return .string(v)
            case .regex(let p, let f): return .regex(pattern: p, flags: f)
            case .bool(let v): return .bool(v)
            case .null: return .null
            }
        case .identifier(let name, let location):
            if movable.contains(name), case .frame? = variables[name] {
                // Its last reader: take it, so the statement holds the only copy.
                movedAway[name] = location
                return variables.removeValue(forKey: name)!
            }
            if let value = variables[name] { return value }
            if let reader = movedAway[name] {
                throw LontarError("'\(name)' has no value: it was handed to the statement at \(reader), which failed",
                                  at: location)
            }
            var notes = didYouMean(name, in: Array(variables.keys))
            if registry.command(name) != nil { notes.append("'\(name)' is a command; it cannot be used as a value here") }
            throw LontarError("unknown variable '\(name)'", at: location, notes: notes)
        case .list(let items, _):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case let .member(base, name, location):
            let value = try evaluate(base)
            guard case .object(let object) = value else {
                throw LontarError("\(value.typeName) has no member '\(name)'", at: location)
            }
            guard let member = object.member(name) else {
                throw LontarError("\(object.typeName) has no member '\(name)'", at: location,
                                  notes: didYouMean(name, in: object.memberNames) + ["members: \(object.memberNames.joined(separator: ", "))"])
            }
            return member
        case let .call(name, arguments, location):
            guard let function = functions[name] else {
                throw LontarError("unknown function '\(name)'", at: location, notes: didYouMean(name, in: Array(functions.keys)))
            }
            var positional: [Value] = []
            var labelled: KeyValuePairs = []
            for argument in arguments {
                let v = try evaluate(argument.value)
                if let label = argument.label {
                    if labelled.contains(where: { $0.label == label }) {
                        throw LontarError("argument '\(label)' is given twice", at: argument.value.location)
                    }
                    labelled.append((label, v))
                } else {
                    positional.append(v)
                }
            }
            do {
                return try function.run(positional, labelled, location)
            } catch let error as LontarError {
                throw error.located(at: location)
            } catch {
                throw LontarError(String(describing: error), at: location)
            }
        case let .unary(op, operand, location):
            return try Arithmetic.unary(op, try evaluate(operand), at: location)
        case let .binary(op, lhs, rhs, location):
            if op == "and" || op == "or" {
                let left = try Arithmetic.truth(try evaluate(lhs), at: lhs.location)
                if op == "and" && !left { return .bool(false) }
                if op == "or" && left { return .bool(true) }
                return .bool(try Arithmetic.truth(try evaluate(rhs), at: rhs.location))
            }
            return try Arithmetic.binary(op, try evaluate(lhs), try evaluate(rhs), at: location)
        }
    }
}
