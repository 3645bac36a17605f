import Foundation
import Testing
import LontarTestSupport
@testable import LontarTokenizers

/// Lontar's tokenizers against the real peers on ~2,100 generated and tricky
/// strings (Tests/oracles/tokenizer_oracle.py): HF `tokenizers` and tiktoken
/// for Llama 3, and for SmolLM2 an HF `tokenizers` BPE built from the GGUF's
/// own vocabulary and merges with llama.cpp's digit-splitting pre-tokenizer
/// (the oracle first checks itself against the shared llama.cpp ids).
@Suite struct DifferentialTests {
    static let peers = ["tokenizers", "tiktoken", "gguf"]
    static let peersPresent = TestSupport.peerAvailable(peers)
    static let enabled = Fixtures.haveLlama3 && Fixtures.haveSmolLM2 && (peersPresent || TestSupport.peersRequired)

    struct Row: Decodable {
        var text: String
        var llama3_hf: [Int]
        var llama3_pieces: [String]
        var llama3_tiktoken_ordinary: [Int]
        var smollm2: [Int]
    }

    struct SelfCheck: Decodable {
        var cases: Int
        var mismatches: [String]
    }

    struct Output: Decodable {
        var rows: [Row]
        var smollm2_self_check: SelfCheck
    }

    /// Runs the oracle once for all tests of this suite.
    static let oracle: Result<Output, Error> = Result {
        let result = try TestSupport.runPython([
            TestSupport.oracles.appendingPathComponent("tokenizer_oracle.py").path,
            "--models", Fixtures.models.path,
            "--gguf", Fixtures.smolLM2URL.path,
            "--cases", Fixtures.casesURL.path,
            "--rows", "2000", "--seed", "20240611",
        ])
        guard result.status == 0 else {
            throw TokenizerError.unreadableFile(path: "tokenizer_oracle.py", reason: result.stderr)
        }
        return try JSONDecoder().decode(Output.self, from: result.stdout)
    }

    static func rows() throws -> [Row] {
        try #require(peersPresent, "Python peers \(peers) missing but LONTAR_REQUIRE_PEERS=1")
        let rows = try oracle.get().rows
        #expect(rows.count >= 2_000)
        return rows
    }

    @Test(.enabled(if: enabled))
    func llama3MatchesHFTokenizers() throws {
        let t = try #require(Fixtures.llama3)
        var failures = 0
        for row in try DifferentialTests.rows() {
            let ids = t.encode(row.text, parseSpecial: .all)
            if ids != row.llama3_hf, failures < 5 {
                failures += 1
                Issue.record("HF ids differ for \(row.text.debugDescription): want \(row.llama3_hf), got \(ids)")
            }
        }
        #expect(failures == 0)
    }

    @Test(.enabled(if: enabled))
    func llama3MatchesTiktokenOrdinary() throws {
        let t = try #require(Fixtures.llama3)
        var failures = 0
        for row in try DifferentialTests.rows() {
            let ids = t.encode(row.text)
            let decoded = try t.decode(ids)
            if ids != row.llama3_tiktoken_ordinary || decoded != row.text || t.countTokens(row.text) != ids.count,
               failures < 5 {
                failures += 1
                Issue.record("tiktoken ids or round trip differ for \(row.text.debugDescription): want \(row.llama3_tiktoken_ordinary), got \(ids)")
            }
        }
        #expect(failures == 0)
    }

    @Test(.enabled(if: enabled))
    func llama3PiecesMatchHFPreTokenizer() throws {
        var failures = 0
        for row in try DifferentialTests.rows() {
            let pieces = PreTokenizer.llama3.split(row.text)
            if pieces != row.llama3_pieces, failures < 5 {
                failures += 1
                Issue.record("pieces differ for \(row.text.debugDescription): want \(row.llama3_pieces), got \(pieces)")
            }
        }
        #expect(failures == 0)
    }

    @Test(.enabled(if: enabled))
    func smolLM2MatchesDigitSplitOracle() throws {
        let t = try #require(Fixtures.smolLM2)
        let rows = try DifferentialTests.rows()
        let check = try DifferentialTests.oracle.get().smollm2_self_check
        #expect(check.cases == 50)
        #expect(check.mismatches.isEmpty, "the oracle itself disagrees with llama.cpp's reference ids")
        var failures = 0
        for row in rows {
            let ids = t.encode(row.text)
            if ids != row.smollm2, failures < 5 {
                failures += 1
                Issue.record("SmolLM2 ids differ for \(row.text.debugDescription): want \(row.smollm2), got \(ids)")
            }
        }
        #expect(failures == 0)
    }
}
