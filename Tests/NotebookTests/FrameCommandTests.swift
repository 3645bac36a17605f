import Foundation
import Testing
import LontarCommands
import LontarLanguage
import LontarTestSupport

/// The frame and text commands through the language, as a user types them.
@Suite struct FrameCommandTests {
    final class Output: @unchecked Sendable { var lines: [String] = [] }

    func run(_ source: String) throws(LontarError) -> (Session, [String]) {
        let session = StandardLibrary.makeSession(workingDirectory: TestSupport.repoRoot)
        let output = Output()
        session.onDisplay = { output.lines.append(Presentation.markdown($0)) }
        try session.run(source, file: "t.md")
        return (session, output.lines)
    }

    func error(_ source: String) -> LontarError? {
        do { _ = try run(source); return nil } catch { return error }
    }

    @Test func tokenizeCountsLikeSparkAndDescribeFormatsLikeSpark() throws {
        let (_, lines) = try run("""
        t = table(text: ["Hello  world", "", " lead", "trail  ", "a\\tb c"])
        w = t | tokenize text
        select w text_words
        describe w text_words
        """)
        // Spark: "Hello  world" → 3 (an empty token between the spaces), "" → 1,
        // " lead" → 2, "trail  " → 1 (trailing empties dropped), "a\tb c" → 3.
        #expect(lines[0].contains("| 3 |") || lines[0].contains("|          3 |"))
        let counts = lines[0].split(separator: "\n").dropFirst(2).map { $0.split(separator: "|").first!.trimmingCharacters(in: .whitespaces) }
        #expect(counts == ["3", "1", "2", "1", "3"])
        #expect(lines[1].contains("| mean    | 2.0 "))
        #expect(lines[1].contains("| stddev  | 1.0 "))
    }

    @Test func cleaningChainMatchesTheSparkReference() throws {
        let (session, _) = try run("""
        t = table(input: ["See @xcite and xmath12 here.\\nNext: µm ( pt )!", "İstanbul  TAB\\tend "])
        c = t | lower input | replace input /@xcite/ with "" | replace input /xcite/ with ""
              | replace input /xmath[0-9]+/ with "" | replace input /\\n/ with ""
              | replace input /[^a-z0-9\\s]/ with "" | replace input /\\s+/ with " " | trim input
        """)
        guard case .frame(let f)? = session.variables["c"] else { Issue.record("no frame"); return }
        #expect(f.column(named: "input")?[0] == .string("see and herenext m pt"))  // the line break goes, as in Spark
        // Java lowercases İ to "i̇" (i + combining dot), which the class [^a-z0-9\s] then drops.
        #expect(f.column(named: "input")?[1] == .string("istanbul tab end"))
    }

    @Test func groupSortFilterAndSample() throws {
        let (session, lines) = try run("""
        t = table(k: ["b", "a", "b", "a", "c"], v: [1, 2, 3, 4, 5])
        group t by k agg count, sum(v), mean(v)
        big = t | filter where v > 2 and k != "c"
        s = sample t rows 3 seed 1
        n = count s
        """)
        #expect(lines[0].contains("| a   |     2 |      6 |    3.0 |"))
        guard case .frame(let big)? = session.variables["big"] else { Issue.record("no frame"); return }
        #expect(big.rowCount == 2)
        #expect(session.variables["n"]?.shortDescription == "3")
    }

    @Test func generatedCorpusIsDeterministic() throws {
        let (a, _) = try run("p = generate papers rows 50 seed 3")
        let (b, _) = try run("p = generate papers rows 50 seed 3")
        guard case .frame(let x)? = a.variables["p"], case .frame(let y)? = b.variables["p"] else { Issue.record("no frames"); return }
        #expect(x == y)
        #expect(x.columnNames == ["id", "input", "output"])
    }

    @Test func errorsNameTheColumnAndWhere() {
        let unknown = error("t = table(input: [\"a\"])\ndescribe t inptu")
        #expect(unknown?.message == "unknown column 'inptu'")
        #expect(unknown?.notes.first == "did you mean 'input'?")
        #expect(unknown?.location == SourcePosition(file: "t.md", line: 2, column: 12))
        let badFilter = error("t = table(n: [1])\nt | filter where m > 1")
        #expect(badFilter?.message == "unknown column 'm'")
        #expect(badFilter?.location?.column == 18)
        #expect(error("t = table(n: [1])\nsample t rows 5 seed 1")?.message == "cannot sample 5 rows from 1")
        let missing = error("read \"/nonexistent/papers.jsonl\"")
        #expect(missing?.message.contains("/nonexistent/papers.jsonl") == true)
        #expect(missing?.location?.line == 1)
    }

    @Test func readReportsTheLineOfAMalformedRecord() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("p.jsonl")
        try "{\"a\": 1}\n{\"a\": 2\n{\"a\": 3}\n".write(to: file, atomically: true, encoding: .utf8)
        let failure = error("read \"\(file.path)\"")
        #expect(failure?.message.contains("\(file.path)") == true)
        #expect(failure?.message.hasPrefix("\(file.path):2:8: ") == true)
        let (session, lines) = try run("p = read \"\(file.path)\" on_error skip\nn = count p")
        #expect(session.variables["n"]?.shortDescription == "2")
        #expect(lines.first?.hasPrefix("skipped 1 malformed records") == true)
    }
}
