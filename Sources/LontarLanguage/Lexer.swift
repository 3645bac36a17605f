/// Turns DSL source text into tokens, tracking exact line and column.
///
/// Newlines separate statements, except where a statement obviously goes on:
/// inside brackets, after `|`, `,` or a binary operator, and before a line
/// that starts with `|` (so pipelines can be written one stage per line).
public struct Lexer {
    private let chars: [Character]
    private let file: String
    private var index = 0
    private var line: Int
    private var column: Int
    private var depth = 0
    private var tokens: [Token] = []

    /// - Parameters:
    ///   - firstLine: the line of `source`'s first character in `file`
    ///     (cells of a notebook start part-way through the file).
    public init(_ source: String, file: String, firstLine: Int = 1, firstColumn: Int = 1) {
        chars = Array(source)
        self.file = file
        line = firstLine
        column = firstColumn
    }

    public static func tokenize(_ source: String, file: String, firstLine: Int = 1) throws(LontarError) -> [Token] {
        var lexer = Lexer(source, file: file, firstLine: firstLine)
        return try lexer.run()
    }

    private var here: SourcePosition { SourcePosition(file: file, line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private mutating func advance() -> Character {
        let c = chars[index]
        index += 1
        if c == "\n" { line += 1; column = 1 } else { column += 1 }
        return c
    }

    private static let operatorContinues: Set<String> = [
        "|", ",", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", ":", ".",
    ]

    public mutating func run() throws(LontarError) -> [Token] {
        while let c = peek() {
            let start = here
            if c == "\n" {
                _ = advance()
                emitNewline(at: start)
            } else if c == ";" {
                _ = advance()
                append(.newline, start, ";")
            } else if c == " " || c == "\t" || c == "\r" {
                _ = advance()
            } else if c == "-" && peek(1) == "-" {
                while let d = peek(), d != "\n" { _ = advance() }
            } else if c.isLetter || c == "_" {
                var name = ""
                while let d = peek(), d.isLetter || d.isNumber || d == "_" { name.append(advance()) }
                append(.identifier(name), start, name)
            } else if c.isASCII && c.isNumber {
                try lexNumber(start)
            } else if c == "\"" || c == "'" {
                try lexString(start)
            } else if c == "/" && startsRegex() {
                try lexRegex(start)
            } else {
                try lexSymbol(start)
            }
        }
        emitNewline(at: here)
        tokens.append(Token(kind: .end, location: here, text: ""))
        return tokens
    }

    private mutating func append(_ kind: TokenKind, _ location: SourcePosition, _ text: String) {
        tokens.append(Token(kind: kind, location: location, text: text))
    }

    /// A line break ends a statement unless the statement clearly continues.
    private mutating func emitNewline(at location: SourcePosition) {
        guard depth == 0, let last = tokens.last else { return }
        if last.kind == .newline { return }
        if case .symbol(let s) = last.kind, Self.operatorContinues.contains(s) { return }
        if nextLineStartsWithPipe() { return }
        append(.newline, location, "\\n")
    }

    private func nextLineStartsWithPipe() -> Bool {
        var i = index
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" { i += 1; continue }
            if c == "-" && i + 1 < chars.count && chars[i + 1] == "-" {  // comment line
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            return c == "|"
        }
        return false
    }

    /// `/` starts a regex literal where a value cannot end before it, or where
    /// it follows white space and is not itself followed by white space
    /// (`replace input /x+/ with ""`); `a / b` and `a/b` stay divisions.
    private func startsRegex() -> Bool {
        guard let last = tokens.last, last.kind.endsValue else { return true }
        let before = index > 0 ? chars[index - 1] : " "
        let after = peek(1) ?? " "
        return (before == " " || before == "\t") && !(after == " " || after == "\t" || after == "\n")
    }

    private mutating func lexNumber(_ start: SourcePosition) throws(LontarError) {
        var text = ""
        var isDouble = false
        func digits(_ lexer: inout Lexer, _ text: inout String) {
            while let d = lexer.peek(), (d.isASCII && d.isNumber) || d == "_" {
                let c = lexer.advance()
                if c != "_" { text.append(c) }
            }
        }
        digits(&self, &text)
        if peek() == ".", let n = peek(1), n.isASCII && n.isNumber {
            isDouble = true
            text.append(advance())
            digits(&self, &text)
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let hasSign = sign == "+" || sign == "-"
            if let d = peek(hasSign ? 2 : 1), d.isASCII && d.isNumber {
                isDouble = true
                text.append(advance())
                if hasSign { text.append(advance()) }
                digits(&self, &text)
            }
        }
        if let d = peek(), d.isLetter || d == "_" {
            throw LontarError("malformed number '\(text)\(d)'", at: start)
        }
        if isDouble {
            guard let value = Double(text) else { throw LontarError("malformed number '\(text)'", at: start) }
            append(.double(value), start, text)
        } else {
            guard let value = Int64(text) else {
                throw LontarError("integer '\(text)' is too large (the largest is \(Int64.max))", at: start)
            }
            append(.integer(value), start, text)
        }
    }

    private mutating func lexString(_ start: SourcePosition) throws(LontarError) {
        let quote = advance()
        let triple = peek() == quote && peek(1) == quote
        if triple { _ = advance(); _ = advance() }
        var value = ""
        while true {
            guard let c = peek() else {
                throw LontarError("unterminated string literal", at: start,
                                  notes: ["close it with \(triple ? String(repeating: quote, count: 3) : String(quote))"])
            }
            if c == "\n" && !triple {
                throw LontarError("unterminated string literal (a line break inside \"…\"; use \"\"\"…\"\"\" or \\n)", at: start)
            }
            if c == quote {
                if !triple { _ = advance(); break }
                if peek(1) == quote && peek(2) == quote { _ = advance(); _ = advance(); _ = advance(); break }
            }
            if c == "\\" {
                let escapeAt = here
                _ = advance()
                guard let e = peek() else { continue }
                _ = advance()
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "0": value.append("\0")
                case "\\": value.append("\\")
                case "\"": value.append("\"")
                case "'": value.append("'")
                case "u":
                    guard peek() == "{" else {
                        throw LontarError("malformed unicode escape; write \\u{XXXX}", at: escapeAt)
                    }
                    _ = advance()
                    var hex = ""
                    while let h = peek(), h != "}" && hex.count < 8 { hex.append(advance()) }
                    guard peek() == "}", let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw LontarError("malformed unicode escape '\\u{\(hex)'", at: escapeAt)
                    }
                    _ = advance()
                    value.unicodeScalars.append(scalar)
                default:
                    throw LontarError("unknown escape '\\\(e)' in string", at: escapeAt,
                                      notes: ["known escapes: \\n \\t \\r \\0 \\\\ \\\" \\' \\u{XXXX}"])
                }
                continue
            }
            value.append(advance())
        }
        append(.string(value), start, "\"\(value)\"")
    }

