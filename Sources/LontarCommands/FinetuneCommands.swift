import Foundation
import LontarFrame
import LontarLanguage
import LontarModel
import LontarModelFiles
import LontarRender
import LontarTokenizers

/// A QLoRA fine-tuning run held in a variable: its losses, its adapters, and
/// the tuned model (adapters merged for prompting).
final class TunedObject: LontarObject, TokenizerProviding, @unchecked Sendable {
    let result: TrainingResult
    let adapters: LoRAAdapters
    let model: ModelObject
    let base: ModelObject
    let summary: String

    init(result: TrainingResult, adapters: LoRAAdapters, model: ModelObject, base: ModelObject, summary: String) {
        self.result = result
        self.adapters = adapters
        self.model = model
        self.base = base
        self.summary = summary
    }

    var typeName: String { "fine-tuning run" }
    var memberNames: [String] { ["loss", "final_loss", "steps", "eval_loss", "model"] }
    var tokenizerObject: TokenizerObject { get throws(LontarError) { try model.tokenizerObject } }

    func member(_ name: String) -> Value? {
        switch name {
        case "loss": return (try? lossFrame()).map(Value.frame)
        case "final_loss": return result.finalLoss.map { .double(rounded($0)) } ?? .null
        case "steps": return .integer(Int64(result.steps))
        case "eval_loss": return result.evalLosses.last.map { .double(rounded($0.loss)) } ?? .null
        case "model": return .object(model)
        default: return nil
        }
    }

    func display() -> [Display] { [.text(summary)] }

    /// step, train loss, and eval loss where it was measured (null elsewhere).
    func lossFrame() throws -> Frame {
        let steps = result.losses.indices.map { Int64($0 + 1) }
        var eval = [Double](repeating: 0, count: steps.count)
        var valid = [Bool](repeating: false, count: steps.count)
        for point in result.evalLosses where point.step >= 1 && point.step <= steps.count {
            eval[point.step - 1] = point.loss
            valid[point.step - 1] = true
        }
        return try Frame(columns: [
            Column(name: "step", storage: .int64(steps)),
            Column(name: "train", storage: .double(result.losses)),
            Column(name: "eval", storage: .double(eval), valid: valid),
        ])
    }

    private func rounded(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
}

/// `finetune`, `save … adapter`, `compare`: the paper's QLoRA step.
enum FinetuneCommands {
    /// Between prompt and response in plain (non-chat) training examples.
    static let plainSeparator = "\n"

