import Foundation
import Testing
import LontarTestSupport
import LontarModelFiles
@testable import LontarModel

/// Adapters out to llama.cpp: the GGUF LoRA adapter layout, and a merged GGUF
/// model that computes what base + adapter computes.
@Suite struct TrainingGGUFExportTests {
    static let shape = TrainingPassTests.tinyShape(interleaved: true)

    /// A tiny Llama written as a GGUF file, as llama.cpp lays one out.
    static func writeBase(to url: URL) throws -> [String: [Float]] {
        let tensors = TrainingPassTests.tensors(shape, seed: 21)
        var w = GGUFWriter()
        try w.set("general.architecture", .string("llama"))
        try w.set("llama.block_count", .uint32(UInt32(shape.layers)))
        try w.set("llama.embedding_length", .uint32(UInt32(shape.dim)))
        try w.set("llama.feed_forward_length", .uint32(UInt32(shape.ffn)))
        try w.set("llama.attention.head_count", .uint32(UInt32(shape.heads)))
        try w.set("llama.attention.head_count_kv", .uint32(UInt32(shape.kvHeads)))
        try w.set("llama.attention.layer_norm_rms_epsilon", .float32(shape.normEps))
        try w.set("llama.rope.freq_base", .float32(Float(shape.ropeTheta)))
        try w.set("llama.vocab_size", .uint32(UInt32(shape.vocab)))
        for name in tensors.keys.sorted() {
            let values = tensors[name]!
            let dims: [Int]
            if name.hasSuffix("norm.weight") { dims = [values.count] }
            else if name == "token_embd.weight" { dims = [shape.dim, shape.vocab] }
            else {
                let t = LoRATarget.allCases.first { name.hasSuffix(".\($0.ggufName).weight") }!
                let (o, i) = shape.features(t)
                dims = [i, o]
            }
            try w.add(name, dimensions: dims, floats: values)
        }
        try w.write(to: url)
        return tensors
    }

    @Test func adapterGGUFHasLlamaCppsLayout() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let adapters = LoRAAdapters(shape: Self.shape, config: LoRAConfig(rank: 2, alpha: 3, targets: [.q, .down]))
        var rng = TrainingRNG(seed: 1)
        for i in 0..<adapters.parameterCount { adapters.parameters[i] = Float(rng.unit() - 0.5) }
        let url = dir.appendingPathComponent("adapter.gguf")
        try adapters.saveGGUF(to: url)
        let file = try GGUFFile(contentsOf: url)
        #expect(try file.string("general.type") == "adapter")
        #expect(try file.string("adapter.type") == "lora")
        #expect(try file.string("general.architecture") == "llama")
        #expect(try file.float("adapter.lora.alpha") == 3)
        #expect(file.tensorInfos.count == 2 * 2 * Self.shape.layers)
        let s = try #require(adapters.slot(1, .down))
        let a = try file.tensor("blk.1.ffn_down.weight.lora_a"), b = try file.tensor("blk.1.ffn_down.weight.lora_b")
        #expect(a.dimensions == [Self.shape.ffn, 2] && b.dimensions == [2, Self.shape.dim])
        #expect(try a.dequantize() == adapters.a(s))
        #expect(try b.dequantize() == adapters.b(s))
    }

    @Test func mergedModelComputesBasePlusAdapter() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let baseURL = dir.appendingPathComponent("base.gguf"), mergedURL = dir.appendingPathComponent("merged.gguf")
        _ = try Self.writeBase(to: baseURL)
        let base = try TrainableLlama.load(contentsOf: baseURL, format: .f32)
        #expect(base.shape == Self.shape)
        let adapters = LoRAAdapters(shape: base.shape, config: LoRAConfig(rank: 3, alpha: 6, dropout: 0,
                                                                          targets: LoRATarget.allCases))
        adapters.initialize(seed: 4)
        var rng = TrainingRNG(seed: 5)
        for s in adapters.slots { adapters.set(s, b: (0..<s.bCount).map { _ in Float(0.3 * (rng.unit() - 0.5)) }) }
        let batch = TrainingPassTests.batch(packed: false)
        let withAdapter = try TrainingPass(model: base, adapters: adapters, maxPositions: 16).evaluate(batch)
        let bare = try TrainingPass(model: base, adapters: LoRAAdapters(shape: base.shape, config: adapters.config),
                                    maxPositions: 16).evaluate(batch)

        try adapters.mergeIntoGGUF(base: GGUFFile(contentsOf: baseURL), to: mergedURL, type: .f32)
        let merged = try TrainableLlama.load(contentsOf: mergedURL, format: .f32)
        let zero = LoRAAdapters(shape: merged.shape, config: adapters.config)
        let mergedLoss = try TrainingPass(model: merged, adapters: zero, maxPositions: 16).evaluate(batch)
        #expect(abs(withAdapter.sum - bare.sum) > 1e-3, "the adapter changes the loss")
        #expect(abs(mergedLoss.sum - withAdapter.sum) < 1e-5 * withAdapter.sum,
                "merged \(mergedLoss.sum) vs base + adapter \(withAdapter.sum)")
        let mergedFile = try GGUFFile(contentsOf: mergedURL)
        #expect(mergedFile.keys == (try GGUFFile(contentsOf: baseURL)).keys)
    }
}
