import Foundation
@testable import LontarFrame
import LontarRegex
import Testing

/// The simple-pattern fast path must agree with the general engine (which is
/// itself tested against java.util.regex), and the engine path must give
/// Spark's results for what the fast path does not cover.
@Suite struct PatternTests {
    /// Random patterns in the fast path's language, on random text.
    @Test func simplePatternsAgreeWithTheEngine() throws {
        var rng = SplitMix(seed: 99)
        let atoms = ["a", "b", "x", "@", "\\.", "\\s", "\\d", "\\w", "\\S", "[a-c]", "[^a-z0-9\\s]", "[0-9]", ".", "é", "[é-ü]",
                     "\\n", "\\t", "\\x41", "\\u00e9", "[.,]", "[-a]", "[a-]", "Σ", "𝔼"]
        let alphabet = ["a", "b", "c", "x", "A", "@", ".", ",", " ", "\t", "\n", "1", "9", "é", "ü", "Σ", "𝔼", "\u{A0}", "-", "_"]
        var checked = 0
        for _ in 0 ..< 400 {
            var pattern = (0 ..< 1 + rng.int(3)).map { _ in atoms[rng.int(atoms.count)] }.joined()
            if rng.int(2) == 0 { pattern += "+" }
            guard let simple = SimplePattern.parse(pattern) else {
                Issue.record("fast path refused \(pattern)")
                continue
            }
            let regex = try RegexPattern(pattern)
            for _ in 0 ..< 20 {
                let text = (0 ..< rng.int(15)).map { _ in alphabet[rng.int(alphabet.count)] }.joined()
                let bytes = Array(text.utf8)
                var from = 0
                while from <= bytes.count {
                    let ours = bytes.withUnsafeBufferPointer { simple.find($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count, from: from) }
                    let theirs = bytes.withUnsafeBufferPointer { regex.firstMatch(in: $0, from: from)?.range }
                    #expect(ours == theirs, "\(pattern) on \(text.debugDescription) from \(from)")
                    checked += 1
                    guard let m = ours else { break }
                    from = m.isEmpty ? m.upperBound + 1 : m.upperBound
                    while from < bytes.count && bytes[from] & 0xC0 == 0x80 { from += 1 }
                }
            }
        }
        #expect(checked > 8000)
    }

    @Test func fastPathRefusesWhatItCannotDo() {
        for p in ["a*", "a|b", "(a)", "a+b", "^a", "a$", "a{2}", "a?", "[a[b]]", "[a&&b]", "\\p{L}", "\\bword", "(?i)a"] {
            #expect(SimplePattern.parse(p) == nil, "\(p)")
        }
    }

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
