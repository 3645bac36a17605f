import Testing
@testable import LontarRegex

/// Matching semantics through the public API (values checked by hand
/// against Java 17; the differential suite checks many more with Java).
struct MatchingTests {
    func ranges(_ pattern: String, _ text: String) throws -> [String] {
        try RegexPattern(pattern).allMatches(in: text)
    }

    @Test func leftmostFirstNotLongest() throws {
        #expect(try ranges("a|ab", "ab") == ["a"])
        #expect(try ranges("ab|a", "ab") == ["ab"])
        #expect(try ranges("a*?", "aa") == ["", "", ""])
        #expect(try ranges("(a|ab)(c|bcd)", "abcd") == ["abcd"])  // a, then bcd
    }

    @Test func groupsAndByteOffsets() throws {
        let p = try RegexPattern("(é+)(x)?(?<tail>€)")
        let m = try #require(p.firstMatch(in: "aééé€b"))
        // "a" is 1 byte, each "é" 2, "€" 3.
        #expect(m.range == 1..<10)
        #expect(m.range(ofGroup: 1) == 1..<7)
        #expect(m.range(ofGroup: 2) == nil)
        #expect(m.range(ofGroup: 3) == 7..<10)
        #expect(p.captureCount == 3)
        #expect(p.groupNames == ["tail": 3])
    }

    @Test func allMatchesWithGroups() throws {
        let p = try RegexPattern("(\\w)(\\d)?")
        var bytes = Array("a1 b c2".utf8)
        var seen: [[Range<Int>?]] = []
        bytes.withUnsafeMutableBufferPointer { buf in
            p.forEachMatchWithGroups(in: UnsafeBufferPointer(buf)) { m in
                seen.append([m.range(ofGroup: 0), m.range(ofGroup: 1), m.range(ofGroup: 2), m.range(ofGroup: 3)])
                return true
            }
        }
        #expect(seen == [[0..<2, 0..<1, 1..<2, nil], [3..<4, 3..<4, nil, nil], [5..<7, 5..<6, 6..<7, nil]])
    }

    @Test func findFromUsesRealLookbehind() throws {
        let p = try RegexPattern("\\bb")
        var bytes = Array("ab b".utf8)
        let r = bytes.withUnsafeMutableBufferPointer { buf in p.firstMatch(in: UnsafeBufferPointer(buf), from: 1) }
        // At 1 the \b fails ('a' precedes), so the match is the later "b".
        #expect(r?.range == 3..<4)
    }

    @Test func matchesVersusContains() throws {
        let p = try RegexPattern("a|ab")
        #expect(p.matches("ab"))   // Java's matches() backtracks into "ab"
        #expect(p.contains("xab"))
        #expect(!p.matches("xab"))
        #expect(try RegexPattern("(?:^|x){2}").matches("x") == false)
        #expect(try RegexPattern("").matches(""))
        #expect(try RegexPattern("$").matches(""))
        #expect(try !RegexPattern("a$").matches("a\n"))   // matches() needs the whole input
        #expect(try RegexPattern("a$").contains("a\n"))
    }

    @Test func emptyMatchesAdvanceLikeJava() throws {
        #expect(try RegexPattern("x*").replaceAll(in: "abc", with: "-") == "-a-b-c-")
        #expect(try RegexPattern("a*").replaceAll(in: "baaac", with: "-") == "-b--c-")
        #expect(try RegexPattern("").replaceAll(in: "é€", with: "|") == "|é|€|")
        #expect(try RegexPattern("\\b").replaceAll(in: "hi there", with: "|") == "|hi| |there|")
    }

