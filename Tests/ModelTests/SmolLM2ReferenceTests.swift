import Foundation
import Testing
import LontarKernels
import LontarModel
import LontarTestSupport

/// The SmolLM2-135M GGUF and transformers' float32 forward pass on it
/// (shared/reference/smollm2). The model file is gitignored: the tests skip
/// without it, and fail in CI (LONTAR_REQUIRE_PEERS=1) where it must exist.
enum SmolLM2 {
    static let gguf = TestSupport.repoRoot.appendingPathComponent("models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    static var available: Bool { FileManager.default.fileExists(atPath: gguf.path) || TestSupport.peersRequired }

    struct Prompt {
        var name: String
        var ids: [Int32]
        var top20: [Int32]
        var meanCE: Double
        var greedy32: [Int32]
    }

    static func reference() throws -> (prompts: [Prompt], logits: [Float]) {
        let dir = TestSupport.sharedReference.appendingPathComponent("smollm2")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("forward_reference.json"))) as! [String: Any]
        let prompts = (json["prompts"] as! [[String: Any]]).map { p in
            Prompt(name: p["name"] as! String,
                   ids: (p["token_ids"] as! [Int]).map(Int32.init),
                   top20: ((p["final_logits_top20"] as! [String: Any])["ids"] as! [Int]).map(Int32.init),
                   meanCE: p["mean_ce_loss"] as! Double,
                   greedy32: ((p["greedy32"] as! [String: Any])["ids"] as! [Int]).map(Int32.init))
        }
        let data = try Data(contentsOf: dir.appendingPathComponent("final_logits_f32.bin"))
        let logits = data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return (prompts, logits)
    }

    /// Models are loaded once per format and shared by the tests.
    static let f32 = Result { try LlamaModel.load(gguf: gguf, as: .f32) }
    static let nf4 = Result { try LlamaModel.load(gguf: gguf, as: .nf4) }
}

@Suite(.enabled(if: SmolLM2.available, "models/smollm2 GGUF not present"))
struct SmolLM2ReferenceTests {
    @Test func f32FinalLogitsMatchTransformers() throws {
        let model = try SmolLM2.f32.get()
        let (prompts, ref) = try SmolLM2.reference()
        let vocab = model.vocabSize
        let result = try model.forward(prompts.map(\.ids), logits: .last)
        for (i, p) in prompts.enumerated() {
            let got = try #require(result.lastLogits(sequence: i))
            let want = Array(ref[(i * vocab)..<((i + 1) * vocab)])
            let scale = want.map { abs($0) }.max()!
            let err = zip(got, want).map { abs($0 - $1) }.max()! / scale
            #expect(err <= 1e-3, "\(p.name): max |logit diff| / max |logit| = \(err)")
            let top20 = got.indices.sorted { got[$0] > got[$1] }.prefix(20).map(Int32.init)
            #expect(Array(top20) == p.top20, "\(p.name): top-20 differ")
            print("\(p.name): relative logit error \(err)")
        }
    }
}
