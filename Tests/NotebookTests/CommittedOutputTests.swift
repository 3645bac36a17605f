import Foundation
import Testing
import LontarNotebook
import LontarTestSupport

/// The committed outputs of fast notebooks must be what Lontar renders now:
/// this keeps outputs/ honest and proves runs are deterministic.
@Suite struct CommittedOutputTests {
    @Test(arguments: ["tour"])
    func committedOutputMatchesAFreshRun(_ name: String) throws {
        let root = TestSupport.repoRoot
        let notebook = "notebooks/\(name).md"
        let text = try String(contentsOf: root.appendingPathComponent(notebook), encoding: .utf8)
        let document = try NotebookDocument.parse(text, file: notebook)
        let result = NotebookRunner().run(document, workingDirectory: root)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let committed = try String(contentsOf: root.appendingPathComponent("outputs/\(name).md"), encoding: .utf8)
        #expect(result.markdown == committed, "outputs/\(name).md is stale: run `lontar run \(notebook)`")
    }
}
