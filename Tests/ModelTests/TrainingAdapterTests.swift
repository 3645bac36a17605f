import Foundation
import Testing
import LontarTestSupport
import LontarModelFiles
@testable import LontarModel

/// LoRA adapters: PEFT initialisation, the PEFT folder format, errors on bad folders.
@Suite struct TrainingAdapterTests {
    static let shape = TrainingPassTests.tinyShape(interleaved: true)

    @Test func initialisationIsPEFTs() {
        let adapters = LoRAAdapters(shape: Self.shape, config: LoRAConfig(rank: 4, alpha: 8, targets: [.q, .down]))
        adapters.initialize(seed: 11)
        #expect(adapters.slots.count == 4)
        for s in adapters.slots {
            let a = adapters.a(s), bound = Float(1 / Double(s.inFeatures).squareRoot())
            #expect(a.allSatisfy { abs($0) <= bound })
            #expect(a.max()! > 0.6 * bound && a.min()! < -0.6 * bound, "spread over U(-1/sqrt(in), 1/sqrt(in))")
            #expect(adapters.b(s).allSatisfy { $0 == 0 })
        }
        let again = LoRAAdapters(shape: Self.shape, config: adapters.config)
        again.initialize(seed: 11)
        #expect(again.parameters.array == adapters.parameters.array)
        again.initialize(seed: 12)
        #expect(again.parameters.array != adapters.parameters.array)
        #expect(adapters.config.scale == 2)
    }

    @Test func peftFolderRoundTripsAndUsesHuggingFaceRowOrder() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let adapters = LoRAAdapters(shape: Self.shape, config: LoRAConfig(rank: 2, alpha: 5, dropout: 0.1,
                                                                          targets: [.q, .k, .v, .up]))
        var rng = TrainingRNG(seed: 3)
        for i in 0..<adapters.parameterCount { adapters.parameters[i] = Float(rng.unit()) }
        try adapters.savePEFT(to: dir)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("adapter_config.json"))) as! [String: Any]
        #expect(config["r"] as? Int == 2 && config["lora_alpha"] as? Double == 5 && config["peft_type"] as? String == "LORA")
        #expect(config["target_modules"] as? [String] == ["q_proj", "k_proj", "v_proj", "up_proj"])

        let file = try SafetensorsFile(contentsOf: dir.appendingPathComponent("adapter_model.safetensors"))
        #expect(file.tensorNames.count == 2 * 4 * Self.shape.layers)
        let q = try #require(adapters.slot(1, .q))
        let bq = try file.tensor("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight")
        #expect(bq.shape == [12, 2])
        // Head 0 of q has dim 4: GGUF rows (0,1,2,3) are HF rows (0,2,1,3).
        let hf = try bq.floats(), gguf = adapters.b(q)
        #expect(Array(hf[0..<2]) == Array(gguf[0..<2]))
        #expect(Array(hf[2..<4]) == Array(gguf[4..<6]))
        #expect(Array(hf[4..<6]) == Array(gguf[2..<4]))
        let vB = try file.tensor("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").floats()
        #expect(vB == adapters.b(adapters.slot(0, .v)!), "other projections are not permuted")

        let loaded = try LoRAAdapters.loadPEFT(from: dir, shape: Self.shape)
        #expect(loaded.config == adapters.config)
        #expect(loaded.parameters.array == adapters.parameters.array)
    }

    @Test func badFoldersAreReported() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: TrainingError.self) { try LoRAAdapters.loadPEFT(from: dir, shape: Self.shape) }
        let adapters = LoRAAdapters(shape: Self.shape, config: LoRAConfig(rank: 2, targets: [.q]))
        try adapters.savePEFT(to: dir)
        // A model with fewer layers than the adapter.
        var small = Self.shape
        small.layers = 1
        #expect(throws: TrainingError.self) { try LoRAAdapters.loadPEFT(from: dir, shape: small) }
        // A wrong shape.
        var wide = Self.shape
        wide.dim = 16
        wide.heads = 4
        #expect(throws: TrainingError.self) { try LoRAAdapters.loadPEFT(from: dir, shape: wide) }
        try Data(#"{"peft_type": "PREFIX_TUNING"}"#.utf8).write(to: dir.appendingPathComponent("adapter_config.json"))
        #expect(throws: TrainingError.self) { try LoRAAdapters.loadPEFT(from: dir, shape: Self.shape) }
    }
}
