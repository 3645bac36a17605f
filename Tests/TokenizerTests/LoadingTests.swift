import Foundation
import Testing
import LontarTestSupport
import LontarModelFiles
@testable import LontarTokenizers

/// Loading vocabularies: malformed files give clear errors, and a GGUF-style
/// tokenizer built from Llama 3's tokenizer.json (merges list, llama-bpe)
/// agrees with the tiktoken-format one.
@Suite struct LoadingTests {
    /// A tiny but complete tiktoken file: the 256 bytes plus a few merges.
    static func tinyRanks(extra: [String] = ["he", "ll", "hell", "hello"]) -> String {
        var lines: [String] = []
        for b in 0 ..< 256 { lines.append("\(Data([UInt8(b)]).base64EncodedString()) \(b)") }
        for (i, token) in extra.enumerated() { lines.append("\(Data(token.utf8).base64EncodedString()) \(256 + i)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func tiny(_ text: String) throws -> TiktokenTokenizer {
        let ranks = try TiktokenFile.parse(Array(text.utf8), path: "tiny.model")
        return try TiktokenTokenizer(name: "tiny", packed: ranks, specialTokens: [(text: "<|end|>", id: ranks.count)],
                                     preTokenizer: .gpt2, bos: nil, eos: ranks.count, stops: [ranks.count],
                                     addsBOS: false, chatTemplate: nil)
    }

    @Test func tinyTiktokenMergesByRank() throws {
        let t = try LoadingTests.tiny(LoadingTests.tinyRanks())
        #expect(t.vocabSize == 261)
        #expect(t.encode("hello") == [259])
        #expect(t.encode("hell") == [258])
        #expect(t.encode("helo") == [256, 108, 111])      // "he" "l" "o"
        #expect(t.encode("hello<|end|>", parseSpecial: .all) == [259, 260])
        #expect(t.encode("hello", addSpecialTokens: true) == [259])  // no BOS defined
    }

    @Test func malformedTiktokenLinesNameTheLine() throws {
        let good = LoadingTests.tinyRanks()
        let cases: [(String, TokenizerError)] = [
            (good + "aGk=\n", .malformedLine(path: "tiny.model", line: 261, reason: "expected '<base64> <rank>'")),
            (good + "aGk= x\n", .malformedLine(path: "tiny.model", line: 261, reason: "rank is not a non-negative integer")),
            (good + "a@k= 260\n", .malformedLine(path: "tiny.model", line: 261, reason: "token is not valid base64")),
            (good + "aGk= 3\n", .malformedLine(path: "tiny.model", line: 261, reason: "rank 3 appears twice")),
            (good + "aGk= 262\n", .invalidVocabulary("tiny.model: rank 260 is missing (ranks must be 0..<263)")),
        ]
        for (text, error) in cases {
            #expect(throws: error) { try TiktokenFile.parse(Array(text.utf8), path: "tiny.model") }
        }
        // CRLF line ends and blank lines are accepted.
        let crlf = good.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        #expect(try TiktokenFile.parse(Array(crlf.utf8), path: "x").count == 260)
    }

    @Test func missingByteTokenIsAnError() throws {
        let text = LoadingTests.tinyRanks().split(separator: "\n").dropFirst().enumerated()
            .map { "\($0.element.split(separator: " ")[0]) \($0.offset)" }.joined(separator: "\n")
        #expect(throws: TokenizerError.invalidVocabulary("no token for the single byte 0x0")) {
            try LoadingTests.tiny(text)
        }
    }

    @Test func missingModelFileIsAnError() {
        #expect(throws: TokenizerError.self) {
            try TiktokenTokenizer.llama3(contentsOf: URL(fileURLWithPath: "/nonexistent/tokenizer.model"))
        }
    }

