import Foundation
import Testing
import LontarTestSupport
import LontarModelFiles
@testable import LontarModel

/// llama.cpp applies Lontar's exported adapters (scripts/check-llamacpp-lora):
/// SmolLM2 fine-tuned by a notebook, exported with `save tuned gguf` and
/// `save tuned merged`, and run by llama.cpp (llama-cpp-python) with
/// `lora_path`, against Lontar's own logits for the tuned model. The
/// script's measurements are committed in llamacpp_lora_reference.json, so
/// this checks the criterion without building llama.cpp.
@Suite struct LlamaCppLoRATests {
    static let referenceURL = TestSupport.oracles.appendingPathComponent("llamacpp_lora_reference.json")
    static let dumpDirectory = ProcessInfo.processInfo.environment["LONTAR_LLAMACPP_DUMP"]

    struct Comparison {
        var maxAbs: Double, relMax: Double, meanAbs: Double, top1: Double, top10: Double, kl: Double
        init(_ json: Any?) throws {
            let j = try #require(json as? [String: Any])
            maxAbs = j["max_abs"] as! Double
            relMax = j["max_abs_over_range"] as! Double
            meanAbs = j["mean_abs"] as! Double
            top1 = j["top1_agreement"] as! Double
            top10 = j["top10_overlap"] as! Double
            kl = j["mean_kl"] as! Double
        }
    }

    @Test func llamaCppWithTheAdapterAgreesWithLontarsTunedModel() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.referenceURL)) as? [String: Any])
        let c = try #require(json["comparisons"] as? [String: Any])
        let effect = try Comparison(c["llamacpp_adapter_vs_llamacpp_base"])
        let lontarEffect = try Comparison(c["lontar_tuned_vs_lontar_base"])
        let agreement = try Comparison(c["llamacpp_adapter_vs_lontar_tuned"])
        let withoutAdapter = try Comparison(c["llamacpp_base_vs_lontar_tuned"])
        let floor = try Comparison(c["llamacpp_base_vs_lontar_base"])
        let mergedVsLontar = try Comparison(c["llamacpp_merged_vs_lontar_tuned"])
        let wrongOrder = try Comparison(c["llamacpp_adapter_with_hf_qk_order_vs_lontar_tuned"])

        // The adapter changes llama.cpp's logits, as much as it changes Lontar's.
        #expect(effect.relMax > 0.05 && effect.meanAbs > 0.3, "adapter effect in llama.cpp: \(effect)")
        #expect(abs(effect.meanAbs - lontarEffect.meanAbs) < 0.1 * lontarEffect.meanAbs, "\(effect) vs \(lontarEffect)")
        // With the adapter, llama.cpp agrees with Lontar's tuned model far better than without it,
        // and as well as the two engines agree on the base model alone (llama.cpp's Q4_1 path
        // quantizes activations to 8 bits; Lontar computes in float32).
        #expect(agreement.meanAbs < 0.2 * withoutAdapter.meanAbs, "\(agreement) vs \(withoutAdapter)")
        #expect(agreement.kl < 0.1 * withoutAdapter.kl)
        #expect(agreement.meanAbs <= 1.2 * floor.meanAbs && agreement.maxAbs <= 1.2 * floor.maxAbs,
                "\(agreement) vs the engines on the base \(floor)")
        #expect(agreement.relMax < 0.03 && agreement.top1 >= 0.9 && agreement.top10 >= 0.9)
        // The same adapter with q/k's B rows in Hugging Face order would agree visibly worse.
        #expect(wrongOrder.maxAbs > 2 * agreement.maxAbs && wrongOrder.kl > 2 * agreement.kl, "\(wrongOrder)")
        // The merged GGUF (float16) computes what base + adapter computes.
        #expect(mergedVsLontar.meanAbs < 0.1 * withoutAdapter.meanAbs && mergedVsLontar.meanAbs <= floor.meanAbs,
                "\(mergedVsLontar)")

        // Along llama.cpp-with-adapter's greedy continuation, Lontar's tuned model and the merged
        // GGUF pick the same tokens, or miss one only by a margin far below the engines' noise.
        let follows = try #require(json["greedy_agreement"] as? [String: Any])
        for key in ["lontar_tuned_follows_llamacpp_adapter_greedy", "llamacpp_merged_follows_llamacpp_adapter_greedy"] {
            let f = try #require(follows[key] as? [String: Double])
            #expect(f["top1_share"]! >= 0.85 && f["max_margin_elsewhere"]! < 0.25 * floor.maxAbs, "\(key): \(f)")
        }
        let greedy = try #require(json["greedy"] as? [String: [Int]])
        #expect(greedy["llamacpp_adapter"]?.first == greedy["lontar_tuned"]?.first)
        #expect(greedy["llamacpp_adapter"]?.first != greedy["llamacpp_base"]?.first, "the adapter changes what llama.cpp writes")
        let checks = try #require(json["checks"] as? [String: Bool])
        #expect(!checks.isEmpty && checks.values.allSatisfy { $0 }, "\(checks)")
    }

    /// Lontar's side of the script: base and tuned (base + the notebook's
    /// PEFT adapter, merged in float32) logits for every prompt position, and
    /// greedy continuations. Runs only when the script asks for it.
    @Test(.enabled(if: dumpDirectory != nil)) func dumpLontarLogits() throws {
        let dir = URL(fileURLWithPath: Self.dumpDirectory!)
        let input = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("input.json"))) as? [String: Any])
        let baseURL = URL(fileURLWithPath: input["base"] as! String)
        let tokens = (input["tokens"] as! [Int]).map(Int32.init)
        let sequence = (input["sequence"] as! [Int]).map(Int32.init)
        let newTokens = input["greedy_tokens"] as! Int
        let base = try LlamaModel.load(gguf: baseURL, as: .f32)
        let shape = try LlamaShape(gguf: GGUFFile(contentsOf: baseURL))
        let adapters = try LoRAAdapters.loadPEFT(from: URL(fileURLWithPath: input["peft"] as! String), shape: shape)
        let tuned = try base.merging(adapters)
        // The same adapter with q/k's B rows in Hugging Face order, as an
        // exporter that forgot GGUF's rotary permutation would write it: the
        // script shows llama.cpp's agreement with Lontar would then drop.
        let wrong = LoRAAdapters(shape: shape, config: adapters.config)
        wrong.copy(from: adapters)
        for s in wrong.slots where s.target == .q || s.target == .k {
            wrong.set(s, b: LoRAAdapters.permuteRotaryRows(adapters.b(s), heads: s.target == .q ? shape.heads : shape.kvHeads,
                                                           headDim: shape.headDim, columns: adapters.config.rank, toHF: true))
        }
        try wrong.saveGGUF(to: dir.appendingPathComponent("adapter_hf_qk_order.gguf"))
        var greedy: [String: [Int]] = [:]
        for (name, model) in [("base", base), ("tuned", tuned)] {
            let logits = try #require(try model.forward([sequence], logits: .all).logits).array
            try logits.withUnsafeBufferPointer { Data(buffer: $0) }
                .write(to: dir.appendingPathComponent("lontar_\(name).f32"))
            var context = tokens, continuation: [Int] = []
            for _ in 0 ..< newTokens {
                let last = try #require(try model.forward([context], logits: .last).lastLogits(sequence: 0))
                var best = 0
                for i in last.indices where last[i] > last[best] { best = i }
                continuation.append(best)
                context.append(Int32(best))
            }
            greedy[name] = continuation
        }
        try JSONSerialization.data(withJSONObject: greedy, options: [.sortedKeys])
            .write(to: dir.appendingPathComponent("lontar_greedy.json"))
    }
}
