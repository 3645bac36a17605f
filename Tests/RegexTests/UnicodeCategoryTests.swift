import LontarTestSupport
import Testing
@testable import LontarRegex

struct UnicodeCategoryTests {
    typealias Category = UnicodeCategory.GeneralCategory

    @Test func classifiesKnownCharacters() {
        let cases: [(Unicode.Scalar, Category)] = [
            ("a", .Ll), ("Z", .Lu), ("é", .Ll), ("ǅ", .Lt), ("ʰ", .Lm), ("中", .Lo), ("\u{301}", .Mn),
            ("5", .Nd), ("٣", .Nd), ("Ⅻ", .Nl), ("½", .No), ("_", .Pc), ("-", .Pd), ("(", .Ps), (")", .Pe),
            ("«", .Pi), ("»", .Pf), ("!", .Po), ("+", .Sm), ("€", .Sc), ("^", .Sk), ("©", .So), (" ", .Zs),
            ("\u{2028}", .Zl), ("\u{2029}", .Zp), ("\n", .Cc), ("\u{200B}", .Cf), ("\u{E000}", .Co),
            ("😀", .So), ("\u{10FFFF}", .Cn),
        ]
        for (scalar, category) in cases {
            #expect(UnicodeCategory.generalCategory(scalar.value) == category, "U+\(String(scalar.value, radix: 16))")
        }
        #expect(UnicodeCategory.generalCategory(0xD800) == .Cs)
        #expect(UnicodeCategory.generalCategory(0x110000) == .Cn)
    }

    @Test func groupPredicates() {
        #expect(UnicodeCategory.isLetter(0x61) && UnicodeCategory.isLetter(0xE9) && UnicodeCategory.isLetter(0x4E2D))
        #expect(!UnicodeCategory.isLetter(0x31) && !UnicodeCategory.isLetter(0x301))
        #expect(UnicodeCategory.isNumber(0x35) && UnicodeCategory.isNumber(0xBD) && UnicodeCategory.isNumber(0x216B))
        #expect(UnicodeCategory.isDigit(0x663) && !UnicodeCategory.isDigit(0xBD))
        #expect(UnicodeCategory.isLetterOrDigit(0x5F) == false && UnicodeCategory.isLetterOrDigit(0x39))
        #expect(UnicodeCategory.isPunctuation(0x2C) && UnicodeCategory.isPunctuation(0x2018))
        #expect(UnicodeCategory.isSymbol(0x20AC) && UnicodeCategory.isSymbol(0x2B))
        #expect(UnicodeCategory.isSeparator(0x20) && UnicodeCategory.isSeparator(0x3000))
        #expect(UnicodeCategory.isMark(0x301))
        #expect(UnicodeCategory.isJavaWhitespace(0x20) && UnicodeCategory.isJavaWhitespace(0x1F))
        #expect(!UnicodeCategory.isJavaWhitespace(0xA0) && UnicodeCategory.isJavaWhitespace(0x2003))
    }

    /// Every code point Java 17 considers assigned must get Java's category.
    /// Java 17 implements Unicode 13; the standard library may be newer, so
    /// code points Java calls unassigned (Cn) are skipped, and the few whose
    /// category changed between Unicode versions are listed and bounded.
    @Test(.enabled(if: JavaOracle.available || TestSupport.peersRequired, "needs java and javac"))
    func agreesWithJavaOnAssignedCodePoints() throws {
        try #require(JavaOracle.available, "java/javac missing")
        let runs = try JavaOracle.categoryRuns()
        #expect(runs.count > 3000)
        var differences: [String] = []
        var compared = 0
        for (i, (start, name)) in runs.enumerated() where name != "Cn" {
            let end = i + 1 < runs.count ? runs[i + 1].0 : 0x110000
            for cp in start..<end {
                compared += 1
                let mine = "\(UnicodeCategory.generalCategory(cp))"
                if mine != name { differences.append("U+\(String(cp, radix: 16, uppercase: true)) java \(name) lontar \(mine)") }
            }
        }
        #expect(compared > 280_000)
        // Recategorised after Unicode 13 (e.g. U+0295 became Lo in Unicode 14).
        let known: Set<String> = [
            "U+295 java Ll lontar Lo", "U+1734 java Mn lontar Mc", "U+1171E java Mn lontar Mc",
        ]
        let unexpected = differences.filter { !known.contains($0) }
        #expect(unexpected.isEmpty, "\(unexpected.count) differences: \(unexpected.prefix(20))")
    }
}
