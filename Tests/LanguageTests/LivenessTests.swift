import Testing
import LontarLanguage

/// Variable liveness over a whole program: which values a statement may take
/// over, and which variables are dead after it.
@Suite struct LivenessTests {
    static let commands: Set<String> = ["read", "tokenize", "describe", "lower", "join"]

    func plans(_ source: String, opaque: Set<String>? = nil) throws -> [VariableLiveness.Plan] {
        let statements = try Parser.parse(source, file: "t", firstLine: 1, commands: Self.commands)
        var units = statements.map { VariableLiveness.Unit.statement($0) }
        if let opaque { units.append(.opaque(opaque)) }
        let liveness = VariableLiveness(units)
        return statements.map { liveness.plan(at: $0.location) }
    }

    @Test func thePapersPipeline() throws {
        let p = try plans("""
        papers = read "x.jsonl"
        words = papers | tokenize input
        describe words input_words
        papers = papers | lower input
        describe papers input
        """)
        #expect(!p[1].moves.contains("papers") && !p[1].deadAfter.contains("papers"))   // read again later
        #expect(!p[1].deadAfter.contains("words"))
        #expect(p[2].moves.contains("words") && p[2].deadAfter.contains("words"))       // last reader
        #expect(p[3].moves.contains("papers") && !p[3].deadAfter.contains("papers"))    // replaced here
        #expect(p[4].moves.contains("papers") && p[4].deadAfter.contains("papers"))
    }

    @Test func aValueReadTwiceInOneStatementIsNotTaken() throws {
        let p = try plans("""
        a = read "x"
        b = join a a
        """)
        #expect(!p[1].moves.contains("a"))
        #expect(p[1].deadAfter.contains("a"))
    }

    @Test func aCellThatDoesNotParseKeepsEveryWordItMentionsAlive() throws {
        let p = try plans("""
        a = read "x"
        describe a
        """, opaque: VariableLiveness.words(in: "show a limit 3 (("))
        #expect(!p[1].moves.contains("a") && !p[1].deadAfter.contains("a"))
    }

    @Test func membersAndCallArgumentsAreUses() throws {
        let p = try plans("""
        t = read "x"
        n = length(t.rows) + 1
        describe t
        """)
        #expect(!p[1].deadAfter.contains("t"))
        #expect(p[2].deadAfter.contains("t"))
        #expect(p[1].deadAfter.contains("n"))   // assigned, never read
    }
}
