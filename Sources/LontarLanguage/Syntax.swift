/// The syntax tree of Lontar's DSL.
///
/// A cell is a list of statements. A statement declares a parameter, assigns a
/// pipeline to a variable, or evaluates a pipeline for display. A pipeline is
/// stages joined by `|`; each stage is a command (`show papers limit 3`) or an
/// expression (`rows * 2`). The value of a stage becomes the first argument
/// of the next.

public enum Literal: Sendable, Equatable {
    case integer(Int64)
    case double(Double)
    case string(String)
    case regex(pattern: String, flags: String)
    case bool(Bool)
    case null
}

/// A call argument, optionally labelled: `table(name: ["a"], n: [1])`.
public struct Argument: Sendable, Equatable {
    public var label: String?
    public var value: Expression
}

public indirect enum Expression: Sendable, Equatable {
    case literal(Literal, SourcePosition)
    case identifier(String, SourcePosition)
    case member(Expression, String, SourcePosition)
    case call(String, [Argument], SourcePosition)
    case unary(String, Expression, SourcePosition)
    case binary(String, Expression, Expression, SourcePosition)
    case list([Expression], SourcePosition)

    public var location: SourcePosition {
        switch self {
        case .literal(_, let l), .identifier(_, let l), .member(_, _, let l), .call(_, _, let l),
             .unary(_, _, let l), .binary(_, _, _, let l), .list(_, let l):
            l
        }
    }

    /// The bare name when this expression is a plain identifier.
    public var identifierName: String? {
        if case .identifier(let name, _) = self { return name }
        return nil
    }
}

/// `name term term …`: a command and its raw terms, bound to parameters later
/// by the command's signature (see `CommandSpec`).
public struct CommandCall: Sendable, Equatable {
    public var name: String
    public var terms: [Expression]
    public var location: SourcePosition
}

public enum Stage: Sendable, Equatable {
    case command(CommandCall)
    case expression(Expression)

    public var location: SourcePosition {
        switch self {
        case .command(let c): c.location
        case .expression(let e): e.location
        }
    }
}

public struct Pipeline: Sendable, Equatable {
    public var stages: [Stage]
    public var location: SourcePosition { stages[0].location }
}

public enum Statement: Sendable, Equatable {
    case parameter(name: String, value: Expression, location: SourcePosition)
    case assignment(name: String, value: Pipeline, location: SourcePosition)
    case evaluate(Pipeline)

    public var location: SourcePosition {
        switch self {
        case .parameter(_, _, let l), .assignment(_, _, let l): l
        case .evaluate(let p): p.location
        }
    }
}
