import Testing
@testable import LontarRender

@Suite struct TextTableTests {
    let small = TextTable(headers: ["name", "count", "share"],
                          rows: [["alpha", "12", "0.5"], ["beta", "1,234", "NaN"], ["gamma", "-3", "null"]])

    @Test func detectsNumericColumns() {
        #expect(small.alignments == [.left, .right, .right])
        for s in ["0", "-12", "+3.5", "1,234,567", "1.5e-4", "2E+10", "1.5M", "12%", "NaN", "-inf", "Infinity", ".5"] {
            #expect(TextTable.looksNumeric(s), "\(s)")
        }
        for s in ["", "-", "abc", "1.2.3", "e5", "1e", "12 kg", "0x1F", "1,2a", "١٢"] {
            #expect(!TextTable.looksNumeric(s), "\(s)")
        }
        #expect(!TextTable.isNumericColumn(["", "null"]))  // nothing numeric at all
        #expect(!TextTable.isNumericColumn(["1", "two"]))
    }

    @Test func markdownAlignment() {
        #expect(small.markdown() == """
            | name  | count | share |
            | ----- | ----: | ----: |
            | alpha |    12 |   0.5 |
            | beta  | 1,234 |   NaN |
            | gamma |    -3 |  null |
            """)
    }

    @Test func explicitAlignmentAndShortColumns() {
        let t = TextTable(headers: ["k", "v"], rows: [["1", "x"], ["22"]], alignments: [.left, .right])
        #expect(t.markdown() == """
            | k   |   v |
            | --- | --: |
            | 1   |   x |
            | 22  |     |
            """)
    }

    @Test func truncatesLongCellsByDisplayWidth() {
        let t = TextTable(headers: ["text", "n"], rows: [
            ["Suppose that you have an abstract", "1"],
            ["日本語のテキストです", "2"],
            ["cafe\u{301} au lait", "3"],
        ])
        #expect(t.markdown(TableOptions(maxCellWidth: 10)) == """
            | text       |   n |
            | ---------- | --: |
            | Suppose t… |   1 |
            | 日本語の…  |   2 |
            | café au l… |   3 |
            """)
    }

    @Test func escapesPipesAndNewlines() {
        let t = TextTable(headers: ["a|b", "text"], rows: [["x|y", "line one\nline two"], ["\t", "ok"]])
        #expect(t.markdown() == """
            | a\\|b | text               |
            | ---- | ------------------ |
            | x\\|y | line one\\nline two |
            | \\t   | ok                 |
            """)
    }

    @Test func rowLimitAndShape() {
        let rows = (1 ... 5).map { ["row\($0)", "\($0)"] }
        let t = TextTable(headers: ["id", "n"], rows: rows, totalRowCount: 1_500_000)
        #expect(t.markdown(TableOptions(maxRows: 2, showShape: true)) == """
            | id   |   n |
            | ---- | --: |
            | row1 |   1 |
            | row2 |   2 |

            … 1,499,998 more rows

            2 columns × 1,500,000 rows
            """)
        let one = TextTable(headers: ["id"], rows: [["a"], ["b"]])
        #expect(one.markdown(TableOptions(maxRows: 1, showShape: true)) == """
            | id  |
            | --- |
            | a   |

            … 1 more row

            1 column × 2 rows
            """)
        #expect(one.markdown(TableOptions(maxRows: nil)).hasSuffix("| b   |"))
    }

    @Test func emptyTables() {
        let noRows = TextTable(headers: ["a", "b"], rows: [])
        #expect(noRows.markdown(TableOptions(showShape: true)) == """
            | a   | b   |
            | --- | --- |

            2 columns × 0 rows
            """)
        #expect(TextTable(headers: [], rows: []).markdown() == "(no columns)")
        #expect(TextTable(headers: [], rows: []).terminal() == "(no columns)")
    }

    @Test func terminalBox() {
        let t = TextTable(headers: ["name", "count"], rows: [["日本", "12"], ["a|b", "1,234"], ["x", "3"]])
        #expect(t.terminal(TableOptions(maxRows: 2)) == """
            ┌──────┬───────┐
            │ name │ count │
            ├──────┼───────┤
            │ 日本 │    12 │
            │ a|b  │ 1,234 │
            └──────┴───────┘
            … 1 more row
            """)
        let bold = t.terminal(TableOptions(maxRows: 0), ansi: true)
        #expect(bold == """
            ┌──────┬───────┐
            │ \u{1B}[1mname\u{1B}[0m │ \u{1B}[1mcount\u{1B}[0m │
            ├──────┼───────┤
            └──────┴───────┘
            … 3 more rows
            """)
    }

    @Test func deterministicAndAligned() {
        // Every line of a markdown table has the same display width.
        let t = TextTable(headers: ["w", "x"], rows: [["日本語", "é"], ["e\u{301}\u{301}", "😀|"], ["\u{0}", "Ａ"]])
        let text = t.markdown()
        #expect(text == t.markdown())
        let widths = Set(text.split(separator: "\n").map { DisplayWidth.of($0) })
        #expect(widths.count == 1)
    }
}
