import Foundation
import Testing
import LontarTestSupport
@testable import LontarTokenizers

/// Llama 3 against the 50 reference cases produced by HF `tokenizers` and
/// tiktoken (`shared/reference/llama3/tokenizer_cases.json`).
@Suite(.enabled(if: Fixtures.haveLlama3 && Fixtures.haveCases))
struct Llama3ReferenceTests {
    @Test func loadsAllRanksAndSpecials() throws {
        let t = try #require(Fixtures.llama3)
        #expect(t.vocabSize == 128_256)
        #expect(t.ordinaryCount == 128_000)
        #expect(t.bosID == 128_000)
        #expect(t.eosID == 128_001)
        #expect(t.stopIDs == [128_001, 128_009])
        #expect(t.specialTokenID("<|eot_id|>") == 128_009)
        #expect(t.specialTokenID("<|reserved_special_token_250|>") == 128_255)
        #expect(t.tokenText(9906) == "Hello")
        #expect(t.tokenText(128_000) == "<|begin_of_text|>")
        #expect(t.tokenBytes(128_256) == nil)
        #expect(t.tokenBytes(-1) == nil)
    }

    @Test func allCasesMatchWithSpecialsParsed() throws {
        let t = try #require(Fixtures.llama3)
        #expect(Fixtures.cases.count == 50)
        for c in Fixtures.cases {
            #expect(t.encode(c.text, parseSpecial: .all) == c.llama3_ids, "\(c.text.debugDescription)")
        }
    }

    @Test func allCasesMatchAsOrdinaryText() throws {
        let t = try #require(Fixtures.llama3)
        for c in Fixtures.cases {
            let ids = t.encode(c.text)
            #expect(ids == c.tiktoken_ids_encode_ordinary, "\(c.text.debugDescription)")
            #expect(t.countTokens(c.text) == ids.count)
            #expect(try t.decode(ids) == c.text)
        }
    }
}
