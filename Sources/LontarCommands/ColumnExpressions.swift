import LontarFrame
import LontarLanguage

/// Translates DSL expressions into the frame engine's column expressions.
///
/// Inside a frame command, a bare name is a column of the frame; a name that
/// is no column but a session variable holding a scalar is that value (so
/// `filter papers where words > min_words` works with `param min_words`).
enum ColumnExpressions {
    static func translate(_ expression: Expression, frame: Frame, session: Session) throws(LontarError) -> ColumnExpression {
        func recurse(_ e: Expression) throws(LontarError) -> ColumnExpression {
            try translate(e, frame: frame, session: session)
        }
        switch expression {
        case .literal(let literal, _):
            switch literal {
            case .integer(let v): return .literal(.int(v))
            case .double(let v): return .literal(.double(v))
            case .string(let v): return .literal(.string(v))
            case .regex(let p, let f): return .literal(.string(f.contains("i") ? "(?i)" + p : p))
            case .bool(let v): return .literal(.bool(v))
            case .null: return .literal(.null)
            }
        case .identifier(let name, let location):
            if frame.index(of: name) != nil { return .column(name) }
            if let value = session.variables[name], let scalar = scalar(value) { return .literal(scalar) }
            throw unknownColumn(name, in: frame, at: location)
        case let .unary(op, operand, location):
            switch op {
            case "-": return .negate(try recurse(operand))
            case "not": return .not(try recurse(operand))
            default: throw LontarError("cannot use '\(op)' on a column", at: location)
            }
        case let .binary(op, lhs, rhs, location):
            let a = try recurse(lhs), b = try recurse(rhs)
            switch op {
            case "+": return a + b
            case "-": return a - b
            case "*": return a * b
            case "/": return a / b
            case "%": return a % b
            case "==": return a.equals(b)
            case "!=": return a.notEquals(b)
            case "<": return a.lessThan(b)
            case "<=": return a.lessOrEqual(b)
            case ">": return a.greaterThan(b)
            case ">=": return a.greaterOrEqual(b)
            case "and": return a && b
            case "or": return a || b
            default: throw LontarError("cannot use '\(op)' on columns", at: location)
            }
        case let .call(name, arguments, location):
            var args: [ColumnExpression] = []
            for argument in arguments {
                if argument.label != nil {
                    throw LontarError("column functions take no labelled arguments", at: argument.value.location)
                }
                args.append(try recurse(argument.value))
            }
            do {
                return try ColumnExpression.call(name, args)
            } catch {
                throw LontarError(String(describing: error), at: location)
            }
        case .member(_, _, let location), .list(_, let location):
            throw LontarError("not a column expression", at: location)
        }
    }

    static func scalar(_ value: Value) -> Scalar? {
        switch value {
        case .integer(let v): .int(v)
        case .double(let v): .double(v)
        case .string(let v): .string(v)
        case .bool(let v): .bool(v)
        case .null: .null
        default: nil
        }
    }

    static func unknownColumn(_ name: String, in frame: Frame, at location: SourcePosition) -> LontarError {
        LontarError("unknown column '\(name)'", at: location,
                     notes: didYouMean(name, in: frame.columnNames) + ["columns: \(frame.columnNames.joined(separator: ", "))"])
    }

    /// Checks that every name is a column of `frame`.
    static func requireColumns(_ names: [String], in frame: Frame, at location: SourcePosition) throws(LontarError) {
        for name in names where frame.index(of: name) == nil {
            throw unknownColumn(name, in: frame, at: location)
        }
    }
}

extension Invocation {
    /// Column names of a `.columns` parameter, each checked against `frame`.
    func columns(_ name: String, in frame: Frame) throws(LontarError) -> [String]? {
        guard let names = try columns(name) else { return nil }
        try ColumnExpressions.requireColumns(names, in: frame, at: location(of: name))
        return names
    }

    /// A `.columnExpression` parameter translated over `frame`.
    func columnExpression(_ name: String, over frame: Frame) throws(LontarError) -> ColumnExpression? {
        guard let expression = expression(name) else { return nil }
        return try ColumnExpressions.translate(expression, frame: frame, session: session)
    }
}

