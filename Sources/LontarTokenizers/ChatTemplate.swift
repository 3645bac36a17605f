import Foundation

/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable {
    /// `system`, `user` or `assistant` (any role text is passed through).
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's chat format, written as code rather than interpreted from its
/// Jinja template: the formats Lontar's models use are few and fixed.
public enum ChatTemplate: Sendable, Equatable {
    /// Llama 3 Instruct: `<|begin_of_text|>` then, per message,
    /// `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` with the
    /// content trimmed of surrounding whitespace (the template's `| trim`).
    case llama3
    /// ChatML (SmolLM2, Qwen…): `<|im_start|>role\ncontent<|im_end|>\n` per
    /// message; when the first message is not a system message and the
    /// template has a default system prompt, that prompt comes first.
    case chatML(defaultSystemPrompt: String?)

    /// Recognises the format of a Jinja chat template (GGUF
    /// `tokenizer.chat_template`), or `nil` for a format Lontar does not know.
    public init?(jinja template: String) {
        if template.contains("<|start_header_id|>"), template.contains("<|eot_id|>") {
            self = .llama3
        } else if template.contains("<|im_start|>"), template.contains("<|im_end|>") {
            self = .chatML(defaultSystemPrompt: ChatTemplate.defaultSystemPrompt(inChatML: template))
        } else {
            return nil
        }
    }

    /// The prompt text for `messages`, ending with the assistant's header when
    /// `addGenerationPrompt` is set (so the model writes the reply next).
    /// Encode it with special-token parsing on and no extra BOS.
    public func apply(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var out = ""
        switch self {
        case .llama3:
            // The template puts BOS before the first message (none without messages).
            if !messages.isEmpty { out += "<|begin_of_text|>" }
            for m in messages {
                out += "<|start_header_id|>\(m.role)<|end_header_id|>\n\n\(ChatTemplate.jinjaTrim(m.content))<|eot_id|>"
            }
            if addGenerationPrompt { out += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        case .chatML(let defaultSystemPrompt):
            if let defaultSystemPrompt, let first = messages.first, first.role != "system" {
                out += "<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n"
            }
            for m in messages {
                out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n"
            }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
        }
        return out
    }

    /// The system prompt a ChatML template inserts when the conversation has
    /// none: the text of a string literal `'<|im_start|>system\n…<|im_end|>`
    /// (the newline written either literally or as `\n`).
    static func defaultSystemPrompt(inChatML template: String) -> String? {
        for marker in ["<|im_start|>system\n", "<|im_start|>system\\n"] {
            guard let start = template.range(of: marker) else { continue }
            // Only a literal inside the template counts, not one built from message['role'].
            guard let end = template.range(of: "<|im_end|>", range: start.upperBound ..< template.endIndex) else { continue }
            let prompt = String(template[start.upperBound ..< end.lowerBound])
            if prompt.contains("{{") || prompt.contains("{%") || prompt.contains("'") || prompt.contains("\"") {
                continue  // an expression (e.g. the message content), not a fixed prompt
            }
            return prompt.replacingOccurrences(of: "\\n", with: "\n")
        }
        return nil
    }

    /// Jinja's `trim` filter: Python's `str.strip()`, which removes Unicode
    /// whitespace and also U+001C…U+001F.
    static func jinjaTrim(_ s: String) -> String {
        func isSpace(_ c: Unicode.Scalar) -> Bool {
            c.properties.isWhitespace || (c.value >= 0x1C && c.value <= 0x1F)
        }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first ... last])
    }
}
