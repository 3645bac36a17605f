import Foundation
import Testing
@testable import LontarModelFiles
import LontarTestSupport

@Test func llama3ConfigJSON() throws {
    // Meta-Llama-3-8B's config.json (transformers 4.40).
    let json = """
        {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 128000,
         "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
         "intermediate_size": 14336, "max_position_embeddings": 8192, "model_type": "llama",
         "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "pretraining_tp": 1,
         "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 500000.0, "tie_word_embeddings": false,
         "torch_dtype": "bfloat16", "use_cache": true, "vocab_size": 128256}
        """
    let c = try LlamaConfig(json: Data(json.utf8))
    #expect(c == LlamaConfig(hiddenSize: 4096, numHiddenLayers: 32, numAttentionHeads: 32, numKeyValueHeads: 8,
                             intermediateSize: 14336, rmsNormEps: 1e-5, ropeTheta: 500_000, vocabSize: 128_256,
                             tieWordEmbeddings: false, maxPositionEmbeddings: 8192))
    #expect(c.headDim == 128)
}

@Test func llama31RopeScalingBothLayouts() throws {
    let old = """
        {"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
         "intermediate_size": 14336, "vocab_size": 128256, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
         "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 8192, "rope_type": "llama3"},
         "max_position_embeddings": 131072}
        """
    let new = """
        {"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
         "intermediate_size": 14336, "vocab_size": 128256, "rms_norm_eps": 1e-05,
         "rope_parameters": {"rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                             "original_max_position_embeddings": 8192, "rope_type": "llama3"},
         "max_position_embeddings": 131072}
        """
    let scaling = LlamaConfig.RopeScaling(type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192)
    for text in [old, new] {
        let c = try LlamaConfig(json: Data(text.utf8))
        #expect(c.ropeScaling == scaling)
        #expect(c.ropeTheta == 500_000)
        #expect(c.maxPositionEmbeddings == 131_072)
    }
}

@Test func smallConfigDefaultsAndErrors() throws {
    let tied = try LlamaConfig(json: Data("""
        {"hidden_size": 576, "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
         "intermediate_size": 1536, "vocab_size": 49152, "tie_word_embeddings": true, "rope_theta": 100000}
        """.utf8))
    #expect(tied.tieWordEmbeddings && tied.rmsNormEps == 1e-6 && tied.headDim == 64 && tied.ropeScaling == nil)
    let gqaDefault = try LlamaConfig(json: Data(#"{"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 10}"#.utf8))
    #expect(gqaDefault.numKeyValueHeads == 2 && gqaDefault.ropeTheta == 10000 && !gqaDefault.tieWordEmbeddings)

    func failure(_ text: String) -> ModelFileError? {
        #expect(throws: ModelFileError.self) { try LlamaConfig(json: Data(text.utf8), name: "cfg.json") }
    }
    #expect(failure(#"{"hidden_size": 8}"#)?.description == "cfg.json: \"num_attention_heads\" is missing")
    #expect(failure(#"{"hidden_size": "8", "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 10}"#)?.kind == .typeMismatch)
    #expect(failure(#"{"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 3, "num_key_value_heads": 2, "intermediate_size": 16, "vocab_size": 10}"#)?.kind == .invalidValue)
    #expect(failure(#"{"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 10, "rope_scaling": {"rope_type": "yarn", "factor": 4}}"#)?.message == "rope scaling type \"yarn\" is not supported (only llama3)")
    #expect(failure(#"{"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "vocab_size": 10, "rope_scaling": {"rope_type": "llama3", "factor": 8}}"#)?.kind == .missingKey)
    #expect(failure("not json")?.kind == .invalidValue)
}

@Test(.enabled(if: RealModels.smollm2Available))
func configFromSmolLM2GGUF() throws {
    let c = try LlamaConfig(gguf: GGUFFile(contentsOf: try RealModels.smollm2()))
    #expect(c.hiddenSize == 576 && c.numHiddenLayers == 30 && c.numAttentionHeads == 9 && c.numKeyValueHeads == 3)
    #expect(c.intermediateSize == 1536 && c.vocabSize == 49152 && c.headDim == 64)
    #expect(c.ropeTheta == 100_000 && c.rmsNormEps == Double(Float(1e-5)))
    #expect(c.tieWordEmbeddings && c.maxPositionEmbeddings == 8192)
}
