import Foundation
@testable import LontarFrame
import Testing

/// Java's `Double.toString` as Spark prints doubles (values observed in PySpark 4.3).
@Suite struct JavaDoubleTests {
    @Test(arguments: [
        (282.37, "282.37"), (1e7, "1.0E7"), (1e-4, "1.0E-4"), (0.001, "0.001"), (100.0, "100.0"),
        (0.1 + 0.2, "0.30000000000000004"), (2500000.70025, "2500000.70025"), (4999999.53316679, "4999999.53316679"),
        (3.0 / 7, "0.42857142857142855"), (1e21, "1.0E21"), (123456789.0, "1.23456789E8"), (-0.0, "-0.0"), (0.0, "0.0"),
        (9999999.0, "9999999.0"), (12345678.9, "1.23456789E7"), (0.00099, "9.9E-4"), (-1.5e-7, "-1.5E-7"),
        (Double.leastNonzeroMagnitude, "4.9E-324"), (Double.greatestFiniteMagnitude, "1.7976931348623157E308"), (1.0, "1.0"), (-2.5, "-2.5"),
        (3.6514837167011076, "3.6514837167011076"), (2.753785273643051, "2.753785273643051"), (1e16, "1.0E16"),
    ] as [(Double, String)])
    func formats(value: Double, expected: String) {
        #expect(JavaDouble.string(value) == expected)
    }

    @Test func specials() {
        #expect(JavaDouble.string(.nan) == "NaN")
        #expect(JavaDouble.string(.infinity) == "Infinity")
        #expect(JavaDouble.string(-.infinity) == "-Infinity")
    }

    /// Every output reads back as the same double, and uses the shortest digits.
    @Test func roundTripsOnRandomDoubles() {
        var rng = SplitMix(seed: 7)
        for _ in 0 ..< 20_000 {
            let x = Double(bitPattern: rng.next())
            guard x.isFinite else { continue }
            let s = JavaDouble.string(x)
            #expect(Double(s) == x, "\(s)")
            let digits = s.split(separator: "E")[0].filter(\.isNumber).drop { $0 == "0" }
            let shortest = x.description.split(separator: "e")[0].filter(\.isNumber).drop { $0 == "0" }
            #expect(digits.reversed().drop { $0 == "0" }.count <= max(2, shortest.reversed().drop { $0 == "0" }.count), "\(s) vs \(x.description)")
        }
    }
}

/// A tiny deterministic generator for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func double() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// Java `toLowerCase`/`toUpperCase` (Locale.ROOT) facts, observed through PySpark.
@Suite struct JavaCaseTests {
    func lower(_ s: String) -> String {
        var out: [UInt8] = []
        Array(s.utf8).withUnsafeBufferPointer { JavaCase.lower($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }
    func upper(_ s: String) -> String {
        var out: [UInt8] = []
        Array(s.utf8).withUnsafeBufferPointer { JavaCase.upper($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func fullMappings() {
        #expect(lower("İstanbul") == "i\u{307}stanbul")
        #expect(lower("\u{212A}elvin 300\u{A0}\u{212A}") == "kelvin 300\u{A0}k")
        #expect(lower("ÉCOLE µM") == "école µm")
        #expect(upper("ß ﬀ ŉ ᾳ") == "SS FF \u{2BC}N \u{391}\u{399}")
        #expect(upper("ﬃ") == "FFI")
        #expect(upper("ǆ") == "Ǆ")
        #expect(lower("ǅ") == "ǆ")
        #expect(lower("𝔼[X] ABC") == "𝔼[x] abc")
        #expect(upper("i\u{307}k") == "I\u{307}K")
    }

    /// Final sigma, with the word boundaries of Java's BreakIterator.
    @Test(arguments: [
        ("ΑΣ", "ας"), ("ΑΣ1", "ας1"), ("Σ", "σ"), ("AΣ.", "aς."), ("A.Σ", "a.ς"), ("AΣ\u{301}", "aς\u{301}"),
        ("A\u{301}Σ", "a\u{301}ς"), ("A'Σ", "a'ς"), ("1Σ", "1σ"), ("ΑΣ Σ", "ας σ"), ("ΑΣΑ", "ασα"),
        ("ΟΔΟΣ ΟΔΟΣ. AΣB Σ", "οδος οδος. aσb σ"), ("A:Σ", "a:σ"), ("A,Σ", "a,σ"), ("A-Σ", "a-ς"), ("AΣ-B", "aσ-b"),
        ("A..Σ", "a..σ"), ("A1.Σ", "a1.σ"), ("A Σ", "a σ"), ("ΑΣΣ", "ασς"),
    ] as [(String, String)])
    func finalSigma(input: String, expected: String) {
        #expect(lower(input) == expected)
    }

    @Test func malformedUTF8BecomesReplacementCharacter() {
        var out: [UInt8] = []
        [0x41, 0xFF, 0x42, 0xC3].withUnsafeBufferPointer { JavaCase.lower($0, into: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "a\u{FFFD}b\u{FFFD}")
    }
}

/// Spark ML `Tokenizer` sizes (Java `split("\\s")`).
@Suite struct TokenizerTests {
    func count(_ s: String) -> Int { Array(s.utf8).withUnsafeBufferPointer { SparkTokenizer.tokenCount($0) } }
    func tokens(_ s: String) -> [String] {
        var out = StringColumn()
        var scratch: [UInt8] = []
        Array(s.utf8).withUnsafeBufferPointer { SparkTokenizer.tokenize($0, into: &out, scratch: &scratch) }
        return (0 ..< out.count).map { out[$0] }
    }

    @Test(arguments: [
        ("", 1), (" ", 0), ("a", 1), ("a  b", 3), ("  a", 3), ("a  ", 1), ("\na", 2), ("a\u{0B}b", 2), ("a\rb", 2),
        ("a\u{A0}b", 1), ("a\u{3000}b", 1), ("a\u{85}b", 1), ("\t\t", 0), ("A  b\tC ", 4), ("x\n\n\ny", 4),
    ] as [(String, Int)])
    func sizes(text: String, expected: Int) {
        #expect(count(text) == expected)
        #expect(tokens(text).count == expected)
    }

    @Test func tokensAreLowercasedPieces() {
        #expect(tokens("A  b\tC ") == ["a", "", "b", "c"])
        #expect(tokens("𝔼é  x") == ["𝔼é", "", "x"])
        #expect(tokens("") == [""])
        #expect(tokens(" ") == [])
    }

    /// The counting fast path agrees with the materialising path on random text.
    @Test func countMatchesTokensOnRandomText() {
        var rng = SplitMix(seed: 11)
        let alphabet: [String] = [" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "a", "B", "é", "\u{A0}", "İ", "Σ"]
        for _ in 0 ..< 2000 {
            let s = (0 ..< rng.int(12)).map { _ in alphabet[rng.int(alphabet.count)] }.joined()
            #expect(count(s) == tokens(s).count, "\(s.debugDescription)")
        }
    }
}
