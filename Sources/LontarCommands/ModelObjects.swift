import Foundation
import LontarLanguage
import LontarModel
import LontarModelFiles
import LontarTokenizers

/// A language model held in a variable: its weights (engine), its tokenizer,
/// and where it came from.
final class ModelObject: LontarObject, TokenizerProviding, @unchecked Sendable {
    let model: LlamaModel
    let tokenizer: (any Tokenizer)?
    let source: String
    let label: String
    /// Appended to plain (non-chat) prompts: a model fine-tuned on
    /// "prompt\n" + response is asked the same way it was taught.
    let promptSuffix: String

    init(model: LlamaModel, tokenizer: (any Tokenizer)?, source: String, label: String, promptSuffix: String = "") {
        self.model = model
        self.tokenizer = tokenizer
        self.source = source
        self.label = label
        self.promptSuffix = promptSuffix
    }

    var typeName: String { "model" }
    var memberNames: [String] { ["parameters", "format", "layers", "hidden", "vocab_size", "bytes", "bits_per_parameter"] }

    var tokenizerObject: TokenizerObject {
        get throws(LontarError) {
            guard let tokenizer else { throw LontarError("model \(label) has no tokenizer (a random model): give token ids or a tokenizer") }
            return TokenizerObject(tokenizer, source: source)
        }
    }

    func member(_ name: String) -> Value? {
        let info = model.info()
        switch name {
        case "parameters": return .integer(Int64(info.parameters))
        case "format": return .string(model.format.rawValue)
        case "layers": return .integer(Int64(model.config.numHiddenLayers))
        case "hidden": return .integer(Int64(model.config.hiddenSize))
        case "vocab_size": return .integer(Int64(model.config.vocabSize))
        case "bytes": return .integer(Int64(info.bytes))
        case "bits_per_parameter": return .double(info.blockLinearBitsPerParameter)
        default: return nil
        }
    }

    func display() -> [Display] { ModelCommands.infoDisplays(self) }

    /// Prompt ids for `text`, with the model's chat template when `chat`.
    func promptIDs(_ text: String, chat: Bool, at location: SourcePosition) throws(LontarError) -> [Int32] {
        if chat { return try chatIDs([ChatMessage(role: "user", content: text)], at: location) }
        guard let tokenizer else { throw LontarError("model \(label) has no tokenizer", at: location) }
        return tokenizer.encode(text + promptSuffix, addSpecialTokens: true).map { Int32($0) }
    }

    /// A conversation in the model's chat template, ready for the assistant's reply.
    func chatIDs(_ messages: [ChatMessage], at location: SourcePosition) throws(LontarError) -> [Int32] {
        guard let tokenizer else { throw LontarError("model \(label) has no tokenizer", at: location) }
        do {
            return try tokenizer.encodeChat(messages).map { Int32($0) }
        } catch {
            throw LontarError(String(describing: error), at: location)
        }
    }
}

/// Loads models by name or path, once per process and format.
enum ModelLoader {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: ModelObject] = [:]

    static func load(_ nameOrPath: String, format: WeightFormat, session: Session,
                     at location: SourcePosition) throws(LontarError) -> ModelObject {
        let url: URL
        do {
            url = try ModelStore(root: TokenizerLoader.modelsRoot(session)).resolve(nameOrPath) { session.log($0) }
        } catch {
            throw LontarError(String(describing: error), at: location)
        }
        let key = url.path + "#" + format.rawValue
        if let cached = lock.withLock({ cache[key] }) { return cached }
        guard url.pathExtension.lowercased() == "gguf" else {
            throw LontarError("\(nameOrPath): Lontar loads GGUF models (.gguf) here", at: location)
        }
        do {
            session.log("loading \(url.lastPathComponent) as \(format.rawValue)…")
            let model = try LlamaModel.load(gguf: url, as: format)
            let tokenizer = try GGUFTokenizer(gguf: try GGUFFile(contentsOf: url))
            let object = ModelObject(model: model, tokenizer: tokenizer, source: nameOrPath,
                                     label: "\(url.deletingPathExtension().lastPathComponent) (\(format.rawValue))")
            lock.withLock { cache[key] = object }
            return object
        } catch {
            throw LontarError(String(describing: error), at: location)
        }
    }
}
