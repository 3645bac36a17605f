import Foundation
import LontarTestSupport
import Testing
@testable import LontarRegex

/// Compares Lontar's regex engine with real Java (java.util.regex, JDK 17)
/// on find / groups / replaceAll / split / matches, exactly.
@Suite(.enabled(if: JavaOracle.available || TestSupport.peersRequired, "needs java and javac"))
struct JavaDifferentialTests {
    typealias Case = JavaOracle.Case

    /// Hand-picked cases for Java's corner cases.
    static let handwritten: [Case] = [
        // Empty matches in find / replaceAll / split.
        Case(pattern: "x*", input: "abc", replacement: "-"),
        Case(pattern: "a*", input: "baaac", replacement: "-"),
        Case(pattern: "", input: "abc", replacement: "-"),
        Case(pattern: "", input: "", replacement: "-"),
        Case(pattern: "a*?", input: "aab", replacement: "<$0>"),
        Case(pattern: "\\b", input: "ab cd", replacement: "|"),
        Case(pattern: "(?m)^", input: "a\nb\n", replacement: ">"),
        Case(pattern: "(?m)$", input: "a\r\nb\n", replacement: "<"),
        Case(pattern: "$", input: "a\n", replacement: "<"),
        Case(pattern: "$", input: "a\r\n", replacement: "<"),
        Case(pattern: "\\Z", input: "a\n\n", replacement: "<"),
        Case(pattern: "(?m)^", input: "", replacement: ">"),
        // Java's loop rule: a round that matched empty ends the loop.
        Case(pattern: "(|a)*", input: "a"),
        Case(pattern: "(a|)*", input: "aa", replacement: "[$1]"),
        Case(pattern: "(a*)*", input: "b", replacement: "[$1]"),
        Case(pattern: "(a*)+", input: "aab", replacement: "[$1]"),
        Case(pattern: "(?:^|x){2}", input: "x"),
        Case(pattern: "(\\b|x)*y", input: "xxy"),
        Case(pattern: "(a?){3}", input: "aa", replacement: "[$1]"),
        Case(pattern: "(a|b)*?c", input: "abac", replacement: "[$1]"),
        Case(pattern: "()*", input: "ab", replacement: "[$1]"),
        Case(pattern: "()+", input: "ab", replacement: "[$1]"),
        Case(pattern: "(\\b)*", input: "ab", replacement: "[$1]"),
        Case(pattern: "((\\b))*", input: "ab", replacement: "[$1$2]"),
        Case(pattern: "(?:(\\b))*", input: "ab", replacement: "[$1]"),
        // Groups inside repeated fixed-length groups keep values from
        // backtracking in Java; Lontar refuses to expose those groups but
        // must agree on everything else.
        Case(pattern: "(?:(\\w))+\\w", input: "ab", replacement: "[$1]"),
        Case(pattern: "((\\w))+\\w", input: "abc", replacement: "[$1]"),
        Case(pattern: "(?:(\\d)-)+x|\\d", input: "1-2-y3", replacement: "<$0>"),
        Case(pattern: "(?:([^a]{2}){0,2}c)+", input: "xxcyyzzc", replacement: "[$1]"),
        Case(pattern: "(?:(ab)+c)+", input: "abcababc", replacement: "[$1]"),
        // Leftmost-first, not leftmost-longest.
        Case(pattern: "a|ab", input: "abab"),
        Case(pattern: "(a|ab)(c|bcd)(d*)", input: "abcd", replacement: "$1,$2,$3"),
        Case(pattern: "(a+)(a+)", input: "aaaa", replacement: "$2-$1"),
        Case(pattern: "(a+?)(a*)", input: "aaaa", replacement: "$2-$1"),
        // The paper's cleaning patterns.
        Case(pattern: "[^a-z0-9\\s]", input: "hello, world! (x=1) é€", replacement: ""),
        Case(pattern: "\\s+", input: "  a \t\n b  ", replacement: " "),
        Case(pattern: "xmath[0-9]+", input: "let xmath12 and xmath and xmath3x", replacement: ""),
        Case(pattern: "@xcite", input: "see @xcite, @xcite.", replacement: ""),
        Case(pattern: "\\n", input: "a\nb\n\nc", replacement: " "),
        // Replacement syntax.
        Case(pattern: "(a)(b)?", input: "ab a", replacement: "[$2$1]"),
        Case(pattern: "(a)", input: "aa", replacement: "$11"),
        Case(pattern: "(a)", input: "aa", replacement: "\\$1"),
        Case(pattern: "(?<first>a)", input: "aa", replacement: "${first}!"),
        Case(pattern: "a", input: "bab", replacement: "$"),
        Case(pattern: "a", input: "bbb", replacement: "$"),
        Case(pattern: "a", input: "bab", replacement: "$2"),
        Case(pattern: "a", input: "bab", replacement: "x\\"),
        // split limits.
        Case(pattern: ",", input: "a,b,,c,,", limit: 0),
        Case(pattern: ",", input: "a,b,,c,,", limit: -1),
        Case(pattern: ",", input: "a,b,,c,,", limit: 2),
        Case(pattern: ",", input: "a,b,,c,,", limit: 1),
        Case(pattern: ",", input: ",a", limit: 0),
        Case(pattern: "", input: "abc", limit: 0),
        Case(pattern: "x*", input: "axbc", limit: -1),
        Case(pattern: "\\s*", input: " a b ", limit: 0),
        Case(pattern: "a", input: "aaa", limit: 0),
        // Word boundaries with marks and non-ASCII letters.
        Case(pattern: "\\b", input: "a\u{301} b", replacement: "|"),
        Case(pattern: "\\b", input: "\u{301}a", replacement: "|"),
        Case(pattern: "\\B", input: "é\u{301}x y", replacement: "|"),
        Case(pattern: "\\bé\\w*", input: "été éa", replacement: "<$0>"),
        // Case-insensitivity is ASCII-only by default.
        Case(pattern: "(?i)straße", input: "STRASSE Straße STRAßE"),
        Case(pattern: "(?i)é", input: "É é"),
        Case(pattern: "(?i)[a-c]+", input: "xAbCy"),
        Case(pattern: "(?i)[Z-a]", input: "zA_["),
        Case(pattern: "(?i)\\p{Lu}", input: "aBé"),
        Case(pattern: "a(?i)b|c", input: "aB C"),
        Case(pattern: "(?i:a)a", input: "Aa AA"),
        // Dot and line terminators.
        Case(pattern: ".", input: "a\nb\rc\u{85}d\u{2028}e"),
        Case(pattern: "(?s).", input: "a\n"),
        Case(pattern: "\\R", input: "a\r\nb\nc\r", replacement: "|"),
        Case(pattern: "\\R\\n", input: "\r\n"),
        Case(pattern: "(\\R*\\v)*", input: "a\r\n", replacement: "[$1]"),
        Case(pattern: "\\R+\\n", input: "\r\n\r\n"),
        Case(pattern: "\\R?\\n", input: "\r\n"),
        Case(pattern: "(a\\R)*\\n", input: "a\r\n"),
        Case(pattern: "$[^a]?", input: "\n"),
        Case(pattern: "\\Z.?", input: "\r\n"),
        // Classes.
        Case(pattern: "[]a]", input: "]a"),
        Case(pattern: "[^]a]", input: "]ab"),
        Case(pattern: "[a-z&&[^aeiou]]+", input: "abcde"),
        Case(pattern: "[abc&&b]", input: "abc"),
        Case(pattern: "[a&&]", input: "ab"),
        Case(pattern: "[\\d-z]", input: "-5z"),
        Case(pattern: "[a-c[x-z]]", input: "abxyq"),
        Case(pattern: "[^a[b]]", input: "abc"),
        Case(pattern: "[\\Q]\\E]", input: "]"),
        Case(pattern: "\\p{L}+", input: "héllo wörld 123"),
        Case(pattern: "\\p{IsAlphabetic}+", input: "héllo wörld 123"),
        Case(pattern: "\\pL\\pN", input: "a1 b2"),
        Case(pattern: "[\\p{P}\\p{S}]", input: "a,b€c+d"),
        // Literal syntax oddities.
        Case(pattern: "a{2}{3}", input: "aaaaaa"),
        Case(pattern: "{2}", input: "ab"),
        Case(pattern: "a{,3}", input: "a"),
        Case(pattern: "]}", input: "]}"),
        Case(pattern: "\\Qa.b\\E+", input: "a.bb"),
        Case(pattern: "\\x41\\u0042\\x{43}\\0104", input: "ABCD"),
        Case(pattern: "\\cA", input: "\u{1}"),
        Case(pattern: "a\\", input: "a"),
        Case(pattern: "(?", input: "a"),
        Case(pattern: "[a-", input: "a"),
        Case(pattern: "x**", input: "x"),
        Case(pattern: "(?<1a>x)", input: "x"),
        // Anchors inside loops.
        Case(pattern: "(^a|b)+", input: "abab"),
        Case(pattern: "(?m)(^a$\\n?)+", input: "a\na\nb"),
        // Supplementary characters where Java's UTF-16 view is unambiguous.
        Case(pattern: ".", input: "a😀b"),
        Case(pattern: "[^a-z]", input: "a😀b", replacement: ""),
        Case(pattern: "\\W+", input: "😀😀a", replacement: "-"),
        Case(pattern: "😀+", input: "😀😀x😀"),
    ]