    @Test func ggufMetadataErrors() throws {
        let tokens = (0 ..< 256).map { String(ByteLevel.characterForByte[$0]) } + ["ab"]
        var m = GGUFTokenizerMetadata(tokens: tokens, merges: ["a b"])
        #expect(try GGUFTokenizer(metadata: m).encode("abc") == [256, 99])
        m.preTokenizer = "no-such-pre"
        #expect(throws: TokenizerError.unsupportedPreTokenizer("no-such-pre")) { try GGUFTokenizer(metadata: m) }
        m.preTokenizer = nil
        m.model = "llama"
        #expect(throws: TokenizerError.unsupportedModel("llama")) { try GGUFTokenizer(metadata: m) }
        m.model = "gpt2"
        m.merges = ["a c"]
        #expect(throws: TokenizerError.invalidVocabulary("merge 0 'a c': 'a', 'c' or their join is not a token")) {
            try GGUFTokenizer(metadata: m)
        }
        m.merges = ["ab"]
        #expect(throws: TokenizerError.invalidVocabulary("merge 0 'ab' is not 'left right'")) { try GGUFTokenizer(metadata: m) }
        m.merges = []
        m.bosID = 999
        #expect(throws: TokenizerError.invalidVocabulary("bos token id 999 is outside 0..<257")) { try GGUFTokenizer(metadata: m) }
        m.bosID = nil
        m.tokenTypes = [1, 1]
        #expect(throws: TokenizerError.invalidVocabulary("2 token types for 257 tokens")) { try GGUFTokenizer(metadata: m) }
    }

    /// User-defined tokens are recognised in text even without special parsing
    /// (llama.cpp); control tokens only with it.
    @Test func ggufUserDefinedTokensAlwaysParsed() throws {
        let tokens = (0 ..< 256).map { String(ByteLevel.characterForByte[$0]) } + ["<ctl>", "<user>"]
        let types = [Int32](repeating: 1, count: 256) + [3, 4]
        let t = try GGUFTokenizer(metadata: GGUFTokenizerMetadata(tokens: tokens, merges: [], tokenTypes: types))
        #expect(t.encode("<user>") == [257])
        #expect(t.encode("<ctl>").count == 5)
        #expect(t.encode("<ctl><user>", parseSpecial: .all) == [256, 257])
        #expect(t.isSpecial(256) && !t.isSpecial(257))
        #expect(try t.decode([256, 257]) == "<ctl><user>")
    }

    @Test(.enabled(if: Fixtures.haveSmolLM2))
    func smolLM2MissingBytesAreDropped() throws {
        // SmolLM2 has no token for the control byte 0x04, as llama.cpp and HF drop it.
        let t = try #require(Fixtures.smolLM2)
        // "a", "\u{04}", "b" are separate pieces; the middle one yields no token.
        #expect(t.encode("a\u{04}b") == t.encode("a") + t.encode("b"))
    }

    /// Llama 3's tokenizer.json (vocabulary + 280,147 merges) as GGUF-style
    /// metadata with pre-tokenizer `llama-bpe`: the merges-list path must give
    /// the same ids as the tiktoken ranks on every reference case.
    @Test(.enabled(if: Fixtures.haveLlama3 && Fixtures.haveCases))
    func ggufPathAgreesWithTiktokenOnLlama3() throws {
        let data = try Data(contentsOf: Fixtures.llama3JSONURL)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let model = try #require(json["model"] as? [String: Any])
        let vocab = try #require(model["vocab"] as? [String: Int])
        let merges = try #require(model["merges"] as? [String])
        let added = try #require(json["added_tokens"] as? [[String: Any]])
        var tokens = [String](repeating: "", count: vocab.count + added.count)
        var types = [Int32](repeating: 1, count: tokens.count)
        for (text, id) in vocab { tokens[id] = text }
        for a in added {
            let id = try #require(a["id"] as? Int)
            tokens[id] = try #require(a["content"] as? String)
            types[id] = 3
        }
        var m = GGUFTokenizerMetadata(tokens: tokens, merges: merges, tokenTypes: types, preTokenizer: "llama-bpe")
        m.bosID = 128_000
        m.eosID = 128_009
        let gguf = try GGUFTokenizer(metadata: m)
        let tiktoken = try #require(Fixtures.llama3)
        #expect(gguf.addsBOS)
        #expect(gguf.stopIDs == [128_009, 128_001])
        #expect(gguf.chatTemplate == nil)
        for c in Fixtures.cases {
            #expect(gguf.encode(c.text, parseSpecial: .all) == c.llama3_ids, "\(c.text.debugDescription)")
            #expect(gguf.encode(c.text) == tiktoken.encode(c.text))
        }
        #expect(gguf.encode("Hello", addSpecialTokens: true) == [128_000, 9906])
    }
}
