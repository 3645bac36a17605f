import Foundation
import Testing
import LontarModel
import LontarModelFiles
import LontarTestSupport

/// Named configurations, config.json, rotary frequencies and memory estimates.
@Suite struct ModelConfigTests {
    @Test func namedConfigurations() throws {
        let s = try LlamaConfig.named("smollm2-135m")
        #expect(s.hiddenSize == 576 && s.numKeyValueHeads == 3 && s.headDim == 64 && s.tieWordEmbeddings)
        let l = try LlamaConfig.named("llama3-8b")
        #expect(l.numHiddenLayers == 32 && l.intermediateSize == 14336 && l.vocabSize == 128256 && l.headDim == 128)
        #expect(throws: ModelError.self) { try LlamaConfig.named("gpt5") }
    }

    @Test func huggingFaceConfigJSON() throws {
        let json = """
        {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4,
         "num_hidden_layers": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
         "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 8192, "rope_type": "llama3"},
         "tie_word_embeddings": false, "vocab_size": 300, "max_position_embeddings": 131072}
        """
        let c = try LlamaConfig(json: Data(json.utf8))
        let m = try LlamaModel.random(config: c, seed: 1)
        #expect(m.config.ropeScaling?.factor == 8)
        _ = try m.forward([[1, 2, 3]])
    }

    /// Llama 3 rope scaling, checked against transformers' own computation
    /// when it is installed, and against the formula otherwise.
    @Test func llama3RopeScaling() throws {
        let c = try LlamaConfig.named("llama3.1-8b")
        let inv = c.ropeInverseFrequencies()
        #expect(inv.count == 64)
        // Highest frequencies unchanged, lowest divided by the factor 8.
        let plain = try LlamaConfig.named("llama3-8b").ropeInverseFrequencies()
        #expect(inv[0] == plain[0])
        #expect(abs(inv[63] - plain[63] / 8) <= plain[63] * 1e-6)
        // In between: a smooth interpolation, monotonically decreasing.
        #expect(zip(inv, inv.dropFirst()).allSatisfy { $0 > $1 })

        guard TestSupport.peerAvailable(["torch", "transformers"]) else {
            if TestSupport.peersRequired { Issue.record("peer missing: torch and transformers are required (LONTAR_REQUIRE_PEERS=1)") }
            return
        }
        let script = """
        import json, torch
        from transformers import LlamaConfig
        from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
        cfg = LlamaConfig(hidden_size=4096, num_attention_heads=32, rope_theta=500000.0, max_position_embeddings=131072,
            rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 8192})
        inv, _ = ROPE_INIT_FUNCTIONS["llama3"](cfg, "cpu")
        print(json.dumps(inv.tolist()))
        """
        let r = try TestSupport.runPython(["-c", script])
        guard r.status == 0, let want = try JSONSerialization.jsonObject(with: r.stdout) as? [Double] else {
            Issue.record("transformers rope oracle failed: \(r.stderr.suffix(500))")
            return
        }
        for (a, b) in zip(inv, want) { #expect(abs(Double(a) - b) <= b * 2e-6) }
    }

    @Test func memoryEstimates() throws {
        let nf4 = LlamaModel.estimateInfo(config: try LlamaConfig.named("llama3-8b"), format: .nf4)
        #expect(abs(nf4.blockLinearBitsPerParameter - 4.127) < 0.001)
        #expect(nf4.parameters > 8_000_000_000 && nf4.parameters < 8_100_000_000)
        let f32 = LlamaModel.estimateInfo(config: try LlamaConfig.named("llama3-8b"), format: .f32)
        #expect(f32.bytes > 3 * nf4.bytes)
        // A built model reports the same as its estimate.
        let m = try LlamaModel.random(named: "tiny", seed: 1, format: .nf4)
        let est = LlamaModel.estimateInfo(config: m.config, format: .nf4)
        #expect(m.info().bytes == est.bytes && m.info().parameters == est.parameters)
        #expect(m.info().description.contains("feed-forward"))
    }
}
