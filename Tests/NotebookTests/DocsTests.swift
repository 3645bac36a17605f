import Foundation
import Testing
import LontarCommands
import LontarTestSupport

@Suite struct DocsTests {
    /// docs/commands.md is generated from the registry; it must not drift.
    @Test func commandReferenceIsUpToDate() throws {
        let committed = try String(contentsOf: TestSupport.repoRoot.appendingPathComponent("docs/commands.md"), encoding: .utf8)
        let generated = Help.referenceMarkdown(session: StandardLibrary.makeSession())
        #expect(committed == generated, "docs/commands.md is stale: run `lontar docs`")
    }

    @Test func everyCommandHasHelpAndAnExample() {
        let registry = StandardLibrary.makeRegistry()
        for name in registry.names {
            let spec = registry.command(name)!
            #expect(!spec.summary.isEmpty, "\(name) has no summary")
            #expect(!spec.examples.isEmpty, "\(name) has no example")
            for p in spec.positional + spec.keywords + spec.flags {
                #expect(!p.help.isEmpty, "\(name) \(p.name) has no help")
            }
        }
    }
}