    @Test func replacementSyntax() throws {
        let p = try RegexPattern("(\\w+)@(?<host>\\w+)")
        #expect(try p.replaceAll(in: "me@home you@work", with: "$2:$1") == "home:me work:you")
        #expect(try p.replaceAll(in: "me@home", with: "${host}\\$1") == "home$1")
        #expect(try p.replaceAll(in: "me@home", with: "$0$0") == "me@homeme@home")
        // $12 means group 1 then "2" when there is no group 12.
        #expect(try p.replaceAll(in: "me@home", with: "$12") == "me2")
        // Invalid replacements fail only when there is a match, as in Java.
        #expect(try p.replaceAll(in: "nothing here", with: "$9") == "nothing here")
        let error = try #require(throws: RegexError.self) { try p.replaceAll(in: "a@b", with: "$9") }
        #expect(error.source == .replacement)
        #expect(error.message == "No group 9")
        #expect(error.column == 1)
        let e2 = try #require(throws: RegexError.self) { try p.replaceAll(in: "a@b", with: "x${nope}") }
        #expect(e2.message == "No group with name {nope}")
        #expect(e2.column == 2)
        #expect(throws: RegexError.self) { try p.replaceAll(in: "a@b", with: "x\\") }
        #expect(throws: RegexError.self) { try p.replaceAll(in: "a@b", with: "$") }
    }

    @Test func splitLikeJava() throws {
        let comma = try RegexPattern(",")
        #expect(comma.split("a,b,,c,,") == ["a", "b", "", "c"])
        #expect(comma.split("a,b,,c,,", limit: -1) == ["a", "b", "", "c", "", ""])
        #expect(comma.split("a,b,,c,,", limit: 2) == ["a", "b,,c,,"])
        #expect(comma.split(",a") == ["", "a"])
        #expect(comma.split("") == [""])
        #expect(comma.split(",,,") == [])
        #expect(try RegexPattern("").split("abc") == ["a", "b", "c"])
        // A zero-width match at the start gives no leading empty piece.
        #expect(try RegexPattern("\\b").split("hi there") == ["hi", " ", "there"])
        #expect(try RegexPattern("\\s+").split(" a  b ") == ["", "a", "b"])
    }

    @Test func javaLineTerminators() throws {
        #expect(try ranges(".", "a\nb\r\u{85}\u{2028}\u{2029}c") == ["a", "b", "c"])
        #expect(try ranges("(?s).", "\n") == ["\n"])
        #expect(try RegexPattern("$").replaceAll(in: "a\r\n", with: "<") == "a<\r\n<")
        #expect(try RegexPattern("(?m)^").replaceAll(in: "a\nb\n", with: ">") == ">a\n>b\n")
        #expect(try RegexPattern("(?m)$").replaceAll(in: "a\r\nb", with: "<") == "a<\r\nb<")
        #expect(try RegexPattern("\\R").replaceAll(in: "a\r\nb\rc\nd", with: "|") == "a|b|c|d")
    }

    @Test func predefinedClassesAreASCII() throws {
        #expect(try ranges("\\w+", "héllo_1") == ["h", "llo_1"])
        #expect(try ranges("\\d", "1٣2") == ["1", "2"])   // Arabic-Indic 3 is not \d
        #expect(try ranges("\\s", "a\u{A0}b c\u{0B}") == [" ", "\u{0B}"])
        #expect(try ranges("\\p{L}+", "héllo wörld") == ["héllo", "wörld"])
        #expect(try ranges("\\p{Punct}", "a,é‘b") == [","])   // POSIX classes are ASCII
        #expect(try ranges("\\p{P}", "a,é‘b") == [",", "‘"])
        #expect(try ranges("\\h+", "a \t\u{3000}b") == [" \t\u{3000}"])
    }

    @Test func caseInsensitiveIsASCIIOnly() throws {
        #expect(try ranges("(?i)abc", "ABC aBc") == ["ABC", "aBc"])
        #expect(try ranges("(?i)é", "Éé") == ["é"])
        #expect(try ranges("(?i:a)b", "Ab AB") == ["Ab"])
        #expect(try ranges("a(?i)b|c", "aB C") == ["aB", "C"])
    }

    @Test func wordBoundaryFollowsJava17() throws {
        // Letters and digits of any script are word characters for \b.
        #expect(try RegexPattern("\\b").replaceAll(in: "été 2x", with: "|") == "|été| |2x|")
        // A combining mark continues the word before it.
        #expect(try RegexPattern("\\b").replaceAll(in: "e\u{301} a", with: "|") == "|e\u{301}| |a|")
    }