    @Test func handwrittenCasesMatchJava() throws {
        try #require(JavaOracle.available, "java/javac missing")
        let cases = JavaDifferentialTests.handwritten
        let java = try JavaOracle.run(cases)
        for (c, j) in zip(cases, java) {
            for pikeOnly in [false, true] {
                let mine = JavaOracle.lontar(c, pikeOnly: pikeOnly)
                let diff = JavaOracle.difference(java: j, lontar: mine)
                #expect(diff == nil, "pattern \(c.pattern.debugDescription) input \(c.input.debugDescription) replacement \(c.replacement.debugDescription) limit \(c.limit) pike-only \(pikeOnly): \(diff ?? "")")
            }
        }
    }

    /// Patterns people write to clean text, on a few kilobytes of
    /// paper-like text with markup, Unicode and line breaks (long inputs
    /// exercise the DFA caches and prefilters).
    @Test func realisticCleaningPatternsMatchJava() throws {
        try #require(JavaOracle.available, "java/javac missing")
        let patterns = [
            "\\s+", "[^a-zA-Z0-9 ]", "[^\\w\\s]", "\\d+", "https?://\\S+", "<[^>]+>", "\\[[0-9]+\\]",
            "\\(.*?\\)", "\\p{Punct}", "\\p{P}+", "^\\s+|\\s+$", "(?i)abstract", "\\$[^$]*\\$",
            "\\b[a-z]{1,2}\\b", "[.!?]\\s+", "-{2,}", "\\.{3}", "['\"]", "@xcite|xmath\\d+", "\\b(the|a|an)\\b",
            "[\\u0080-\\uFFFF]", "[^\\x00-\\x7F]+", "\\s*,\\s*", "(?m)^\\s*$", "\\r?\\n", "\\t", "[ ]{2,}",
            "(?i)\\b(fig|eq|ref)\\.\\s*\\d+", "([a-z]+)-\\s*\\n\\s*([a-z]+)", "(?s)\\\\begin\\{(\\w+)\\}.*?\\\\end\\{\\w*\\}",
            "\\b\\w+(?:'\\w+)?\\b", "[\\p{L}&&[^a-z]]+", "\\p{Lu}\\p{Ll}+", "\\W+", "(\\d+)\\s*%", "\\b\\d{4}\\b",
            "e\\.g\\.|i\\.e\\.", "(?m)^#+\\s*(.*)$", "\\s+([.,;:])", "[“”„]|[‘’]", "\\bxmath\\d*\\b",
        ]
        let words = ["the", "of", "We", "study", "a", "model", "(see", "ref.", "[12]", "fig. 3", "e.g.", "xmath12", "@xcite",
                     "https://arxiv.org/abs/1234.5678", "<b>bold</b>", "$x^2$", "50 %", "naïve", "Schrödinger", "Über",
                     "“quoted”", "don't", "co-\noperate", "...", "--", "\t", "  ", "\r\n", "\n", "# Title", "2019", "π", "😀"]
        var random = RandomPatterns(seed: 3)
        var text = ""
        while text.utf8.count < 4000 { text += random.pick(words) + random.pick([" ", " ", ", ", ". ", "\n", ""]) }
        let cases = patterns.flatMap { p in
            [Case(pattern: p, input: text, replacement: " ", limit: 0), Case(pattern: p, input: text, replacement: "<$0>", limit: -1)]
        }
        let java = try JavaOracle.run(cases)
        for (c, j) in zip(cases, java) {
            let diff = JavaOracle.difference(java: j, lontar: JavaOracle.lontar(c))
            #expect(diff == nil, "pattern \(c.pattern.debugDescription): \(diff ?? "")")
        }
    }

