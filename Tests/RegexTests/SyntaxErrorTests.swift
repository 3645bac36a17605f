import Testing
@testable import LontarRegex

/// Compile errors: syntax Java rejects, and syntax Java accepts that this
/// engine refuses rather than matching differently. Every error carries the
/// 1-based column (in code points) of the offending construct.
struct SyntaxErrorTests {
    struct Expected: CustomStringConvertible {
        var pattern: String
        var column: Int
        var message: String  // a substring of the message
        var description: String { pattern }
    }

    /// Constructs Java accepts but this engine does not implement.
    static let unsupported: [Expected] = [
        Expected(pattern: "(a)\\1", column: 4, message: "backreferences"),
        Expected(pattern: "(?<n>a)\\k<n>", column: 8, message: "named backreferences"),
        Expected(pattern: "a(?=b)", column: 2, message: "lookahead"),
        Expected(pattern: "a(?!b)", column: 2, message: "lookahead"),
        Expected(pattern: "a(?<=b)", column: 2, message: "lookbehind"),
        Expected(pattern: "a(?<!b)", column: 2, message: "lookbehind"),
        Expected(pattern: "(?>a)", column: 1, message: "atomic"),
        Expected(pattern: "a*+", column: 2, message: "possessive"),
        Expected(pattern: "a++", column: 2, message: "possessive"),
        Expected(pattern: "a?+", column: 2, message: "possessive"),
        Expected(pattern: "xa{1,2}+", column: 3, message: "possessive"),
        Expected(pattern: "a\\G", column: 2, message: "\\G"),
        Expected(pattern: "a\\X", column: 2, message: "grapheme"),
        Expected(pattern: "\\b{g}", column: 1, message: "grapheme"),
        Expected(pattern: "ab(?x)c", column: 5, message: "COMMENTS"),
        Expected(pattern: "(?iu)é", column: 4, message: "UNICODE_CASE"),
        Expected(pattern: "(?U)\\w", column: 3, message: "UNICODE_CHARACTER_CLASS"),
        Expected(pattern: "(?d).", column: 3, message: "UNIX_LINES"),
        Expected(pattern: "\\p{IsLatin}", column: 1, message: "scripts"),
        Expected(pattern: "x\\p{InGreek}", column: 2, message: "blocks"),
        Expected(pattern: "\\p{script=Greek}", column: 1, message: "scripts"),
        Expected(pattern: "\\N{LATIN SMALL LETTER A}", column: 1, message: "named characters"),
        Expected(pattern: "\\p{javaJavaIdentifierStart}", column: 1, message: "not supported"),
    ]

    /// Syntax Java itself rejects (messages follow Java's).
    static let invalid: [Expected] = [
        Expected(pattern: "a**", column: 3, message: "Dangling meta character '*'"),
        Expected(pattern: "*a", column: 1, message: "Dangling meta character '*'"),
        Expected(pattern: "a|+", column: 3, message: "Dangling meta character '+'"),
        Expected(pattern: "[a", column: 1, message: "Unclosed character class"),
        Expected(pattern: "ab[^a-c", column: 3, message: "Unclosed character class"),
        Expected(pattern: "[z-a]", column: 2, message: "Illegal character range"),
        Expected(pattern: "a{2,1}", column: 2, message: "Illegal repetition range"),
        Expected(pattern: "a{99999999999}", column: 2, message: "Illegal repetition range"),
        Expected(pattern: "a{2", column: 2, message: "Unclosed counted closure"),
        Expected(pattern: "a{,2}", column: 2, message: "Illegal repetition"),
        Expected(pattern: "(a", column: 1, message: "Unclosed group"),
        Expected(pattern: "éé(b|c", column: 3, message: "Unclosed group"),
        Expected(pattern: "a)", column: 2, message: "Unmatched closing ')'"),
        Expected(pattern: "\\x{110000}", column: 1, message: "Hexadecimal codepoint is too big"),
        Expected(pattern: "\\xZ", column: 1, message: "Illegal hexadecimal escape sequence"),
        Expected(pattern: "\\u12", column: 1, message: "Illegal Unicode escape sequence"),
        Expected(pattern: "\\09", column: 1, message: "Illegal octal escape sequence"),
        Expected(pattern: "\\p{Foo}", column: 1, message: "Unknown character property name {Foo}"),
        Expected(pattern: "\\p{}", column: 1, message: "Empty character family"),
        Expected(pattern: "\\p{L", column: 1, message: "Unclosed character family"),
        Expected(pattern: "(?<n>a)(?<n>b)", column: 8, message: "Named capturing group <n> is already defined"),
        Expected(pattern: "(?<1n>a)", column: 4, message: "does not start with a Latin letter"),
        Expected(pattern: "(?<n-x>a)", column: 5, message: "missing trailing '>'"),
        Expected(pattern: "(?q)", column: 3, message: "Unknown inline modifier"),
        Expected(pattern: "(?$a)", column: 1, message: "Unknown group type"),
        Expected(pattern: "\\q", column: 1, message: "Illegal/unsupported escape sequence"),
        Expected(pattern: "[\\b]", column: 2, message: "Illegal/unsupported escape sequence"),
        Expected(pattern: "[a-\\d]", column: 2, message: "Illegal character range"),
        Expected(pattern: "a\\", column: 2, message: "backslash"),
        Expected(pattern: "\\c", column: 1, message: "Illegal control escape sequence"),
    ]