    static func register(in registry: CommandRegistry) {
        registry.register(CommandSpec(
            "finetune", summary: "QLoRA: train LoRA adapters on a frozen 4-bit model, from a frame of prompts and responses.",
            positional: [ParameterSpec("model", required: true, help: "the base model (load model … as nf4)")],
            keywords: [
                ParameterSpec("on", required: true, help: "the frame of examples"),
                ParameterSpec("prompt", .columns, required: true, help: "the prompt column"),
                ParameterSpec("response", .columns, required: true, help: "the response column"),
                ParameterSpec("rank", help: "LoRA rank r (default 16)"),
                ParameterSpec("alpha", help: "LoRA alpha; the update is scaled by alpha / r (default 32)"),
                ParameterSpec("dropout", help: "LoRA dropout (default 0.05)"),
                ParameterSpec("targets", .columns, help: "projections to adapt: q, k, v, o, gate, up, down, or all (default all)"),
                ParameterSpec("lr", help: "peak learning rate (default 2e-4)"),
                ParameterSpec("schedule", .word(["constant", "linear", "cosine"]), help: "learning-rate schedule (default constant)"),
                ParameterSpec("warmup", help: "warm-up steps (default 0)"),
                ParameterSpec("steps", help: "optimizer steps (default 100)"),
                ParameterSpec("batch", help: "sequences per micro-batch (default 4)"),
                ParameterSpec("accumulate", help: "micro-batches per step (default 1)"),
                ParameterSpec("seq", help: "tokens per sequence; longer examples are truncated (default 256)"),
                ParameterSpec("weight_decay", help: "AdamW weight decay (default 0)"),
                ParameterSpec("clip", help: "clip the gradient's global norm (default 1.0)"),
                ParameterSpec("eval", help: "examples held out for the evaluation loss (default 0)"),
                ParameterSpec("eval_every", help: "evaluate every N steps (default: at the end)"),
                ParameterSpec("rows", help: "use the first N rows of the frame (default all)"),
                ParameterSpec("checkpoint", help: "folder for checkpoints (adapters, optimizer, data position, RNG)"),
                ParameterSpec("every", help: "write a checkpoint every N steps (with checkpoint)"),
                ParameterSpec("seed", help: "seed of the adapters' initialisation, dropout and shuffling (default 42)"),
            ],
            flags: [
                ParameterSpec("chat", help: "format examples with the model's chat template"),
                ParameterSpec("all_tokens", help: "compute the loss on prompt tokens too (default: response only)"),
                ParameterSpec("packing", help: "pack several examples into each sequence"),
                ParameterSpec("checkpointing", help: "gradient checkpointing: recompute activations per layer to save memory"),
                ParameterSpec("paged", help: "keep the optimizer state in a memory-mapped file (QLoRA's paged optimizer, on CPU)"),
                ParameterSpec("resume", help: "continue from the latest checkpoint in the checkpoint folder"),
            ],
            details: "The base weights stay frozen in NF4 with double quantization; only the adapters (A Kaiming-uniform, B zero, as PEFT) train, with AdamW. The same seed and settings give the same losses bit for bit. Ctrl-C stops after the current step and writes a checkpoint. The result's members: loss (a frame of step, train and eval loss), final_loss, steps, eval_loss, model.",
            examples: ["tuned = finetune base on clean prompt input response output rank 16 alpha 32 lr 2e-4 steps 200 batch 4 seq 256 seed 42",
                       "plot tuned.loss"]
        ) { call in
            try finetune(call)
        })

        registry.register(CommandSpec(
            "save", summary: "Save a fine-tuning run's adapters: PEFT's format, a llama.cpp LoRA adapter, or a merged GGUF model.",
            positional: [ParameterSpec("run", required: true, help: "a fine-tuning run"),
                         ParameterSpec("what", .word(["adapter", "gguf", "merged"]), required: true,
                                       help: "adapter (PEFT), gguf (llama.cpp LoRA adapter) or merged (GGUF model)"),
                         ParameterSpec("path", required: true, help: "the folder (adapter) or .gguf file (gguf, merged)")],
            details: "adapter writes adapter_config.json + adapter_model.safetensors with PEFT's tensor names (base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight …), so PEFT's PeftModel.from_pretrained loads them. gguf writes a llama.cpp LoRA adapter (float32; llama-cli -m BASE.gguf --lora PATH). merged writes the base model's GGUF with W + (alpha/r)·B·A in every adapted weight (float16; all other tensors and metadata copied).",
            examples: ["save tuned adapter \"outputs/adapter\"", "save tuned gguf \"outputs/adapter.gguf\""]
        ) { call in
            guard case .object(let run as TunedObject) = try call.require("run") else {
                throw call.typeError("run", "a fine-tuning run", try call.require("run"))
            }
            let path = try call.string("path")!
            let url = call.session.resolvePath(path)
            let count = NumberFormat.grouped(run.adapters.parameterCount)
            switch call.word("what") {
            case "gguf":
                try engineCall(call.location(of: "path")) { try run.adapters.saveGGUF(to: url) }
                return .display([.text("saved \(count) adapter parameters to \(path) (llama.cpp LoRA adapter)")])
            case "merged":
                let session = call.session
                let baseURL: URL
                do {
                    baseURL = try ModelStore(root: TokenizerLoader.modelsRoot(session)).resolve(run.base.source)
                } catch {
                    throw LontarError("merging needs the base model's file: \(error)", at: call.location)
                }
                try engineCall(call.location(of: "path")) {
                    try run.adapters.mergeIntoGGUF(base: GGUFFile(contentsOf: baseURL), to: url)
                }
                return .display([.text("saved \(run.base.label) with the adapters merged to \(path)")])
            default:
                try engineCall(call.location(of: "path")) { try run.adapters.savePEFT(to: url, baseModel: run.base.source) }
                return .display([.text("saved \(count) adapter parameters to \(path)")])
            }
        })

        registry.register(CommandSpec(
            "compare", summary: "Ask two models the same prompts side by side (same seed and settings).",
            positional: [ParameterSpec("first", required: true, help: "a model or fine-tuning run"),
                         ParameterSpec("second", required: true, help: "another")],
            keywords: [ParameterSpec("on", required: true, help: "a prompt, or a list of prompts"),
                       ParameterSpec("max", help: "at most this many new tokens (default 96)"),
                       ParameterSpec("temperature", help: "0 (default) is greedy"),
                       ParameterSpec("top_k", help: "top-k sampling"), ParameterSpec("top_p", help: "nucleus sampling"),
                       ParameterSpec("repetition", help: "repetition penalty"), ParameterSpec("seed", help: "sampling seed")],
            flags: [ParameterSpec("chat", help: "use the chat template")],
            examples: ["compare base tuned on \"Write the first line of an abstract of a paper which starts with: we study\" max 48"]
        ) { call in
            let first = try ModelCommands.model(call, "first"), second = try ModelCommands.model(call, "second")
            var prompts: [String] = []
            switch try call.require("on") {
            case .string(let s): prompts = [s]
            case .list(let items):
                for item in items {
                    guard case .string(let s) = item else { throw call.typeError("on", "prompts (strings)", item) }
                    prompts.append(s)
                }
            case let other: throw call.typeError("on", "a prompt or a list of prompts", other)
            }
            var options = try ModelCommands.generationOptions(call)
            if try call.integer("max") == nil { options.maxNewTokens = 96 }
            var displays: [Display] = []
            for prompt in prompts {
                displays.append(.text("**Prompt:** " + prompt.replacingOccurrences(of: "\n", with: " ")))
                for m in [first, second] {
                    let ids = try m.promptIDs(prompt, chat: call.flag("chat"), at: call.location(of: "on"))
                    let reply = try ModelCommands.generate(m, ids, options, session: call.session, at: call.location)
                    displays.append(.text("*\(m.label):*"))
                    displays.append(.preformatted(reply.isEmpty ? "(no reply: the model ended at once)" : reply))
                }
            }
            return .display(displays)
        })
    }

