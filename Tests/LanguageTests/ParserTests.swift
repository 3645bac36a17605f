import Testing
import LontarLanguage

@Suite struct ParserTests {
    let commands: Set<String> = ["show", "sample", "replace", "generate", "print"]

    func parse(_ source: String) throws(LontarError) -> [Statement] {
        try Parser.parse(source, file: "nb.md", commands: commands)
    }

    func location(_ line: Int, _ column: Int) -> SourcePosition {
        SourcePosition(file: "nb.md", line: line, column: column)
    }

    @Test func assignmentOfAPipelineWithCommandTerms() throws {
        let statements = try parse("s = papers | sample rows 10, 20 seed 4")
        guard case let .assignment(name, pipeline, _) = statements.first else {
            Issue.record("not an assignment"); return
        }
        #expect(name == "s")
        #expect(pipeline.stages.count == 2)
        guard case .command(let call) = pipeline.stages[1] else { Issue.record("not a command"); return }
        #expect(call.name == "sample")
        #expect(call.terms.count == 4)
        #expect(call.terms[0].identifierName == "rows")
        guard case .list(let items, _) = call.terms[1] else { Issue.record("not a list"); return }
        #expect(items.count == 2)
    }

    @Test func precedenceAndAssociativity() throws {
        let statements = try parse("x = 1 + 2 * 3 - 4")
        guard case let .assignment(_, pipeline, _) = statements[0], case .expression(let e) = pipeline.stages[0] else {
            Issue.record("shape"); return
        }
        // (1 + (2 * 3)) - 4
        guard case let .binary("-", lhs, _, _) = e, case let .binary("+", _, rhs, _) = lhs, case .binary("*", _, _, _) = rhs else {
            Issue.record("wrong tree: \(e)"); return
        }
    }

    @Test func parametersCallsAndMembers() throws {
        let statements = try parse("param rows = 20000\nn = length(\"abc\") + tuned.loss")
        #expect(statements.count == 2)
        guard case .parameter("rows", .literal(.integer(20000), _), _) = statements[0] else { Issue.record("param"); return }
    }

    @Test func aCommandNameFollowedByEqualsIsAVariable() throws {
        let statements = try parse("show = 3")
        guard case .assignment("show", _, _) = statements[0] else { Issue.record("expected assignment"); return }
    }

    @Test func errorsPointAtTheOffendingToken() {
        func error(_ source: String) -> LontarError? {
            do { _ = try parse(source); return nil } catch { return error }
        }
        #expect(error("x = (1 + 2")?.location == location(1, 11))
        #expect(error("x = (1 + 2")?.message.hasPrefix("expected ')' to close '(' at 1:5") == true)
        #expect(error("x = [1, 2")?.message.hasPrefix("expected ']'") == true)
        #expect(error("x = 1 +")?.message == "expected a value, found end of input")
        #expect(error("x = 1\ny = * 2")?.location == location(2, 5))
        #expect(error("x = 1 2")?.message == "expected the end of the statement, found '2'")
    }
}
