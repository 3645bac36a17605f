import Foundation
import Testing
@testable import LontarTokenizers

@Suite(.enabled(if: Fixtures.haveLlama3 && Fixtures.haveSmolLM2))
struct StreamingDecoderTests {
    static let texts = [
        "naïve café µm 北京 😀", "emoji 👨\u{200D}👩\u{200D}👧\u{200D}👦 family and flag 🇺🇸",
        "日本語のテキストです。", "😀😃😄😁😆😅🤣😂🙂🙃", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕋𝕖𝕩𝕥", "plain ascii",
        "ÀÉÎÕÜ ß ﬁ", "\u{10FFFF}\u{E000}", "",
    ]

    /// Feeding ids one by one gives the same text as decoding them at once,
    /// and no replacement character appears for valid text.
    @Test func pieceByPieceEqualsWhole() throws {
        for tokenizer in [Fixtures.llama3 as (any Tokenizer)?, Fixtures.smolLM2].compactMap({ $0 }) {
            for text in StreamingDecoderTests.texts + Fixtures.cases.map(\.text) {
                let ids = tokenizer.encode(text, parseSpecial: .all)
                var decoder = tokenizer.streamingDecoder()
                var out = ""
                for id in ids {
                    let piece = try decoder.append(id)
                    #expect(!piece.contains("\u{FFFD}"), "\(text.debugDescription)")
                    out += piece
                }
                out += decoder.finish()
                #expect(out == text, "\(tokenizer.name): \(text.debugDescription)")
            }
        }
    }

    /// A character split across tokens is held back until complete.
    @Test func holdsBackPartialCharacters() throws {
        let t = try #require(Fixtures.llama3)
        // 🤣 (F0 9F A4 A3) is not one Llama 3 token: its bytes arrive in two or more.
        let ids = t.encode("🤣")
        #expect(ids.count >= 2)
        var decoder = t.streamingDecoder()
        #expect(try decoder.append(ids[0]) == "")
        var rest = ""
        for id in ids.dropFirst() { rest += try decoder.append(id) }
        #expect(rest == "🤣")
        #expect(decoder.finish() == "")
    }

    @Test func unfinishedCharacterBecomesReplacementAtFinish() throws {
        let t = try #require(Fixtures.llama3)
        let ids = t.encode("🤣")
        var decoder = t.streamingDecoder()
        #expect(try decoder.append(ids[0]) == "")
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.finish() == "")
    }

    @Test func rejectsUnknownIDs() throws {
        let t = try #require(Fixtures.llama3)
        var decoder = t.streamingDecoder()
        #expect(throws: TokenizerError.unknownTokenID(id: 128_256, position: 0, vocabSize: 128_256)) {
            try decoder.append(128_256)
        }
        #expect(throws: TokenizerError.unknownTokenID(id: -3, position: 1, vocabSize: 128_256)) {
            try t.decode([9906, -3])
        }
    }

    @Test func skipsSpecialTokensWhenAsked() throws {
        let t = try #require(Fixtures.llama3)
        var decoder = t.streamingDecoder(skipSpecial: true)
        var out = ""
        for id in t.encode("<|begin_of_text|>Hello<|eot_id|>", parseSpecial: .all) { out += try decoder.append(id) }
        #expect(out == "Hello")
    }

    @Test func incompleteSuffixRules() {
        let f = StreamingDecoder.incompleteSuffixLength
        #expect(f([]) == 0)
        #expect(f([0x41]) == 0)
        #expect(f([0x41, 0xC3]) == 1)          // é's first byte
        #expect(f([0xC3, 0xA9]) == 0)          // complete é
        #expect(f([0xE4, 0xBA]) == 2)          // 3-byte lead + 1
        #expect(f([0xF0, 0x9F, 0x98]) == 3)    // 😀 minus its last byte
        #expect(f([0xF0, 0x9F, 0x98, 0x80]) == 0)
        #expect(f([0xE0, 0x80]) == 0)          // overlong: can never complete
        #expect(f([0xED, 0xA0]) == 0)          // surrogate: can never complete
        #expect(f([0xFF]) == 0)
        #expect(f([0x80, 0x80, 0x80]) == 0)    // stray continuation bytes
    }
}
