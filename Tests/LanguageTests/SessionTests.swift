import Testing
import LontarLanguage
import LontarSystem

/// A session with two toy commands, to test binding and evaluation without
/// the real command library.
func makeTestSession(parameters: [String: Value] = [:]) -> (Session, Box) {
    let registry = CommandRegistry()
    let box = Box()
    registry.register(CommandSpec(
        "echo", summary: "returns its argument",
        positional: [ParameterSpec("value", required: true, help: "v")],
        keywords: [ParameterSpec("times", help: "n"), ParameterSpec("mode", .word(["loud", "quiet"]), help: "m")],
        flags: [ParameterSpec("twice", help: "f")]
    ) { call in
        let v = try call.require("value")
        let times = try call.integer("times") ?? 1
        let n = times * (call.flag("twice") ? 2 : 1)
        if call.word("mode") == "loud", case .string(let s) = v { return .string(s.uppercased()) }
        return .list(Array(repeating: v, count: n))
    })
    let session = Session(registry: registry, parameterOverrides: parameters)
    session.onDisplay = { box.displays.append($0) }
    return (session, box)
}

final class Box: @unchecked Sendable {
    var displays: [Display] = []
}

@Suite struct SessionTests {
    func value(_ source: String, in session: Session? = nil) throws -> String {
        let (fresh, _) = makeTestSession()
        let s = session ?? fresh
        try s.run("result = " + source, file: "t")
        return s.variables["result"]!.shortDescription
    }

    @Test func arithmetic() throws {
        #expect(try value("1 + 2 * 3") == "7")
        #expect(try value("7 / 2") == "3.5")
        #expect(try value("8 / 2") == "4")
        #expect(try value("7 % 3") == "1")
        #expect(try value("-(2 - 5) * 1.5") == "4.5")
        #expect(try value("\"ab\" + \"cd\"") == "abcd")
        #expect(try value("1 < 2 and not (3 == 4)") == "true")
        #expect(try value("[1, 2.5, \"x\"]") == "[1, 2.5, \"x\"]")
    }

    @Test func arithmeticErrors() {
        #expect(throws: LontarError.self) { try value("1 / 0") }
        #expect(throws: LontarError.self) { try value("9223372036854775807 + 1") }
        #expect(throws: LontarError.self) { try value("1 + \"a\"") }
        #expect(throws: LontarError.self) { try value("1 and true") }
    }

    @Test func commandsBindPositionalKeywordsAndFlags() throws {
        #expect(try value("echo 3 times 2") == "[3, 3]")
        #expect(try value("echo 3 twice times 2") == "[3, 3, 3, 3]")
        #expect(try value("echo \"hi\" mode loud") == "HI")
        #expect(try value("\"hi\" | echo mode loud") == "HI")
    }

    @Test func commandErrorsAreLocatedWithHints() throws {
        let (session, _) = makeTestSession()
        func error(_ source: String) -> LontarError? {
            do { try session.run(source, file: "nb.md", firstLine: 5); return nil } catch { return error }
        }
        let unknown = error("ecko 3")
        #expect(unknown?.message == "unknown command 'ecko'")
        #expect(unknown?.notes.first == "did you mean 'echo'?")
        #expect(unknown?.location == SourcePosition(file: "nb.md", line: 5, column: 1))
        // An unknown identifier at statement start is an expression: unknown variable.
        #expect(error("x = 1\ny = xx + 1")?.location == SourcePosition(file: "nb.md", line: 6, column: 5))
        #expect(error("echo 1 mode shout")?.message == "mode must be one of: loud, quiet")
        #expect(error("echo 1 mode shout")?.location?.column == 13)
        #expect(error("echo 1 2")?.message == "unexpected argument '2' to 'echo'")
        #expect(error("echo 1 tims 2")?.notes.first == "did you mean 'times'?")
        #expect(error("echo")?.message == "'echo' needs value")
        #expect(error("echo 1 times \"x\"")?.message == "times must be an integer, not string")
        #expect(error("echo 1 times")?.message == "'times' needs a value")
    }

    @Test func aSyntaxErrorRunsNothing() {
        let (session, _) = makeTestSession()
        #expect(throws: LontarError.self) { try session.run("a = 1\nb = (", file: "t") }
        #expect(session.variables["a"] == nil)
    }

    @Test func parametersAndOverrides() throws {
        let (plain, _) = makeTestSession()
        try plain.run("param rows = 20000", file: "t")
        #expect(plain.variables["rows"]?.shortDescription == "20000")

        let (overridden, _) = makeTestSession(parameters: ["rows": .integer(1_500_000)])
        try overridden.run("param rows = 20000\nparam rate = 0.5", file: "t")
        #expect(overridden.variables["rows"]?.shortDescription == "1500000")
        #expect(overridden.declaredParameters.map(\.overridden) == [true, false])

        let (wrong, _) = makeTestSession(parameters: ["rows": .string("many")])
        #expect(throws: LontarError.self) { try wrong.run("param rows = 20000", file: "t") }
    }

    @Test func statementValuesAreDisplayedAssignmentsAreNot() throws {
        let (session, box) = makeTestSession()
        try session.run("x = 41\nx + 1", file: "t")
        #expect(box.displays == [.text("42")])
    }

    @Test func completenessOfTypedInput() {
        #expect(InputCompleteness.needsMoreInput("x = (1 +"))
        #expect(InputCompleteness.needsMoreInput("papers | lower input |"))
        #expect(InputCompleteness.needsMoreInput("ask m \"\"\"first line"))
        #expect(!InputCompleteness.needsMoreInput("show papers limit 3"))
        #expect(!InputCompleteness.needsMoreInput(":help show"))
    }

    @Test func closeMatchesRankByDistance() {
        #expect(closeMatches(for: "shwo", in: ["show", "sample", "shuffle"]) == ["show"])
        #expect(closeMatches(for: "desc", in: ["describe", "distinct"]) == ["describe"])
        #expect(closeMatches(for: "zzzz", in: ["show"]).isEmpty)
    }
}