    private mutating func lexRegex(_ start: SourcePosition) throws(LontarError) {
        _ = advance()  // opening /
        var pattern = ""
        while true {
            guard let c = peek(), c != "\n" else {
                throw LontarError("unterminated regex literal", at: start,
                                  notes: ["close it with '/'; for division, put spaces around '/'"])
            }
            _ = advance()
            if c == "/" { break }
            if c == "\\", let next = peek(), next != "\n" {
                _ = advance()
                if next == "/" { pattern.append("/") } else { pattern.append("\\"); pattern.append(next) }
                continue
            }
            pattern.append(c)
        }
        var flags = ""
        while let f = peek(), f == "i" { flags.append(advance()) }
        append(.regex(pattern: pattern, flags: flags), start, "/\(pattern)/\(flags)")
    }

    private mutating func lexSymbol(_ start: SourcePosition) throws(LontarError) {
        let c = advance()
        let two = peek().map { String(c) + String($0) }
        if let two, ["==", "!=", "<=", ">="].contains(two) {
            _ = advance()
            append(.symbol(two), start, two)
            return
        }
        switch c {
        case "(", "[", "{":
            depth += 1
        case ")", "]", "}":
            depth = max(0, depth - 1)
        case "=", "<", ">", "+", "-", "*", "/", "%", ",", ".", "|", ":":
            break
        default:
            throw LontarError("unexpected character '\(c)'", at: start)
        }
        append(.symbol(String(c)), start, String(c))
    }
}
