import Foundation
import Testing
import LontarLanguage
import LontarNotebook
import LontarTestSupport

@Suite struct NotebookRunTests {
    func run(_ text: String, parameters: [String: Value] = [:], keepGoing: Bool = false) throws -> NotebookRunner.Result {
        let document = try NotebookDocument.parse(text, file: "nb.md")
        return NotebookRunner(options: .init(parameters: parameters, keepGoing: keepGoing))
            .run(document, workingDirectory: TestSupport.repoRoot)
    }

    @Test func rendersProseCellsAndResultsExactly() throws {
        let result = try run("""
        # Demo

        ```lontar
        param n = 2
        t = table(word: ["a", "bb", "ccc"], count: [10, 200, 3])
        show t limit n
        print "n is", n
        ```

        The end.
        """)
        #expect(result.errors.isEmpty)
        #expect(result.markdown == """
        <!-- Rendered by `lontar run nb.md`. Edit the notebook, not this file. -->

        # Demo

        ```lontar
        param n = 2
        t = table(word: ["a", "bb", "ccc"], count: [10, 200, 3])
        show t limit n
        print "n is", n
        ```

        | word | count |
        | ---- | ----: |
        | a    |    10 |
        | bb   |   200 |

        … 1 more row

        n is 2

        The end.

        """)
    }

    @Test func aFailingCellStopsTheRunAndKeepsWhatCameBefore() throws {
        let result = try run("""
        ```lontar
        print "first"
        ```

        ```lontar
        print nope
        ```

        ```lontar
        print "never"
        ```
        """)
        #expect(result.errors.count == 1)
        #expect(result.errors[0].location == SourcePosition(file: "nb.md", line: 6, column: 7))
        #expect(result.markdown.contains("first"))
        #expect(result.markdown.contains("> **Error** at `nb.md:6:7`: unknown variable 'nope'"))
        #expect(result.markdown.contains("*Not run: an earlier cell failed.*"))
        #expect(!result.markdown.contains("\nnever\n"))
        #expect(result.cellsRun == 1)
    }

    @Test func keepGoingRunsTheRest() throws {
        let result = try run("```lontar\nprint nope\n```\n\n```lontar\nprint \"after\"\n```\n", keepGoing: true)
        #expect(result.errors.count == 1)
        #expect(result.markdown.contains("\nafter\n"))
    }

    @Test func parametersAreOverriddenAndUnknownOnesReported() throws {
        let text = "```lontar\nparam rows = 20000\nprint rows\n```\n"
        #expect(try run(text, parameters: ["rows": .integer(1_500_000)]).markdown.contains("\n1500000\n"))
        let unknown = try run(text, parameters: ["rowz": .integer(5)])
        #expect(unknown.errors.first?.message == "--param rowz: the notebook declares no parameter 'rowz'")
        #expect(unknown.errors.first?.notes == ["did you mean 'rows'?"])
    }

    @Test func outputIsDeterministic() throws {
        let text = "```lontar\nt = table(x: [1.5, 2.25])\nt\n```\n"
        #expect(try run(text).markdown == (try run(text)).markdown)
    }
}

/// A notebook run frees each variable after its last use and hands a frame
/// to the statement that replaces it; results are the same as keeping them.
@Suite struct NotebookLivenessTests {
    func run(_ text: String, keepGoing: Bool = false) throws -> NotebookRunner.Result {
        let document = try NotebookDocument.parse(text, file: "nb.md")
        return NotebookRunner(options: .init(keepGoing: keepGoing)).run(document, workingDirectory: TestSupport.repoRoot)
    }

    @Test func replacingAFrameInPlaceGivesTheSameResults() throws {
        let result = try run("""
        ```lontar
        t = table(word: ["Alpha  Beta", " GAMMA "], n: [1, 2])
        u = t | tokenize word
        sum u word_words
        t = t | lower word | replace word /\\s+/ with " " | trim word
        show t
        ```
        """)
        #expect(result.errors.isEmpty)
        #expect(result.markdown.contains("| alpha beta |"))
        #expect(result.markdown.contains("| gamma      |"))
        #expect(result.markdown.contains("|               5 |"))   // Spark's counts, before cleaning: 3 + 2
    }

    @Test func aFailedStatementThatTookAFrameSaysSo() throws {
        let result = try run("""
        ```lontar
        t = table(word: ["A"], n: [1])
        t = t | lower word | filter where nosuch > 1
        ```

        ```lontar
        show t
        ```
        """, keepGoing: true)
        #expect(result.errors.count == 2)
        #expect(result.errors.last?.message == "'t' has no value: it was handed to the statement at nb.md:3:5, which failed")
    }
}

@Suite struct NotebookChatTests {
    @Test func chatWithoutTurnsNeedsSomeoneAtThePrompt() throws {
        let document = try NotebookDocument.parse("""
        ```lontar
        m = new model tiny seed 1
        chat m
        ```
        """, file: "nb.md")
        let result = NotebookRunner().run(document, workingDirectory: TestSupport.repoRoot)
        #expect(result.errors.first?.message == "chat without 'on [...]' needs someone at the prompt")
        #expect(result.errors.first?.location?.line == 3)
    }
}
