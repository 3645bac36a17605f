import Foundation
import Testing
import LontarTestSupport
@testable import LontarModel

/// The trainer's forward pass on the real SmolLM2-135M weights against
/// transformers' reference losses (shared/reference/smollm2).
@Suite(.serialized) struct TrainingSmolLM2Tests {
    static let modelURL = TestSupport.repoRoot.appendingPathComponent("models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    static let referenceURL = TestSupport.sharedReference.appendingPathComponent("smollm2/forward_reference.json")
    static let available = FileManager.default.fileExists(atPath: modelURL.path)
        && FileManager.default.fileExists(atPath: referenceURL.path)

    struct Prompt { var ids: [Int32]; var meanLoss: Double }

    static func prompts() throws -> [Prompt] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: referenceURL)) as! [String: Any]
        return (json["prompts"] as! [[String: Any]]).map {
            Prompt(ids: ($0["token_ids"] as! [Int]).map(Int32.init), meanLoss: $0["mean_ce_loss"] as! Double)
        }
    }

    @Test(.enabled(if: available)) func meanLossMatchesTransformers() throws {
        let model = try TrainableLlama.load(contentsOf: Self.modelURL, format: .f32)
        #expect(model.shape == LlamaShape.smolLM2_135M)
        let adapters = LoRAAdapters(shape: model.shape, config: LoRAConfig(rank: 4, targets: [.q]))
        for p in try Self.prompts() {
            let n = p.ids.count
            let batch = TrainingBatch(sequences: 1, length: n, tokens: p.ids,
                                      targets: (0..<n).map { $0 + 1 < n ? p.ids[$0 + 1] : -100 },
                                      positions: (0..<n).map(Int32.init))
            let pass = TrainingPass(model: model, adapters: adapters, maxPositions: n)
            let r = try pass.evaluate(batch)
            let loss = r.sum / Double(r.tokens)
            #expect(abs(loss - p.meanLoss) < 1e-4, "mean loss \(loss) vs transformers \(p.meanLoss)")
        }
    }
}
