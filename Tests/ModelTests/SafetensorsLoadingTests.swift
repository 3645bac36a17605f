import Foundation
import Testing
import LontarModel
import LontarModelFiles
import LontarTestSupport

/// Loading a Hugging Face checkpoint (config.json + safetensors).
@Suite struct SafetensorsLoadingTests {
    /// Writes `model` as a transformers checkpoint into a fresh folder.
    func writeCheckpoint(_ model: LlamaModel, dtype: SafetensorsDType = .f32,
                         edit: (inout [String: ([Int], [Float])]) -> Void = { _ in }) throws -> URL {
        let c = model.config
        var t: [String: ([Int], [Float])] = [:]
        t["model.embed_tokens.weight"] = ([c.vocabSize, c.hiddenSize], model.embedding.array)
        t["model.norm.weight"] = ([c.hiddenSize], model.finalNorm.array)
        if !c.tieWordEmbeddings { t["lm_head.weight"] = ([c.vocabSize, c.hiddenSize], model.output.dequantized().array) }
        for (i, l) in model.layers.enumerated() {
            let p = "model.layers.\(i)."
            t[p + "input_layernorm.weight"] = ([c.hiddenSize], l.attentionNorm.array)
            t[p + "post_attention_layernorm.weight"] = ([c.hiddenSize], l.ffnNorm.array)
            for (name, w) in l.linears {
                let module = ["q_proj", "k_proj", "v_proj", "o_proj"].contains(name) ? "self_attn." : "mlp."
                t[p + module + name + ".weight"] = ([w.outFeatures, w.inFeatures], w.dequantized().array)
            }
        }
        edit(&t)
        var writer = SafetensorsWriter()
        for (name, (shape, values)) in t { try writer.add(name, shape: shape, floats: values, as: dtype) }
        let dir = try TestSupport.temporaryDirectory()
        try writer.write(to: dir.appendingPathComponent("model.safetensors"))
        let config: [String: Any] = [
            "hidden_size": c.hiddenSize, "intermediate_size": c.intermediateSize, "num_attention_heads": c.numAttentionHeads,
            "num_hidden_layers": c.numHiddenLayers, "num_key_value_heads": c.numKeyValueHeads, "rms_norm_eps": c.rmsNormEps,
            "rope_theta": c.ropeTheta, "vocab_size": c.vocabSize, "tie_word_embeddings": c.tieWordEmbeddings,
            "max_position_embeddings": 256, "bos_token_id": 1, "eos_token_id": [2, 3],
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        return dir
    }

    @Test(arguments: [false, true])
    func checkpointGivesTheSameLogits(tied: Bool) throws {
        let original = try LlamaModel.random(config: try tinyConfig(tied: tied), seed: 31)
        let dir = try writeCheckpoint(original)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try LlamaModel.load(huggingFace: dir, as: .f32)
        #expect(loaded.bosTokenId == 1 && loaded.eosTokenIds == [2, 3])
        let batch: [[Int32]] = [[5, 9, 200, 31, 7, 7], [1, 2, 3, 4, 5]]
        #expect(try original.forward(batch, logits: .all).logits!.array == loaded.forward(batch, logits: .all).logits!.array)
        // bf16 storage (how Llama 3 is distributed) loads too.
        let bf = try writeCheckpoint(original, dtype: .bf16)
        defer { try? FileManager.default.removeItem(at: bf) }
        let nf4 = try LlamaModel.load(huggingFace: bf, as: .nf4)
        #expect(nf4.format == .nf4)
        _ = try nf4.forward(batch)
    }

    @Test func badCheckpointsAreClearErrors() throws {
        let model = try LlamaModel.random(config: try tinyConfig(), seed: 2)
        let nan = try writeCheckpoint(model) { $0["model.layers.0.mlp.down_proj.weight"]!.1[70] = .nan }
        defer { try? FileManager.default.removeItem(at: nan) }
        let e1 = try #require(throws: ModelError.self) { try LlamaModel.load(huggingFace: nan) }
        #expect(e1.kind == .nonFiniteWeights && e1.tensor == "model.layers.0.mlp.down_proj.weight")
        let shape = try writeCheckpoint(model) { $0["model.layers.1.self_attn.q_proj.weight"] = ([60, 64], [Float](repeating: 0, count: 3840)) }
        defer { try? FileManager.default.removeItem(at: shape) }
        let e2 = try #require(throws: ModelError.self) { try LlamaModel.load(huggingFace: shape) }
        #expect(e2.kind == .shapeMismatch && e2.tensor == "model.layers.1.self_attn.q_proj.weight")
        let missing = try writeCheckpoint(model) { $0["model.norm.weight"] = nil }
        defer { try? FileManager.default.removeItem(at: missing) }
        let e3 = try #require(throws: ModelError.self) { try LlamaModel.load(huggingFace: missing) }
        #expect(e3.kind == .missingTensor)
    }
}
