/// A regular expression that cannot be compiled, or a replacement string that
/// cannot be applied.
///
/// Lontar's engine either reproduces Java's `java.util.regex` behaviour exactly
/// or refuses the pattern with one of these errors: syntax Java rejects is
/// rejected (with Java's message where one exists), and syntax Java accepts
/// but this engine does not implement (backreferences, lookaround, possessive
/// quantifiers…) is rejected too, never silently matched differently.
public struct RegexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which text the error points into.
    public enum Source: Sendable, Equatable {
        /// The regular expression itself.
        case pattern
        /// A replacement string (`$1`, `${name}`, `\$` syntax).
        case replacement
    }

    /// What went wrong, in words.
    public let message: String
    /// 1-based position (in Unicode code points) of the offending construct in
    /// `text`; `text.unicodeScalars.count + 1` means "at the end".
    public let column: Int
    /// The pattern or replacement string the column refers to.
    public let text: String
    public let source: Source

    public init(_ message: String, column: Int, in text: String, source: Source = .pattern) {
        self.message = message
        self.column = column
        self.text = text
        self.source = source
    }

    public var description: String {
        let what = source == .pattern ? "regex" : "replacement"
        return "\(what) error at column \(column): \(message) in \(what) \"\(text)\""
    }
}