    static func finetune(_ call: Invocation) throws(LontarError) -> Value {
        let base = try ModelCommands.model(call, "model")
        guard let tokenizer = base.tokenizer else { throw LontarError("the base model has no tokenizer", at: call.location) }
        guard let value = try call.value("on") else { throw LontarError("finetune needs 'on FRAME'", at: call.location) }
        let frame: Frame
        switch value {
        case .frame(let f): frame = f
        case .object(let p as FrameConvertible): frame = try p.materialize()
        default: throw call.typeError("on", "a frame", value)
        }
        let promptColumn = try call.columns("prompt", in: frame)!.first!
        let responseColumn = try call.columns("response", in: frame)!.first!

        var lora = LoRAConfig()
        if let r = try call.integer("rank") { lora.rank = r }
        if let a = try call.double("alpha") { lora.alpha = a }
        if let d = try call.double("dropout") { lora.dropout = d }
        if let names = try call.columns("targets") {
            guard let targets = LoRATarget.parse(names.joined(separator: ",")) else {
                throw LontarError("targets are q, k, v, o, gate, up, down or all", at: call.location(of: "targets"))
            }
            lora.targets = targets
        }
        var optimizer = AdamWConfig()
        if let lr = try call.double("lr") { optimizer.learningRate = lr }
        if let wd = try call.double("weight_decay") { optimizer.weightDecay = wd }
        if let clip = try call.double("clip") { optimizer.maxGradNorm = clip }
        var config = TrainingConfig(lora: lora, optimizer: optimizer)
        if let s = call.word("schedule") { config.schedule = LRSchedule(rawValue: s)! }
        if let w = try call.integer("warmup") { config.warmupSteps = w }
        if let s = try call.integer("steps") { config.steps = s }
        if let a = try call.integer("accumulate") { config.gradientAccumulation = a }
        if let s = try call.integer("seed") { config.seed = UInt64(bitPattern: Int64(s)) }
        if let e = try call.integer("eval_every") { config.evalEvery = e }
        if let e = try call.integer("every") { config.checkpointEvery = e }
        config.gradientCheckpointing = call.flag("checkpointing")
        config.pagedOptimizer = call.flag("paged")

        var data = DataConfig()
        if let s = try call.integer("seq") { data.sequenceLength = s }
        if let b = try call.integer("batch") { data.batchSize = b }
        if let e = try call.integer("eval") { data.evalExamples = e }
        data.packing = call.flag("packing")
        data.padToken = Int32(tokenizer.eosID ?? 0)
        let rows = min(try call.integer("rows") ?? frame.rowCount, frame.rowCount)

        let examples = try makeExamples(frame, promptColumn, responseColumn, rows: rows, tokenizer: tokenizer,
                                        chat: call.flag("chat"), allTokens: call.flag("all_tokens"),
                                        maxTokens: data.sequenceLength, at: call.location)
        let checkpoint = try call.string("checkpoint").map { call.session.resolvePath($0) }
        if call.flag("resume") && checkpoint == nil {
            throw LontarError("resume needs 'checkpoint FOLDER'", at: call.location)
        }
        let session = call.session
        let modelURL: URL
        do {
            modelURL = try ModelStore(root: TokenizerLoader.modelsRoot(session)).resolve(base.source)
        } catch {
            throw LontarError("fine-tuning needs the base model's file: \(error)", at: call.location)
        }
        session.log("finetune: \(examples.count) examples, \(config.steps) steps of \(data.batchSize)×\(data.sequenceLength) tokens, LoRA r \(lora.rank) on \(lora.targets.map(\.rawValue).joined(separator: ","))")
        let (result, trainer) = try engineCall(call.location) { () throws -> (TrainingResult, Trainer) in
            let trainable = try TrainableLlama.load(contentsOf: modelURL, format: .nf4, compute: .bf16)
            let dataset = try TrainingDataset(examples: examples, config: data, seed: config.seed)
            let trainer = try Trainer(model: trainable, dataset: dataset, config: config,
                                      checkpointDirectory: checkpoint, resume: call.flag("resume"))
            let progress = ProgressReporter(session: session, total: config.steps)
            let result = try trainer.run(cancel: UnsafePointer(session.cancellation.address)) { progress.report($0) }
            progress.finish()
            return (result, trainer)
        }
        let merged = try engineCall(call.location) { try base.model.merging(trainer.adapters) }
        let tunedModel = ModelObject(model: merged, tokenizer: tokenizer, source: base.source, label: "\(base.label) + LoRA",
                                     promptSuffix: call.flag("chat") ? "" : FinetuneCommands.plainSeparator)
        var summary = "QLoRA fine-tuning \(result.status == TrainingResult.Status.completed ? "finished" : "stopped") after \(result.steps) steps"
        if let loss = result.finalLoss { summary += "; final training loss \(String(format: "%.4f", loss))" }
        if let eval = result.evalLosses.last { summary += "; eval loss \(String(format: "%.4f", eval.loss)) at step \(eval.step)" }
        summary += "."
        return .object(TunedObject(result: result, adapters: trainer.adapters, model: tunedModel, base: base, summary: summary))
    }

