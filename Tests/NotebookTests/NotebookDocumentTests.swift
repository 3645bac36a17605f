import Testing
import LontarNotebook

@Suite struct NotebookDocumentTests {
    @Test func splitsProseAndCellsKeepingOtherCodeBlocks() throws {
        let text = """
        # Title

        ```lontar
        x = 1
        ```
        Text with `code`.
        ~~~python
        ```lontar
        not a cell: inside a python block
        ```
        ~~~
        ````lontar
        y = 2
        ````
        """
        let document = try NotebookDocument.parse(text, file: "nb.md")
        #expect(document.cells.map(\.source) == ["x = 1", "y = 2"])
        #expect(document.cells.map(\.firstLine) == [4, 13])
        #expect(document.cells[1].openingFence == "````lontar")
        guard case .prose(let middle) = document.segments[2] else { Issue.record("expected prose"); return }
        #expect(middle.contains("not a cell"))
    }

    @Test func anUnclosedCellIsALocatedError() {
        let text = "intro\n\n  ```lontar\nx = 1\n"
        #expect(throws: NotebookError(file: "nb.md", line: 3, column: 3,
                                      message: "unclosed ```lontar cell: no closing ``` before the end of the file")) {
            try NotebookDocument.parse(text, file: "nb.md")
        }
    }

    @Test func aClosingFenceMustBeAtLeastAsLong() throws {
        let document = try NotebookDocument.parse("````lontar\nx = \"```\"\n```\n````\n", file: "nb.md")
        #expect(document.cells.first?.source == "x = \"```\"\n```")
    }
}
