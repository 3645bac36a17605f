import Foundation
import Testing
import LontarTestSupport
@testable import LontarTokenizers

/// SmolLM2's prompts in shared/reference/smollm2/forward_reference.json:
/// the ids the reference forward pass used, its chat-formatted prompt, and
/// the decoding of its greedy continuation.
@Suite(.enabled(if: Fixtures.haveSmolLM2 && Fixtures.haveForwardReference))
struct SmolLM2ForwardReferenceTests {
    struct Greedy: Decodable {
        var ids: [Int]
        var text: String
        var text_skip_special: String
    }

    struct Prompt: Decodable {
        var name: String
        var text: String
        var token_ids: [Int]
        var greedy32: Greedy
    }

    struct File: Decodable { var prompts: [Prompt] }

    static func prompts() throws -> [Prompt] {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: Fixtures.forwardReferenceURL)).prompts
    }

    @Test func promptIDsMatch() throws {
        let t = try #require(Fixtures.smolLM2)
        let prompts = try SmolLM2ForwardReferenceTests.prompts()
        #expect(prompts.count == 3)
        for p in prompts {
            #expect(t.encode(p.text, parseSpecial: .all) == p.token_ids, "\(p.name)")
        }
    }

    @Test func chatPromptIsTheTemplateOutput() throws {
        let t = try #require(Fixtures.smolLM2)
        let chat = try #require(try SmolLM2ForwardReferenceTests.prompts().first { $0.name == "chat" })
        let plain = try #require(try SmolLM2ForwardReferenceTests.prompts().first { $0.name == "plain" })
        let messages = [ChatMessage(role: "user", content: plain.text)]
        #expect(t.chatTemplate?.apply(messages, addGenerationPrompt: true) == chat.text)
        #expect(try t.encodeChat(messages) == chat.token_ids)
    }

    @Test func greedyContinuationsDecode() throws {
        let t = try #require(Fixtures.smolLM2)
        for p in try SmolLM2ForwardReferenceTests.prompts() {
            #expect(try t.decode(p.greedy32.ids) == p.greedy32.text, "\(p.name)")
            #expect(try t.decode(p.greedy32.ids, skipSpecial: true) == p.greedy32.text_skip_special, "\(p.name)")
            var stream = t.streamingDecoder()
            var text = ""
            for id in p.greedy32.ids { text += try stream.append(id) }
            #expect(text + stream.finish() == p.greedy32.text)
        }
    }

    @Test func noChatTemplateIsAnError() throws {
        let tokens = (0 ..< 256).map { String(ByteLevel.characterForByte[$0]) }
        let t = try GGUFTokenizer(metadata: GGUFTokenizerMetadata(tokens: tokens, merges: []))
        #expect(throws: TokenizerError.self) { try t.encodeChat([ChatMessage(role: "user", content: "hi")]) }
    }
}
