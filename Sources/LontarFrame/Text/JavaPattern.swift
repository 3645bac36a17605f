import LontarRegex

/// A compiled Java regular expression, as Spark's `regexp_replace`, `rlike`,
/// `split` and ML `RegexTokenizer` use it: LontarRegex, which implements
/// `java.util.regex` syntax and semantics on UTF-8 bytes (and rejects, with
/// Java's messages, what Java rejects).
struct JavaPattern: Sendable {
    let source: String
    let regex: RegexPattern

    static func compile(_ pattern: String) throws -> JavaPattern {
        do {
            return JavaPattern(source: pattern, regex: try RegexPattern(pattern))
        } catch {
            throw FrameError.invalidPattern(pattern: pattern, message: error.description)
        }
    }
}

/// A `regexp_replace` replacement prepared for one pattern (Java's `$1`,
/// `${name}`, `\$` syntax; like Java, an invalid one is only an error once
/// there is a match to replace).
struct JavaReplacement: Sendable {
    let template: String
    let regex: RegexReplacement

    init(_ template: String, for pattern: JavaPattern) {
        self.template = template
        regex = pattern.regex.replacement(template)
    }
}
