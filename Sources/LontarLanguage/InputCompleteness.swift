/// Decides whether typed input is a complete entry or needs more lines: an
/// open bracket, an unterminated triple-quoted string, or a last token that
/// cannot end a statement (`|`, `,`, an operator) all ask for more.
public enum InputCompleteness {
    public static func needsMoreInput(_ text: String) -> Bool {
        let trimmed = text.trimmingTrailingWhitespace
        if trimmed.isEmpty { return false }
        if trimmed.hasPrefix(":") && !trimmed.contains("\n") { return false }  // REPL meta command
        if unterminatedTripleQuote(trimmed) { return true }
        guard let tokens = try? Lexer.tokenize(trimmed, file: "<input>") else { return false }
        var depth = 0
        var last: TokenKind?
        for token in tokens {
            switch token.kind {
            case .symbol("("), .symbol("["), .symbol("{"): depth += 1
            case .symbol(")"), .symbol("]"), .symbol("}"): depth -= 1
            case .newline, .end: continue
            default: break
            }
            last = token.kind
        }
        if depth > 0 { return true }
        if case .symbol(let s)? = last, ["|", ",", "=", "+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "."].contains(s) {
            return true
        }
        if case .identifier(let w)? = last, w == "and" || w == "or" || w == "not" { return true }
        return false
    }

    private static func unterminatedTripleQuote(_ text: String) -> Bool {
        var open: String?
        var i = text.startIndex
        while i < text.endIndex {
            let rest = text[i...]
            if let delimiter = open {
                if rest.hasPrefix(delimiter) { open = nil; i = text.index(i, offsetBy: 3); continue }
            } else if rest.hasPrefix("\"\"\"") || rest.hasPrefix("'''") {
                open = String(rest.prefix(3))
                i = text.index(i, offsetBy: 3)
                continue
            }
            i = text.index(after: i)
        }
        return open != nil
    }
}

extension String {
    var trimmingTrailingWhitespace: String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