    /// Every `\p{…}` name Java knows (and some it does not), with and
    /// without `(?i)`, on characters from every general category.
    @Test func propertyNamesMatchJava() throws {
        try #require(JavaOracle.available, "java/javac missing")
        let categories = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi",
                          "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn",
                          "L", "M", "N", "P", "S", "Z", "C", "LC", "LD", "L1", "all"]
        let posix = ["ASCII", "Alnum", "Alpha", "Blank", "Cntrl", "Digit", "Graph", "Lower", "Print", "Punct", "Space",
                     "Upper", "XDigit"]
        let java = ["javaLowerCase", "javaUpperCase", "javaTitleCase", "javaAlphabetic", "javaIdeographic", "javaDigit",
                    "javaDefined", "javaLetter", "javaLetterOrDigit", "javaSpaceChar", "javaWhitespace",
                    "javaISOControl", "javaMirrored"]
        let binary = ["IsAlphabetic", "IsLetter", "IsIdeographic", "IsLowercase", "IsUppercase", "IsTitlecase",
                      "IsWhite_Space", "IsWhiteSpace", "IsControl", "IsPunctuation", "IsHex_Digit", "IsAssigned",
                      "IsNoncharacter_Code_Point", "IsDigit", "IsAlnum", "IsBlank", "IsGraph", "IsPrint", "IsWord",
                      "IsJoin_Control", "Isalphabetic", "IsL", "IsLu", "IsAlpha", "IsPunct", "IsSpace", "IsLower"]
        let other = ["gc=Lu", "general_category=Nd", "GC=Ll", "Foo", "isL", "Lx", "L&", "gc=Foo", "sc=Foo"]
        let names = categories + posix + java + binary + other
        let probe = "aZǅʰ中\u{301}\u{903}\u{20DD}5٣Ⅻ½_-([«»!+€^© \u{2028}\u{2029}\n\u{200B}\u{E000}\u{378}" +
            "ÀßÞÿ\t\u{0B}\u{1F}\u{7F}\u{85}\u{A0}\u{2007}\u{3000}Ⅰⅰ\u{2160}\u{24B6}\u{FFFE}\u{200C}ª"
        var cases: [Case] = []
        for name in names {
            for flags in ["", "(?i)"] {
                cases.append(Case(pattern: flags + "\\p{\(name)}", input: probe, replacement: "_"))
                cases.append(Case(pattern: flags + "[^\\P{\(name)}x]", input: probe, replacement: "_"))
            }
        }
        let answers = try JavaOracle.run(cases)
        for (c, j) in zip(cases, answers) {
            var diff = JavaOracle.difference(java: j, lontar: JavaOracle.lontar(c))
            // Scripts and blocks are refused here; Java knows them.
            if let d = diff, d.contains("scripts") || d.contains("blocks") { diff = nil }
            #expect(diff == nil, "\(c.pattern): \(diff ?? "")")
        }
    }

    /// Every backslash escape of a printable ASCII character, in and out of
    /// classes and ranges, plus malformed numeric escapes.
    @Test func escapesMatchJava() throws {
        try #require(JavaOracle.available, "java/javac missing")
        var patterns: [String] = []
        for v in UInt32(0x21)...0x7E {
            let c = String(Character(Unicode.Scalar(v)!))
            patterns += ["\\" + c, "[\\" + c + "]", "[a\\" + c + "-z]", "x\\" + c + "+", "[^\\" + c + "]"]
        }
        patterns += ["\\x4", "\\x{}", "\\x{41", "\\x{0041}", "\\u00", "\\u0041\\u0042", "\\uD83D\\uDE00",
                     "\\uD83D", "\\0", "\\08", "\\0777", "\\0377", "\\c@", "\\cz", "\\c?", "\\b{g}", "\\b{x}",
                     "\\b{", "\\p", "\\pL", "\\p{L", "\\P", "\\Q\\E", "\\Qab\\", "[\\Q-\\E]", "a\\E",
                     "[\\v-\\x0D]", "[\\x0A-\\v]", "[\\d-\\w]", "[a-\\x{FF}]", "\\p{L}-\\d", "[\\s-]"]
        let probe = "aAbBzZ09 \t\n\r\u{0B}\u{0C}\u{1B}\u{07}\u{0}-[]\\^$.|?*+(){}é€😀\u{85}\u{2028}_@#"
        let cases = patterns.map { Case(pattern: $0, input: probe, replacement: "_") }
        let answers = try JavaOracle.run(cases)
        for (c, j) in zip(cases, answers) {
            let diff = JavaOracle.difference(java: j, lontar: JavaOracle.lontar(c))
            // Refusals of constructs Java has but Lontar does not implement.
            let refused = diff.map { d in
                ["not supported", "backslash"].contains { d.contains($0) } && d.hasPrefix("Lontar rejects")
            } ?? false
            #expect(diff == nil || refused, "\(c.pattern.debugDescription): \(diff ?? "")")
        }
    }

    /// Random bracket expressions: Java must accept and reject the same
    /// ones, and accepted ones must contain the same characters.
    @Test func randomCharacterClassesMatchJava() throws {
        try #require(JavaOracle.available, "java/javac missing")
        var random = RandomPatterns(seed: 77)
        var cases: [Case] = []
        for _ in 0..<500 {
            let ci = random.chance(20) ? "(?i)" : ""
            cases.append(Case(pattern: ci + random.characterClass(), input: RandomPatterns.classProbe, replacement: "_"))
        }
        let java = try JavaOracle.run(cases)
        var accepted = 0
        for (c, j) in zip(cases, java) {
            if j.hasPrefix("OK") { accepted += 1 }
            let diff = JavaOracle.difference(java: j, lontar: JavaOracle.lontar(c))
            #expect(diff == nil, "class \(c.pattern.debugDescription): \(diff ?? "")")
        }
        // Both well-formed and malformed classes must be exercised.
        #expect(accepted > cases.count / 4 && accepted < cases.count * 19 / 20, "\(accepted) accepted")
    }

    @Test(arguments: [false, true])
    func randomPatternsMatchJava(nested: Bool) throws {
        try #require(JavaOracle.available, "java/javac missing")
        // LONTAR_REGEX_FUZZ_SEED / _COUNT run other or more cases by hand.
        let env = ProcessInfo.processInfo.environment
        var random = RandomPatterns(seed: env["LONTAR_REGEX_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_240_917,
                                    nested: nested)
        let count = env["LONTAR_REGEX_FUZZ_COUNT"].flatMap { Int($0) } ?? (nested ? 250 : 400)
        var cases: [Case] = []
        for _ in 0..<count {
            let pattern = random.pattern()
            for _ in 0..<3 {
                cases.append(Case(pattern: pattern, input: random.input(), replacement: random.replacement(),
                                  limit: random.pick([0, 0, -1, 1, 2, 3])))
            }
        }
        let java = try JavaOracle.run(cases)
        var failures = 0
        var compiled = 0
        for (c, j) in zip(cases, java) {
            if j.hasPrefix("OK") { compiled += 1 }
            for pikeOnly in [false, true] {
                let mine = JavaOracle.lontar(c, pikeOnly: pikeOnly)
                if let diff = JavaOracle.difference(java: j, lontar: mine) {
                    failures += 1
                    if failures <= 25 {
                        Issue.record("pattern \(c.pattern.debugDescription) input \(c.input.debugDescription) replacement \(c.replacement.debugDescription) limit \(c.limit) pike-only \(pikeOnly): \(diff)")
                    }
                }
            }
        }
        #expect(failures == 0, "\(failures) differences from Java")
        // The generator must mostly produce valid patterns to test anything.
        #expect(compiled > cases.count * 3 / 4, "only \(compiled) of \(cases.count) patterns compile in Java")
    }
}
