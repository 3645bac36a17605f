/// The lexical tokens of Lontar's DSL.
public enum TokenKind: Sendable, Equatable {
    case identifier(String)
    case integer(Int64)
    case double(Double)
    case string(String)
    /// `/pattern/flags`: the pattern text is kept verbatim for the regex engine.
    case regex(pattern: String, flags: String)
    case symbol(String)      // = == != < <= > >= + - * / % ( ) [ ] { } , . | : ;
    case newline             // statement separator
    case end

    /// Whether a value can end with this token (so a following `/` is division).
    var endsValue: Bool {
        switch self {
        case .identifier, .integer, .double, .string, .regex: true
        case .symbol(let s): s == ")" || s == "]" || s == "}"
        default: false
        }
    }
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var location: SourcePosition
    /// The source text of the token (for messages).
    public var text: String
}
