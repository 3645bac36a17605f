import Foundation
import Testing
import LontarTestSupport
import LontarModelFiles
@testable import LontarTokenizers

/// SmolLM2's GGUF tokenizer against the reference cases: llama.cpp's ids
/// (`smollm2_llamacpp_digit_split_ids` where they differ from transformers').
@Suite(.enabled(if: Fixtures.haveSmolLM2 && Fixtures.haveCases))
struct SmolLM2ReferenceTests {
    @Test func readsMetadata() throws {
        let t = try #require(Fixtures.smolLM2)
        #expect(t.vocabSize == 49_152)
        #expect(t.preTokenizer == .smollm)
        #expect(t.bosID == 1)
        #expect(t.eosID == 2)
        #expect(t.addsBOS == false)
        #expect(t.addsEOS == false)
        #expect(t.stopIDs == [2, 0])
        #expect(t.specialTokenID("<|im_start|>") == 1)
        #expect(t.specialTokenID("<empty_output>") == 16)
        #expect(t.isSpecial(0) && t.isSpecial(16) && !t.isSpecial(17))
        #expect(t.tokenText(216) == " ")  // "Ġ" in the vocabulary
        #expect(t.tokenText(256) == "  ")  // "ĠĠ"
        #expect(t.chatTemplate == .chatML(defaultSystemPrompt: "You are a helpful AI assistant named SmolLM, trained by Hugging Face"))
    }

    @Test func allCasesMatchLlamaCpp() throws {
        let t = try #require(Fixtures.smolLM2)
        #expect(Fixtures.cases.count == 50)
        for c in Fixtures.cases {
            let ids = t.encode(c.text)
            #expect(ids == c.smolLM2IDs, "\(c.text.debugDescription)")
            #expect(t.countTokens(c.text) == ids.count)
            #expect(try t.decode(ids) == c.text)
        }
    }

    @Test func controlTokensOnlyWhenAsked() throws {
        let t = try #require(Fixtures.smolLM2)
        let text = "<|im_start|>user\nHi<|im_end|>\n"
        let parsed = t.encode(text, parseSpecial: .all)
        #expect(parsed.first == 1)
        #expect(parsed.contains(2))
        let plain = t.encode(text)
        #expect(!plain.contains(1) && !plain.contains(2))
        #expect(try t.decode(plain) == text)
        #expect(try t.decode(parsed) == text)
        #expect(try t.decode(parsed, skipSpecial: true) == "user\nHi\n")
        let onlyEnd = t.encode(text, parseSpecial: .only(["<|im_end|>"]))
        #expect(!onlyEnd.contains(1) && onlyEnd.contains(2))
    }
}
