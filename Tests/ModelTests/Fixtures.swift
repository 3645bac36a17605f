import Foundation
import LontarModel
import LontarModelFiles

/// The tensors of a Llama GGUF file, by name: ggml dimensions and values.
typealias GGUFTensors = [String: (dims: [Int], values: [Float])]

/// The tensors and metadata a Llama GGUF file of `model` (float32 weights)
/// holds, with q/k rows permuted the way llama.cpp's converter stores them.
func ggufContents(of model: LlamaModel) -> (tensors: GGUFTensors, metadata: [(String, GGUFWriter.Value)]) {
    let c = model.config, d = c.hiddenSize, hd = c.headDim
    func permuted(_ w: [Float], heads: Int) -> [Float] {
        let half = hd / 2, cols = d
        var out = w
        for h in 0..<heads {
            for i in 0..<half {
                for s in 0..<2 {
                    let src = (h * hd + s * half + i) * cols, dst = (h * hd + 2 * i + s) * cols
                    for j in 0..<cols { out[dst + j] = w[src + j] }
                }
            }
        }
        return out
    }
    var t: GGUFTensors = [:]
    t["token_embd.weight"] = ([d, c.vocabSize], model.embedding.array)
    t["output_norm.weight"] = ([d], model.finalNorm.array)
    if !c.tieWordEmbeddings { t["output.weight"] = ([d, c.vocabSize], model.output.dequantized().array) }
    for (i, l) in model.layers.enumerated() {
        let p = "blk.\(i)."
        t[p + "attn_norm.weight"] = ([d], l.attentionNorm.array)
        t[p + "ffn_norm.weight"] = ([d], l.ffnNorm.array)
        t[p + "attn_q.weight"] = ([d, l.q.outFeatures], permuted(l.q.dequantized().array, heads: c.numAttentionHeads))
        t[p + "attn_k.weight"] = ([d, l.k.outFeatures], permuted(l.k.dequantized().array, heads: c.numKeyValueHeads))
        t[p + "attn_v.weight"] = ([d, l.v.outFeatures], l.v.dequantized().array)
        t[p + "attn_output.weight"] = ([l.o.inFeatures, d], l.o.dequantized().array)
        t[p + "ffn_gate.weight"] = ([d, c.intermediateSize], l.gate.dequantized().array)
        t[p + "ffn_up.weight"] = ([d, c.intermediateSize], l.up.dequantized().array)
        t[p + "ffn_down.weight"] = ([c.intermediateSize, d], l.down.dequantized().array)
    }
    let metadata: [(String, GGUFWriter.Value)] = [
        ("general.architecture", .string("llama")),
        ("llama.block_count", .uint32(UInt32(c.numHiddenLayers))),
        ("llama.embedding_length", .uint32(UInt32(d))),
        ("llama.feed_forward_length", .uint32(UInt32(c.intermediateSize))),
        ("llama.attention.head_count", .uint32(UInt32(c.numAttentionHeads))),
        ("llama.attention.head_count_kv", .uint32(UInt32(c.numKeyValueHeads))),
        ("llama.attention.layer_norm_rms_epsilon", .float32(Float(c.rmsNormEps))),
        ("llama.rope.freq_base", .float32(Float(c.ropeTheta))),
        ("llama.context_length", .uint32(UInt32(c.maxPositionEmbeddings ?? 256))),
        ("llama.vocab_size", .uint32(UInt32(c.vocabSize))),
        ("tokenizer.ggml.bos_token_id", .uint32(1)),
        ("tokenizer.ggml.eos_token_id", .uint32(2)),
    ]
    return (t, metadata)
}

/// Writes a GGUF file from tensors and metadata.
func writeGGUF(_ tensors: GGUFTensors, metadata: [(String, GGUFWriter.Value)], to url: URL) throws {
    var w = GGUFWriter()
    for (k, v) in metadata { try w.set(k, v) }
    for name in tensors.keys.sorted() {
        let t = tensors[name]!
        try w.add(name, dimensions: t.dims, floats: t.values)
    }
    try w.write(to: url)
}

/// The tiny test configuration with tied or untied embeddings.
func tinyConfig(tied: Bool = false) throws -> LlamaConfig {
    var c = try LlamaConfig.named("tiny")
    c.tieWordEmbeddings = tied
    return c
}

/// A float32 copy of `model` whose block weights are its own weights
/// dequantized (the reference for the fused NF4 and bf16 paths).
func dequantizedCopy(of model: LlamaModel) throws -> LlamaModel {
    func f32(_ w: LinearWeight) -> LinearWeight { LinearWeight(w.dequantized(), out: w.outFeatures, in: w.inFeatures, format: .f32) }
    let layers = model.layers.map { l in
        LlamaLayer(attentionNorm: l.attentionNorm, q: f32(l.q), k: f32(l.k), v: f32(l.v), o: f32(l.o),
                   ffnNorm: l.ffnNorm, gate: f32(l.gate), up: f32(l.up), down: f32(l.down))
    }
    return try LlamaModel(config: model.config, source: "dequantized", format: .f32, embedding: model.embedding,
                          layers: layers, finalNorm: model.finalNorm, output: f32(model.output), outputSharesEmbedding: false,
                          ropeInverseFrequencies: model.ropeInverseFrequencies, bosTokenId: model.bosTokenId,
                          eosTokenIds: model.eosTokenIds)
}
