import Testing
@testable import LontarRender

@Suite struct DisplayWidthTests {
    @Test func scalarWidths() {
        #expect(DisplayWidth.of("a" as Unicode.Scalar) == 1)
        #expect(DisplayWidth.of("é" as Unicode.Scalar) == 1)  // precomposed
        #expect(DisplayWidth.of("\u{301}" as Unicode.Scalar) == 0)  // combining acute
        #expect(DisplayWidth.of("\u{200B}" as Unicode.Scalar) == 0)  // zero width space (Cf)
        #expect(DisplayWidth.of("\u{FE0F}" as Unicode.Scalar) == 0)  // variation selector
        #expect(DisplayWidth.of("\u{1161}" as Unicode.Scalar) == 0)  // conjoining Hangul vowel
        #expect(DisplayWidth.of("日" as Unicode.Scalar) == 2)
        #expect(DisplayWidth.of("カ" as Unicode.Scalar) == 2)
        #expect(DisplayWidth.of("한" as Unicode.Scalar) == 2)
        #expect(DisplayWidth.of("Ａ" as Unicode.Scalar) == 2)  // fullwidth A
        #expect(DisplayWidth.of("ｶ" as Unicode.Scalar) == 1)  // halfwidth katakana
        #expect(DisplayWidth.of("\u{3000}" as Unicode.Scalar) == 2)  // ideographic space
        #expect(DisplayWidth.of("😀" as Unicode.Scalar) == 2)
        #expect(DisplayWidth.of("𠀀" as Unicode.Scalar) == 2)  // CJK extension B
        #expect(DisplayWidth.of("β" as Unicode.Scalar) == 1)
        #expect(DisplayWidth.of("µ" as Unicode.Scalar) == 1)
        #expect(DisplayWidth.of("…" as Unicode.Scalar) == 1)
        #expect(DisplayWidth.of("─" as Unicode.Scalar) == 1)
        #expect(DisplayWidth.of("\n" as Unicode.Scalar) == 0)
        #expect(DisplayWidth.of("\u{85}" as Unicode.Scalar) == 0)
        #expect(DisplayWidth.of("\u{AD}" as Unicode.Scalar) == 1)
        #expect(DisplayWidth.of("\u{4DC0}" as Unicode.Scalar) == 1)  // hexagram: between the wide blocks
    }

    @Test func stringWidths() {
        #expect(DisplayWidth.of("") == 0)
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of("e\u{301}cole") == 5)
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("a日b") == 4)
    }

    @Test func wideRangesAreSortedAndDisjoint() {
        let r = DisplayWidth.wideRanges
        for (a, b) in zip(r, r.dropFirst()) {
            #expect(a.0 <= a.1)
            #expect(a.1 < b.0)
        }
    }

    @Test func truncateCountsColumns() {
        #expect(DisplayWidth.truncate("hello", to: 5) == "hello")
        #expect(DisplayWidth.truncate("hello world", to: 6) == "hello…")
        #expect(DisplayWidth.truncate("日本語テキスト", to: 6) == "日本…")  // 4 + 1, a third wide char would not fit
        #expect(DisplayWidth.truncate("日本語テキスト", to: 5) == "日本…")
        #expect(DisplayWidth.truncate("e\u{301}e\u{301}e\u{301}", to: 2) == "e\u{301}…")
        #expect(DisplayWidth.truncate("abc", to: 0) == "")
        #expect(DisplayWidth.truncate("abc", to: 1) == "…")
    }

    @Test func padding() {
        #expect(DisplayWidth.pad("日本", to: 6) == "日本  ")
        #expect(DisplayWidth.pad("12", to: 5, alignment: .right) == "   12")
        #expect(DisplayWidth.pad("toolong", to: 3) == "toolong")
    }

    @Test func cellEscaping() {
        #expect(CellText.fit("a|b", maxWidth: 10, escapePipes: true) == "a\\|b")
        #expect(CellText.fit("a|b", maxWidth: 10, escapePipes: false) == "a|b")
        #expect(CellText.fit("x\ny\tz\r", maxWidth: 20, escapePipes: true) == "x\\ny\\tz\\r")
        #expect(CellText.fit("\u{1B}[1m", maxWidth: 20, escapePipes: true) == "\\x1b[1m")
        #expect(CellText.fit("a\u{85}b", maxWidth: 20, escapePipes: true) == "a\\x85b")
        // A cut never splits an escape: "ab\|" would need 4 columns plus "…".
        #expect(CellText.fit("ab|cdef", maxWidth: 4, escapePipes: true) == "ab…")
        #expect(CellText.fit("ab\ncdef", maxWidth: 5, escapePipes: true) == "ab\\n…")
    }
}
