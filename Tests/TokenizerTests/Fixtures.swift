import Foundation
import LontarTestSupport
import LontarModelFiles
@testable import LontarTokenizers

/// Shared, lazily loaded tokenizers and reference data for the tests.
enum Fixtures {
    static let models = TestSupport.repoRoot.appendingPathComponent("models")
    static let llama3ModelURL = models.appendingPathComponent("llama3/tokenizer.model")
    static let llama3JSONURL = models.appendingPathComponent("llama3/tokenizer.json")
    static let smolLM2URL = models.appendingPathComponent("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    static let casesURL = TestSupport.sharedReference.appendingPathComponent("llama3/tokenizer_cases.json")

    static var haveLlama3: Bool { FileManager.default.fileExists(atPath: llama3ModelURL.path) }
    static var haveSmolLM2: Bool { FileManager.default.fileExists(atPath: smolLM2URL.path) }
    static let forwardReferenceURL = TestSupport.sharedReference.appendingPathComponent("smollm2/forward_reference.json")
    static var haveForwardReference: Bool { FileManager.default.fileExists(atPath: forwardReferenceURL.path) }
    static var haveCases: Bool { FileManager.default.fileExists(atPath: casesURL.path) }

    /// Llama 3 from `models/llama3/tokenizer.model` (loaded once per test run).
    static let llama3: TiktokenTokenizer? = try? TiktokenTokenizer.llama3(contentsOf: llama3ModelURL)

    /// SmolLM2's GGUF tokenizer (loaded once per test run).
    static let smolLM2: GGUFTokenizer? = {
        do {
            return try GGUFTokenizer(gguf: GGUFFile(contentsOf: smolLM2URL))
        } catch {
            print("cannot load \(smolLM2URL.path): \(error)")
            return nil
        }
    }()

    /// One case of `shared/reference/llama3/tokenizer_cases.json`.
    struct Case: Decodable {
        var text: String
        var utf8_hex: String?
        var llama3_ids: [Int]
        var tiktoken_ids_encode_ordinary: [Int]
        var smollm2_gguf_ids: [Int]
        var smollm2_llamacpp_digit_split_ids: [Int]?

        /// SmolLM2's correct ids: llama.cpp's where it differs from transformers.
        var smolLM2IDs: [Int] { smollm2_llamacpp_digit_split_ids ?? smollm2_gguf_ids }
    }

    struct CaseFile: Decodable {
        var n_cases: Int
        var cases: [Case]
    }

    static let cases: [Case] = {
        do {
            let data = try Data(contentsOf: casesURL)
            return try JSONDecoder().decode(CaseFile.self, from: data).cases
        } catch {
            print("cannot read \(casesURL.path): \(error)")
            return []
        }
    }()
}
