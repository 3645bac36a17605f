import Foundation
import Testing
import LontarTestSupport

/// Drives the built `lontar` executable: `run` end to end, and the REPL
/// through a pipe.
@Suite struct CommandLineTests {
    static var executable: String {
        // Tests run from .build/<config>/; the executable sits beside the test bundle.
        let products = Bundle.main.bundleURL
        for candidate in [products.appendingPathComponent("lontar"),
                          TestSupport.repoRoot.appendingPathComponent(".build/debug/lontar")] {
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return TestSupport.repoRoot.appendingPathComponent(".build/debug/lontar").path
    }

    func lontar(_ arguments: [String], stdin: String? = nil) throws -> TestSupport.ProcessResult {
        try TestSupport.run(executable: Self.executable, arguments, stdin: stdin.map { Data($0.utf8) })
    }

    @Test func replThroughAPipe() throws {
        let result = try lontar([], stdin: """
        x = 20
        y = (x +
          1) * 2
        y
        :vars
        shwo x
        """)
        #expect(result.text == "42\nx: integer = 20\ny: integer = 42\n")
        #expect(result.stderr == "<repl>:6:1: error: unknown command 'shwo'\n  note: did you mean 'show'?\n")
        #expect(result.status == 1)
    }

    static var smolLM2Available: Bool {
        FileManager.default.fileExists(atPath: TestSupport.repoRoot
            .appendingPathComponent("models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path) || TestSupport.peersRequired
    }

    @Test(.enabled(if: smolLM2Available)) func chatThroughAPipeKeepsTheConversation() throws {
        let result = try lontar([], stdin: """
        m = load model "smollm2" as nf4
        chat m max 12
        What is the capital of France?
        And of Italy?
        :end
        chat m on ["What is the capital of France?", "And of Italy?"] max 12
        print "after"
        """)
        #expect(result.status == 0)
        let lines = result.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 9)
        guard lines.count == 9 else { return }
        #expect(lines[0] == "[user] What is the capital of France?")
        #expect(lines[1].hasPrefix("[assistant] ") && lines[1].contains("Paris"))
        #expect(lines[2] == "[user] And of Italy?")
        #expect(lines[3].contains("Rome"))              // the second reply sees the first turn
        #expect(Array(lines[4 ..< 8]) == Array(lines[0 ..< 4]))   // given turns: the same conversation
        #expect(lines[8] == "after")
    }

    @Test func replSavesAndLoadsNotebooks() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("s.md").path
        let saved = try lontar([], stdin: "a = 6\nprint nope\nb = a * 7\n:save \(notebook)\n")
        #expect(saved.text == "saved 2 cells to \(notebook)\n")
        let loaded = try lontar([], stdin: ":load \(notebook)\nb\n")
        #expect(loaded.text == "loaded \(notebook): 2 cells\n42\n")
        #expect(loaded.status == 0)
    }

    @Test func runWritesTheOutputAndFailsOnABadCell() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("bad.md")
        try "# Bad\n\n```lontar\nprint 1 +\n```\n".write(to: notebook, atomically: true, encoding: .utf8)
        let result = try lontar(["run", notebook.path, "--output", folder.appendingPathComponent("out").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(notebook.path):4:10: error: expected a value, found end of input"))
        let output = try String(contentsOf: folder.appendingPathComponent("out/bad.md"), encoding: .utf8)
        #expect(output.contains("# Bad"))
        #expect(output.contains("> **Error** at"))
    }

    @Test func aMissingNotebookIsAClearError() throws {
        let result = try lontar(["run", "/nonexistent/nb.md"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("/nonexistent/nb.md: error: cannot read the notebook"))
    }
}
