import Testing
import LontarLanguage

@Suite struct LexerTests {
    func kinds(_ source: String) throws -> [TokenKind] {
        try Lexer.tokenize(source, file: "t").map(\.kind)
    }

    @Test func numbersStringsAndSymbols() throws {
        #expect(try kinds("x = 1_500_000 + 2.5e-4") == [
            .identifier("x"), .symbol("="), .integer(1_500_000), .symbol("+"), .double(2.5e-4), .newline, .end,
        ])
        #expect(try kinds(#""a\tb\u{e9}" 'c'"#) == [.string("a\tbé"), .string("c"), .newline, .end])
    }

    @Test func regexLiteralVersusDivision() throws {
        #expect(try kinds("replace input /x[0-9]+/ with \"\"") == [
            .identifier("replace"), .identifier("input"), .regex(pattern: "x[0-9]+", flags: ""),
            .identifier("with"), .string(""), .newline, .end,
        ])
        #expect(try kinds("a / b") == [.identifier("a"), .symbol("/"), .identifier("b"), .newline, .end])
        #expect(try kinds("a/b") == [.identifier("a"), .symbol("/"), .identifier("b"), .newline, .end])
        #expect(try kinds(#"/a\/b\n/i"#) == [.regex(pattern: #"a/b\n"#, flags: "i"), .newline, .end])
    }

    @Test func pipelinesContinueAcrossLines() throws {
        let source = """
        clean = papers | lower input
                       | trim input   -- a comment
        show clean
        """
        let newlines = try kinds(source).filter { $0 == .newline }.count
        #expect(newlines == 2)
    }

    @Test func tripleQuotedStringsSpanLines() throws {
        #expect(try kinds("\"\"\"a\nb\"\"\"") == [.string("a\nb"), .newline, .end])
    }

    @Test func errorsCarryTheirPosition() {
        func error(_ source: String) -> LontarError? {
            do { _ = try Lexer.tokenize(source, file: "nb.md", firstLine: 10); return nil } catch { return error }
        }
        let unterminated = error("x = 1\nprint \"oops")
        #expect(unterminated?.location == SourcePosition(file: "nb.md", line: 11, column: 7))
        #expect(unterminated?.message == "unterminated string literal")
        #expect(error("y = 12abc")?.location?.column == 5)
        #expect(error("y = 99999999999999999999")?.message.contains("too large") == true)
        #expect(error("print \"\\q\"")?.location?.column == 8)
        #expect(error("x = 3 $ 4")?.message == "unexpected character '$'")
        #expect(error("x = 3 $ 4")?.location?.column == 7)
        #expect(error("replace a /abc")?.message == "unterminated regex literal")
    }
}
