import LontarRegex

/// A compiled Java regular expression, as Spark's `regexp_replace`, `rlike`,
/// `split` and ML `RegexTokenizer` use it.
///
/// Every pattern is compiled by LontarRegex (Java syntax and semantics, with
/// Java's errors); the simplest ones — the literals and single classes data
/// cleaning mostly uses — additionally get a dedicated scanner
/// (`SimplePattern`) that avoids the general engine's per-match overhead.
struct JavaPattern: Sendable {
    let source: String
    let regex: RegexPattern
    let simple: SimplePattern?

    static func compile(_ pattern: String) throws -> JavaPattern {
        let regex: RegexPattern
        do {
            regex = try RegexPattern(pattern)
        } catch {
            throw FrameError.invalidPattern(pattern: pattern, message: error.description)
        }
        return JavaPattern(source: pattern, regex: regex, simple: SimplePattern.parse(pattern))
    }
}

/// A `regexp_replace` replacement prepared for one pattern: plain bytes when
/// it has no `$` or `\`, else LontarRegex's Java replacement (which, like
/// Java, is only an error once there is a match to replace).
struct JavaReplacement: Sendable {
    let template: String
    let literal: [UInt8]?
    let regex: RegexReplacement

    init(_ template: String, for pattern: JavaPattern) {
        self.template = template
        literal = template.contains("$") || template.contains("\\") ? nil : Array(template.utf8)
        regex = pattern.regex.replacement(template)
    }
}
