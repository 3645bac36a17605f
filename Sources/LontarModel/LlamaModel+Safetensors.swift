import Foundation
import LontarKernels
import LontarModelFiles

extension LlamaModel {
    /// Loads a Hugging Face Llama checkpoint: a folder with `config.json`
    /// and `model.safetensors` (or shards with `model.safetensors.index.json`),
    /// float32, float16 or bfloat16 tensors in transformers' naming and layout.
    /// Formats as for `load(gguf:as:outputFormat:)`; shapes and finiteness are checked.
    public static func load(huggingFace folder: URL, as format: WeightFormat = .nf4,
                            outputFormat: WeightFormat? = nil) throws -> LlamaModel {
        let configURL = folder.appendingPathComponent("config.json")
        let config = try LlamaConfig(contentsOf: configURL)
        do { try config.validateForLontar() } catch let e as ModelError {
            throw ModelError(e.kind, file: configURL.path, e.message)
        }
        let checkpoint = try SafetensorsCheckpoint(contentsOf: folder)
        let path = folder.path
        func load(_ name: String, _ shape: [Int], into out: UnsafeMutableBufferPointer<Float>) throws {
            guard let t = checkpoint.tensorIfPresent(name) else {
                throw ModelError(.missingTensor, file: path, tensor: name, "missing from the checkpoint")
            }
            guard t.shape == shape else {
                throw ModelError(.shapeMismatch, file: path, tensor: name, "shape \(t.shape), but the configuration needs \(shape)")
            }
            try t.floats(into: out)
            try requireFinite(out, shape: shape, file: path, tensor: name)
        }
        func load(_ name: String, _ shape: [Int]) throws -> FloatBuffer {
            let out = FloatBuffer(count: shape.reduce(1, *))
            try load(name, shape, into: out.buffer)
            return out
        }
        let d = config.hiddenSize, hd = config.headDim, F = config.intermediateSize
        let H = config.numAttentionHeads, G = config.numKeyValueHeads
        // One reused float32 buffer for weights converted to another format
        // (see the GGUF loader: per-tensor buffers fragment the heap).
        let scratch = FloatBuffer(count: format == .f32 ? 0 : config.largestBlockWeight)
        func linear(_ name: String, _ rows: Int, _ cols: Int) throws -> LinearWeight {
            if format == .f32 { return LinearWeight(try load(name, [rows, cols]), out: rows, in: cols, format: .f32) }
            try load(name, [rows, cols], into: UnsafeMutableBufferPointer(rebasing: scratch.buffer[0 ..< rows * cols]))
            return LinearWeight(converting: scratch.pointer, out: rows, in: cols, format: format)
        }
        let embedding = try load("model.embed_tokens.weight", [config.vocabSize, d])
        var layers: [LlamaLayer] = []
        for i in 0..<config.numHiddenLayers {
            let p = "model.layers.\(i)."
            layers.append(LlamaLayer(
                attentionNorm: try load(p + "input_layernorm.weight", [d]),
                q: try linear(p + "self_attn.q_proj.weight", H * hd, d),
                k: try linear(p + "self_attn.k_proj.weight", G * hd, d),
                v: try linear(p + "self_attn.v_proj.weight", G * hd, d),
                o: try linear(p + "self_attn.o_proj.weight", d, H * hd),
                ffnNorm: try load(p + "post_attention_layernorm.weight", [d]),
                gate: try linear(p + "mlp.gate_proj.weight", F, d),
                up: try linear(p + "mlp.up_proj.weight", F, d),
                down: try linear(p + "mlp.down_proj.weight", d, F)))
        }
        let finalNorm = try load("model.norm.weight", [d])
        let headFormat = outputFormat ?? (format == .f32 ? .f32 : .bf16)
        let tied = config.tieWordEmbeddings || checkpoint.tensorIfPresent("lm_head.weight") == nil
        let head = tied ? embedding : try load("lm_head.weight", [config.vocabSize, d])

        // Special tokens: config.json, then generation_config.json (ints or lists).
        var bos: Int32?
        var eos = Set<Int32>()
        for file in ["config.json", "generation_config.json"] {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(file)),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            func ids(_ key: String) -> [Int32] {
                if let n = json[key] as? Int { return [Int32(n)] }
                if let list = json[key] as? [Int] { return list.map(Int32.init) }
                return []
            }
            if let b = ids("bos_token_id").first { bos = b }
            let e = ids("eos_token_id")
            if !e.isEmpty { eos = Set(e) }
        }
        eos = eos.filter { $0 >= 0 && Int($0) < config.vocabSize }
        return try LlamaModel(config: config, source: path, format: format, embedding: embedding, layers: layers,
                              finalNorm: finalNorm, output: LinearWeight(head, out: config.vocabSize, in: d, format: headFormat),
                              outputSharesEmbedding: tied && headFormat == .f32,
                              ropeInverseFrequencies: config.ropeInverseFrequencies(), bosTokenId: bos, eosTokenIds: eos)
    }
}
