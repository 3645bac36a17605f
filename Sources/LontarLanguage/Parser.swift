/// Parses tokens into statements.
///
/// The parser knows which words are commands (from the registry) so that
/// `show papers` is a command while `papers` alone is an expression. Errors
/// point at the exact token that went wrong.
public struct Parser {
    private var tokens: [Token]
    private var index = 0
    private let commands: Set<String>

    public init(tokens: [Token], commands: Set<String>) {
        self.tokens = tokens
        self.commands = commands
    }

    private func isCommand(_ name: String) -> Bool { commands.contains(name) }

    /// Lexes and parses `source` (a cell, or a line at the prompt).
    public static func parse(_ source: String, file: String, firstLine: Int = 1,
                             commands: Set<String>) throws(LontarError) -> [Statement] {
        var parser = Parser(tokens: try Lexer.tokenize(source, file: file, firstLine: firstLine), commands: commands)
        return try parser.parseStatements()
    }

    // MARK: Token helpers

    private var current: Token { tokens[index] }
    private func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    private func isSymbol(_ s: String, _ token: Token? = nil) -> Bool {
        if case .symbol(let x) = (token ?? current).kind { return x == s }
        return false
    }

    private func isWord(_ w: String, _ token: Token? = nil) -> Bool {
        if case .identifier(let x) = (token ?? current).kind { return x == w }
        return false
    }

    private mutating func expectSymbol(_ s: String, _ context: String) throws(LontarError) {
        guard isSymbol(s) else { throw unexpected("expected '\(s)' \(context)") }
        _ = advance()
    }

    private func unexpected(_ message: String) -> LontarError {
        let found: String
        switch current.kind {
        case .end: found = "end of input"
        case .newline: found = "end of line"
        default: found = "'\(current.text)'"
        }
        return LontarError("\(message), found \(found)", at: current.location)
    }

    // MARK: Statements

    public mutating func parseStatements() throws(LontarError) -> [Statement] {
        var statements: [Statement] = []
        while true {
            while current.kind == .newline { _ = advance() }
            if current.kind == .end { return statements }
            statements.append(try parseStatement())
            guard current.kind == .newline || current.kind == .end else {
                throw unexpected("expected the end of the statement")
            }
        }
    }

    private mutating func parseStatement() throws(LontarError) -> Statement {
        let start = current.location
        if isWord("param"), case .identifier(let name) = peek().kind, isSymbol("=", peek(2)) {
            _ = advance(); _ = advance(); _ = advance()
            return .parameter(name: name, value: try parseExpression(), location: start)
        }
        if case .identifier(let name) = current.kind, isSymbol("=", peek()) {
            _ = advance(); _ = advance()
            return .assignment(name: name, value: try parsePipeline(), location: start)
        }
        return .evaluate(try parsePipeline())
    }

    private mutating func parsePipeline() throws(LontarError) -> Pipeline {
        var stages = [try parseStage()]
        while isSymbol("|") {
            _ = advance()
            stages.append(try parseStage())
        }
        return Pipeline(stages: stages)
    }

    private mutating func parseStage() throws(LontarError) -> Stage {
        if case .identifier(let name) = current.kind, isCommand(name),
           !isSymbol("(", peek()), !isSymbol(".", peek()), !isSymbol("=", peek()) {
            let location = advance().location
            var terms: [Expression] = []
            while !isStageEnd {
                terms.append(try parseTerm())
            }
            return .command(CommandCall(name: name, terms: terms, location: location))
        }
        // `word value …` where word is no command: a misspelt command, most likely.
        if case .identifier(let name) = current.kind, startsValue(peek()), !["not", "and", "or"].contains(name) {
            throw LontarError("unknown command '\(name)'", at: current.location,
                              notes: didYouMean(name, in: Array(commands)))
        }
        return .expression(try parseExpression())
    }

    private func startsValue(_ token: Token) -> Bool {
        switch token.kind {
        case .identifier(let w): !["and", "or"].contains(w)
        case .integer, .double, .string, .regex: true
        default: false
        }
    }

    private var isStageEnd: Bool {
        switch current.kind {
        case .newline, .end: true
        case .symbol(let s): s == "|" || s == ")" || s == "]" || s == "}"
        default: false
        }
    }

    /// A command term: an expression, or several joined by commas (a list).
    private mutating func parseTerm() throws(LontarError) -> Expression {
        let first = try parseExpression()
        guard isSymbol(",") else { return first }
        var items = [first]
        while isSymbol(",") {
            _ = advance()
            items.append(try parseExpression())
        }
        return .list(items, first.location)
    }