    /// Tokenized examples: the prompt (plain, or in the chat template's user
    /// turn) then the response and end-of-sequence, with the loss on the
    /// response only unless `allTokens`.
    static func makeExamples(_ frame: Frame, _ promptColumn: String, _ responseColumn: String, rows: Int,
                             tokenizer: any Tokenizer, chat: Bool, allTokens: Bool, maxTokens: Int,
                             at location: SourcePosition) throws(LontarError) -> [TrainingExample] {
        guard let prompts = frame.column(named: promptColumn), case .string = prompts.storage,
              let responses = frame.column(named: responseColumn), case .string = responses.storage else {
            throw LontarError("prompt and response must be string columns", at: location)
        }
        var examples: [TrainingExample] = []
        examples.reserveCapacity(rows)
        for r in 0 ..< rows {
            guard case .string(let prompt) = prompts[r], case .string(let response) = responses[r] else { continue }
            var promptIDs: [Int]
            do {
                promptIDs = chat
                    ? try tokenizer.encodeChat([ChatMessage(role: "user", content: prompt)])
                    : tokenizer.encode(prompt + plainSeparator, addSpecialTokens: true)
            } catch {
                throw LontarError(String(describing: error), at: location)
            }
            var responseIDs = tokenizer.encode(response)
            if let eos = chat ? (tokenizer.stopIDs.first ?? tokenizer.eosID) : tokenizer.eosID { responseIDs.append(eos) }
            // Keep the start of the response in view: a long prompt is cut from its front.
            let room = max(maxTokens / 2, maxTokens - responseIDs.count)
            if promptIDs.count > room { promptIDs = Array(promptIDs.suffix(room)) }
            let ids = (promptIDs + responseIDs).map { Int32($0) }
            let mask = [Bool](repeating: allTokens, count: promptIDs.count) + [Bool](repeating: true, count: responseIDs.count)
            examples.append(TrainingExample(ids: ids, lossMask: mask))
        }
        return examples
    }
}

/// Progress of a training run: a live bar at the terminal, a line every
/// tenth of the run otherwise (on the log, never in a notebook's output).
final class ProgressReporter {
    let session: Session
    let total: Int
    private var lastLogged = 0

    init(session: Session, total: Int) {
        self.session = session
        self.total = total
    }

    func report(_ p: TrainingProgress) {
        let line = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  ETA %@",
                          p.step, p.totalSteps, p.loss, p.learningRate, p.tokensPerSecond, Self.duration(p.etaSeconds))
        if session.isInteractive {
            let width = 24, done = total == 0 ? width : p.step * width / total
            let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
            FileHandle.standardError.write(Data("\r\(bar) \(line)\u{1b}[K".utf8))
        } else if p.step == total || p.step - lastLogged >= max(1, total / 10) {
            lastLogged = p.step
            session.log("finetune: " + line)
        }
    }

    func finish() {
        if session.isInteractive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
