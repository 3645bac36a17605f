import Foundation
import Testing
import LontarTestSupport
import LontarTokenizers

/// Chat formats written as code, against Jinja2 rendering the real templates
/// (SmolLM2's from its GGUF, Llama 3 Instruct's official one).
@Suite struct ChatTemplateTests {
    static let jinjaPresent = TestSupport.peerAvailable(["jinja2"])

    static let conversations: [(messages: [ChatMessage], generation: Bool)] = {
        let system = ChatMessage(role: "system", content: "You are terse.")
        let user = ChatMessage(role: "user", content: "Summarise the paper.")
        let padded = ChatMessage(role: "user", content: "  \n\t spaced out \n\n")
        let assistant = ChatMessage(role: "assistant", content: "It studies QLoRA.\n")
        let unicode = ChatMessage(role: "user", content: "naïve café 北京 😀 <b>'quotes'</b> \"double\" {{ not jinja }}")
        var all: [(messages: [ChatMessage], generation: Bool)] = []
        for generation in [true, false] {
            all.append(([], generation))
            all.append(([user], generation))
            all.append(([system, user], generation))
            all.append(([user, assistant, user], generation))
            all.append(([system, user, assistant, padded], generation))
            all.append(([unicode], generation))
            all.append(([ChatMessage(role: "user", content: "")], generation))
        }
        return all
    }()

    /// Jinja2's renderings of `template` for every conversation.
    static func render(_ template: String, bos: String) throws -> [String] {
        let request: [String: Any] = [
            "template": template, "bos_token": bos, "eos_token": "",
            "conversations": conversations.map { c in
                ["messages": c.messages.map { ["role": $0.role, "content": $0.content] },
                 "add_generation_prompt": c.generation] as [String: Any]
            },
        ]
        let input = try JSONSerialization.data(withJSONObject: request)
        let result = try TestSupport.runPython(
            [TestSupport.oracles.appendingPathComponent("chat_template_oracle.py").path], stdin: input)
        try #require(result.status == 0, "\(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        return try #require(output["rendered"] as? [String])
    }

    @Test(.enabled(if: Fixtures.haveSmolLM2 && (jinjaPresent || TestSupport.peersRequired)))
    func smolLM2MatchesItsJinjaTemplate() throws {
        try #require(ChatTemplateTests.jinjaPresent, "jinja2 missing but LONTAR_REQUIRE_PEERS=1")
        let t = try #require(Fixtures.smolLM2)
        let source = try #require(t.chatTemplateSource)
        let template = try #require(t.chatTemplate)
        let expected = try ChatTemplateTests.render(source, bos: "<|im_start|>")
        for (c, want) in zip(ChatTemplateTests.conversations, expected) {
            #expect(template.apply(c.messages, addGenerationPrompt: c.generation) == want)
        }
    }

    @Test(.enabled(if: jinjaPresent || TestSupport.peersRequired))
    func llama3MatchesTheOfficialTemplate() throws {
        try #require(ChatTemplateTests.jinjaPresent, "jinja2 missing but LONTAR_REQUIRE_PEERS=1")
        let expected = try ChatTemplateTests.render("llama3-official", bos: "<|begin_of_text|>")
        for (c, want) in zip(ChatTemplateTests.conversations, expected) {
            #expect(ChatTemplate.llama3.apply(c.messages, addGenerationPrompt: c.generation) == want)
        }
    }

    @Test func recognisesTemplates() {
        #expect(ChatTemplate(jinja: "{{ bos_token }}<|start_header_id|>{{ role }}<|end_header_id|>…<|eot_id|>") == .llama3)
        #expect(ChatTemplate(jinja: "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}")
            == .chatML(defaultSystemPrompt: nil))
        #expect(ChatTemplate(jinja: "{{'<|im_start|>system\\nYou are Qwen.<|im_end|>\\n'}}<|im_start|>")
            == .chatML(defaultSystemPrompt: "You are Qwen."))
        #expect(ChatTemplate(jinja: "[INST] {{ content }} [/INST]") == nil)
    }

    @Test(.enabled(if: Fixtures.haveLlama3))
    func llama3PromptTokenizesToHeaderIDs() throws {
        let t = try #require(Fixtures.llama3)
        let prompt = ChatTemplate.llama3.apply([ChatMessage(role: "user", content: "Hi")], addGenerationPrompt: true)
        let ids = t.encode(prompt, parseSpecial: .all)
        #expect(ids.first == Llama3.beginOfText)
        #expect(ids.filter { $0 == Llama3.startHeader }.count == 2)
        #expect(ids.filter { $0 == Llama3.endOfTurn }.count == 1)
        #expect(try t.decode(ids) == prompt)
    }
}