    // MARK: Expressions (lowest to highest precedence)

    public mutating func parseExpression() throws(LontarError) -> Expression {
        try parseOr()
    }

    private mutating func parseOr() throws(LontarError) -> Expression {
        var lhs = try parseAnd()
        while isWord("or") {
            let at = advance().location
            lhs = .binary("or", lhs, try parseAnd(), at)
        }
        return lhs
    }

    private mutating func parseAnd() throws(LontarError) -> Expression {
        var lhs = try parseNot()
        while isWord("and") {
            let at = advance().location
            lhs = .binary("and", lhs, try parseNot(), at)
        }
        return lhs
    }

    private mutating func parseNot() throws(LontarError) -> Expression {
        if isWord("not") {
            let at = advance().location
            return .unary("not", try parseNot(), at)
        }
        return try parseComparison()
    }

    private static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    private mutating func parseComparison() throws(LontarError) -> Expression {
        let lhs = try parseAdditive()
        if case .symbol(let op) = current.kind, Self.comparisons.contains(op) {
            let at = advance().location
            return .binary(op, lhs, try parseAdditive(), at)
        }
        return lhs
    }

    private mutating func parseAdditive() throws(LontarError) -> Expression {
        var lhs = try parseMultiplicative()
        while case .symbol(let op) = current.kind, op == "+" || op == "-" {
            let at = advance().location
            lhs = .binary(op, lhs, try parseMultiplicative(), at)
        }
        return lhs
    }

    private mutating func parseMultiplicative() throws(LontarError) -> Expression {
        var lhs = try parseUnary()
        while case .symbol(let op) = current.kind, op == "*" || op == "/" || op == "%" {
            let at = advance().location
            lhs = .binary(op, lhs, try parseUnary(), at)
        }
        return lhs
    }

    private mutating func parseUnary() throws(LontarError) -> Expression {
        if isSymbol("-") {
            let at = advance().location
            return .unary("-", try parseUnary(), at)
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(LontarError) -> Expression {
        var expression = try parsePrimary()
        while isSymbol(".") {
            _ = advance()
            guard case .identifier(let name) = current.kind else { throw unexpected("expected a name after '.'") }
            let at = advance().location
            expression = .member(expression, name, at)
        }
        return expression
    }

    private mutating func parsePrimary() throws(LontarError) -> Expression {
        let token = current
        switch token.kind {
        case .integer(let v): _ = advance(); return .literal(.integer(v), token.location)
        case .double(let v): _ = advance(); return .literal(.double(v), token.location)
        case .string(let v): _ = advance(); return .literal(.string(v), token.location)
        case .regex(let p, let f): _ = advance(); return .literal(.regex(pattern: p, flags: f), token.location)
        case .identifier(let name):
            _ = advance()
            switch name {
            case "true": return .literal(.bool(true), token.location)
            case "false": return .literal(.bool(false), token.location)
            case "null": return .literal(.null, token.location)
            default: break
            }
            if isSymbol("(") { return try parseCall(name, token.location) }
            return .identifier(name, token.location)
        case .symbol("("):
            _ = advance()
            let inner = try parseExpression()
            try expectSymbol(")", "to close '(' at \(token.location.line):\(token.location.column)")
            return inner
        case .symbol("["):
            _ = advance()
            var items: [Expression] = []
            while !isSymbol("]") {
                items.append(try parseExpression())
                if isSymbol(",") { _ = advance() } else { break }
            }
            try expectSymbol("]", "to close '[' at \(token.location.line):\(token.location.column)")
            return .list(items, token.location)
        default:
            throw unexpected("expected a value")
        }
    }

    private mutating func parseCall(_ name: String, _ location: SourcePosition) throws(LontarError) -> Expression {
        _ = advance()  // (
        var arguments: [Argument] = []
        while !isSymbol(")") {
            var label: String?
            if case .identifier(let l) = current.kind, isSymbol(":", peek()) {
                label = l
                _ = advance(); _ = advance()
            }
            arguments.append(Argument(label: label, value: try parseExpression()))
            if isSymbol(",") { _ = advance() } else { break }
        }
        try expectSymbol(")", "to close the arguments of '\(name)(' at \(location.line):\(location.column)")
        return .call(name, arguments, location)
    }
}