    @Test func invalidUTF8DecodesAsReplacementCharacters() throws {
        let dot = try RegexPattern(".")
        // E2 82 is a truncated 3-byte sequence: one U+FFFD covering both bytes
        // (as Java's decoder does), then "A", then a stray continuation byte.
        var bytes: [UInt8] = [0xE2, 0x82, 0x41, 0x80]
        var found: [Range<Int>] = []
        bytes.withUnsafeMutableBufferPointer { buf in
            dot.forEachMatch(in: UnsafeBufferPointer(buf)) { found.append($0); return true }
        }
        #expect(found == [0..<2, 2..<3, 3..<4])
        // Replacing keeps the bytes outside matches untouched.
        let a = try RegexPattern("A")
        var out: [UInt8] = []
        try bytes.withUnsafeMutableBufferPointer { (buf) throws(RegexError) in
            try a.replaceAll(in: UnsafeBufferPointer(buf), with: "b", into: &out)
        }
        #expect(out == [0xE2, 0x82, 0x62, 0x80])
    }

    @Test func javaLoopRuleForEmptyRounds() throws {
        // Java leaves a loop after a round that matched nothing.
        #expect(try ranges("(|a)*", "a") == ["", ""])
        #expect(try ranges("(a|)*", "a") == ["a", ""])
        let m = try #require(try RegexPattern("(a|)*").firstMatch(in: "aa"))
        #expect(m.range(ofGroup: 1) == 2..<2)
    }

    @Test func historyDependentGroupsAreRefusedNotMisreported() throws {
        let p = try RegexPattern("((\\w)-)+(x)")
        #expect(p.historyDependentGroups == [2])
        // Group 1 (the repeated group itself) and group 3 are exact.
        #expect(try p.replaceAll(in: "a-b-x", with: "[$1$3]") == "[b-x]")
        let error = try #require(throws: RegexError.self) { try p.replaceAll(in: "a-b-x", with: "$2") }
        #expect(error.message.contains("left over from backtracking"))
        // Without a match there is nothing to refuse (as with Java's own errors).
        #expect(try p.replaceAll(in: "none", with: "$2") == "none")
        #expect(try RegexPattern("(?:(\\w+)-)+").historyDependentGroups.isEmpty)   // variable length: exact
        #expect(try RegexPattern("(?:(\\w)-)?").historyDependentGroups.isEmpty)    // ? is a branch in Java
        // A greedily repeated group inside another loop: Java writes it back
        // from an earlier round.
        #expect(try RegexPattern("(?:(ab)+c)+").historyDependentGroups == [1])
        #expect(try RegexPattern("(?:(ab)+?c)+").historyDependentGroups.isEmpty)
    }

    @Test func longReplacementsAndLongTexts() throws {
        let long = String(repeating: "x", count: 5000)
        let text = String(repeating: "a,b ", count: 20000)
        for source in ["[,\\s]", "\\s+", ",", "(,)", "b\\s*"] {
            let p = try RegexPattern(source)
            let fast = try p.replaceAll(in: text, with: long)
            // The same through the Pike VM only.
            let engine = MatchEngine(p.compiled)
            engine.pikeOnly = true
            var out: [UInt8] = []
            var bytes = Array(text.utf8)
            try bytes.withUnsafeMutableBufferPointer { (buf) throws(RegexError) in
                try engine.replaceAll(UnsafeBufferPointer(buf), with: RegexReplacement(long, for: p), into: &out)
            }
            #expect(fast == String(decoding: out, as: UTF8.self), "\(source)")
        }
        #expect(try RegexPattern(",").replaceAll(in: text, with: long).utf8.count == 20000 * (3 + 5000))
    }

    @Test func stringConveniencesRoundTrip() throws {
        let p = try RegexPattern("[^a-z0-9\\s]")
        #expect(try p.replaceAll(in: "hello, wörld! (x=1)", with: "") == "hello wrld x1")
        #expect(p.description == "[^a-z0-9\\s]")
        #expect(p.pattern == "[^a-z0-9\\s]")
    }
}
