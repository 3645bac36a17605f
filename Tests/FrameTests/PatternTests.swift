import Foundation
@testable import LontarFrame
import LontarRegex
import Testing

/// Regex-based functions through LontarRegex (itself tested against
/// java.util.regex) must give Spark's results.
@Suite struct PatternTests {
    func eval(_ e: ColumnExpression) throws -> Scalar {
        try Frame(columns: [Column(name: "x", storage: .int64([0]))]).evaluate(e)[0]
    }

    /// Values observed in PySpark 4.3.
    @Test func enginePathMatchesSpark() throws {
        #expect(try eval(.regexpReplace(.lit("abc"), pattern: "x*", replacement: "-")) == .string("-a-b-c-"))
        #expect(try eval(.regexpReplace(.lit("hello"), pattern: "(l+)", replacement: "<$1>")) == .string("he<ll>o"))
        #expect(try eval(.rlike(.lit("abc"), pattern: "^b")) == .bool(false))
        #expect(try eval(.rlike(.lit("abc"), pattern: "b|z")) == .bool(true))
        // Java's "a1b22c".split("[0-9]*", -1): an empty match may follow a non-empty one.
        #expect(try eval(.split(.lit("a1b22c"), pattern: "[0-9]*", limit: -1))
                == .list(["a", "", "b", "", "c", ""].map { .string($0) }))
        // Java: an invalid replacement is only an error when something matches.
        #expect(try eval(.regexpReplace(.lit("abc"), pattern: "(z)", replacement: "$2")) == .string("abc"))
        #expect(throws: FrameError.self) { try eval(.regexpReplace(.lit("abc"), pattern: "(b)", replacement: "$2")) }
        #expect(throws: FrameError.self) { try eval(.rlike(.lit("abc"), pattern: "(unclosed")) }
        let tokens = try eval(.regexTokenize(.lit("Hello, World 42!"), .init(pattern: "[a-z]+|[0-9]+", gaps: false)))
        #expect(tokens == .list(["hello", "world", "42"].map { .string($0) }))
    }
}
