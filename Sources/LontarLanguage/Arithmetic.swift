/// Scalar operators of the DSL: integer arithmetic is checked (overflow is an
/// error, not a wrap), integers widen to doubles when mixed, `+` joins strings.
enum Arithmetic {
    static func truth(_ v: Value, at location: SourcePosition) throws(LontarError) -> Bool {
        guard case .bool(let b) = v else {
            throw LontarError("expected true or false, got \(v.typeName) '\(v.shortDescription)'", at: location)
        }
        return b
    }

    static func unary(_ op: String, _ v: Value, at location: SourcePosition) throws(LontarError) -> Value {
        switch (op, v) {
        case ("-", .integer(let i)):
            guard i != .min else { throw LontarError("integer overflow in negation", at: location) }
            return .integer(-i)
        case ("-", .double(let d)): return .double(-d)
        case ("not", .bool(let b)): return .bool(!b)
        default: throw LontarError("cannot apply '\(op)' to \(v.typeName)", at: location)
        }
    }

    static func binary(_ op: String, _ a: Value, _ b: Value, at location: SourcePosition) throws(LontarError) -> Value {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            return try integer(op, x, y, at: location)
        case (.integer, .double), (.double, .integer), (.double, .double):
            return try double(op, a.doubleValue!, b.doubleValue!, at: location)
        case (.string(let x), .string(let y)):
            switch op {
            case "+": return .string(x + y)
            case "==": return .bool(x == y)
            case "!=": return .bool(x != y)
            case "<": return .bool(x < y)
            case "<=": return .bool(x <= y)
            case ">": return .bool(x > y)
            case ">=": return .bool(x >= y)
            default: break
            }
        case (.bool(let x), .bool(let y)):
            if op == "==" { return .bool(x == y) }
            if op == "!=" { return .bool(x != y) }
        case (.null, _), (_, .null):
            if op == "==" || op == "!=" {
                let bothNull: Bool = { if case .null = a, case .null = b { return true }; return false }()
                return .bool(op == "==" ? bothNull : !bothNull)
            }
        default: break
        }
        throw LontarError("cannot apply '\(op)' to \(a.typeName) and \(b.typeName)", at: location)
    }

    private static func integer(_ op: String, _ x: Int64, _ y: Int64, at location: SourcePosition) throws(LontarError) -> Value {
        func checked(_ r: (Int64, Bool)) throws(LontarError) -> Value {
            if r.1 { throw LontarError("integer overflow in '\(op)'", at: location) }
            return .integer(r.0)
        }
        switch op {
        case "+": return try checked(x.addingReportingOverflow(y))
        case "-": return try checked(x.subtractingReportingOverflow(y))
        case "*": return try checked(x.multipliedReportingOverflow(by: y))
        case "/":
            // Division of integers gives a number, as a student expects (7 / 2 = 3.5).
            guard y != 0 else { throw LontarError("division by zero", at: location) }
            return x % y == 0 ? .integer(x / y) : .double(Double(x) / Double(y))
        case "%":
            guard y != 0 else { throw LontarError("division by zero", at: location) }
            return .integer(x % y)
        case "==": return .bool(x == y)
        case "!=": return .bool(x != y)
        case "<": return .bool(x < y)
        case "<=": return .bool(x <= y)
        case ">": return .bool(x > y)
        case ">=": return .bool(x >= y)
        default: throw LontarError("cannot apply '\(op)' to integers", at: location)
        }
    }

    private static func double(_ op: String, _ x: Double, _ y: Double, at location: SourcePosition) throws(LontarError) -> Value {
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/":
            guard y != 0 else { throw LontarError("division by zero", at: location) }
            return .double(x / y)
        case "%":
            guard y != 0 else { throw LontarError("division by zero", at: location) }
            return .double(x.truncatingRemainder(dividingBy: y))
        case "==": return .bool(x == y)
        case "!=": return .bool(x != y)
        case "<": return .bool(x < y)
        case "<=": return .bool(x <= y)
        case ">": return .bool(x > y)
        case ">=": return .bool(x >= y)
        default: throw LontarError("cannot apply '\(op)' to numbers", at: location)
        }
    }
}