    @Test(arguments: unsupported + invalid)
    func reportsErrorWithColumn(_ e: Expected) {
        do {
            _ = try RegexPattern(e.pattern)
            Issue.record("\(e.pattern) compiled")
        } catch {
            #expect(error.column == e.column, "\(e.pattern): \(error)")
            #expect(error.message.contains(e.message), "\(e.pattern): \(error)")
            #expect(error.source == .pattern)
            #expect(error.text == e.pattern)
            #expect(error.description.contains("column \(e.column)"))
        }
    }

    @Test func columnsCountCodePointsNotBytes() throws {
        // "é" is two UTF-8 bytes and "😀" four; the column counts characters.
        let error = try #require(throws: RegexError.self) { try RegexPattern("é😀x**") }
        #expect(error.column == 5)
    }

    @Test func quotingKeepsSourceColumns() throws {
        let error = try #require(throws: RegexError.self) { try RegexPattern("\\Q(*)\\E**") }
        #expect(error.column == 9)
        #expect(error.message.contains("Dangling"))
    }

    @Test(arguments: [
        // Java accepts all of these; they must compile.
        "]", "}", "a{2}{3}", "{2}", "[]a]", "[^]a]", "[a&&]", "[&&a]", "[\\d-z]", "x{0}", "(?i-i)",
        "(?-x)a", "\\Q*+?\\E", "\\Q", "a\\Qb", "[\\Q]\\E]", "(?:)", "()", "|", "a||b", "\\p{L}\\pL\\P{Lu}\\p{IsL}",
        "\\p{gc=Lu}", "\\p{general_category=Nd}", "\\p{Alpha}\\p{javaLowerCase}\\p{IsAlphabetic}\\p{IsWhite_Space}",
        "\\0101\\x41\\u0041\\x{1F600}\\cA\\e\\a\\f\\t\\n\\r", "\\uD83D\\uDE00", "[\\v-\\x0D]", "(?<name1>a)",
        "\\R", "\\h\\H\\v\\V", "^$\\A\\z\\Z\\b\\B", "(?s:.)(?m:^)",
    ])
    func acceptsJavaSyntax(_ pattern: String) throws {
        _ = try RegexPattern(pattern)
    }
}

extension SyntaxErrorTests {
    /// Deep nesting is an error, not a stack overflow — also on a worker
    /// thread, whose stack is small.
    @Test func deepNestingIsAnErrorNotACrash() async throws {
        let deep = String(repeating: "(", count: 5000) + "a" + String(repeating: ")", count: 5000)
        let classes = String(repeating: "[", count: 5000) + "a" + String(repeating: "]", count: 5000)
        let results = await Task.detached {
            [deep, classes].map { p -> RegexError? in
                do throws(RegexError) { _ = try RegexPattern(p); return nil } catch { return error }
            }
        }.value
        #expect(results[0]?.message.contains("nested") == true)
        #expect(results[1]?.message.contains("nested") == true)
        // Nesting up to the limit compiles and matches, on a worker thread too.
        let limit = PatternParser.maxNesting
        let ok = String(repeating: "(", count: limit) + "a" + String(repeating: ")+", count: limit)
        let matches = await Task.detached { () -> [String]? in
            do throws(RegexError) { return try RegexPattern(ok).allMatches(in: "aab") } catch {
                Issue.record("\(error)")
                return nil
            }
        }.value
        #expect(matches == ["aa"])
    }

    @Test func hugeRepetitionIsAnErrorNotAnExplosion() throws {
        let error = try #require(throws: RegexError.self) { try RegexPattern("(a{1000}){1000}") }
        #expect(error.message.contains("too large"))
        #expect(try RegexPattern("a{1000}").matches(String(repeating: "a", count: 1000)))
    }
}
