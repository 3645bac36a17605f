import Foundation
import LontarKernels
import LontarModelFiles

extension LlamaModel {
    /// Loads a Llama-architecture GGUF file (any tensor type Lontar can
    /// dequantize). Every linear weight of the blocks is converted to
    /// `format` (NF4 with double quantization for QLoRA); the embeddings and
    /// norms stay float32. The output projection is stored in `outputFormat`
    /// (default: float32 for f32 models, bf16 otherwise — half the bytes per
    /// generated token, and QLoRA never quantizes it).
    ///
    /// Tensors are checked against the configuration (shapes) and for NaN or
    /// infinite values; problems are reported with the file and tensor name.
    public static func load(gguf url: URL, as format: WeightFormat = .nf4,
                            outputFormat: WeightFormat? = nil) throws -> LlamaModel {
        let file = try GGUFFile(contentsOf: url)
        let path = url.path
        let arch = try file.string("general.architecture")
        guard arch == "llama" else {
            throw ModelError(.unsupported, file: path, "architecture '\(arch)' is not supported (only 'llama')")
        }
        let config = try LlamaConfig(gguf: file)
        do { try config.validateForLontar() } catch let e as ModelError {
            throw ModelError(e.kind, file: path, e.message)
        }
        let reader = TensorReader(file: file, path: path)
        let d = config.hiddenSize, hd = config.headDim
        let heads = config.numAttentionHeads, kvHeads = config.numKeyValueHeads

        let embedding = try reader.matrix("token_embd.weight", rows: config.vocabSize, cols: d)
        // Weights converted to another format are dequantized into one reused
        // buffer: a fresh one per tensor fragments the heap, which then keeps
        // about the model's float32 size (573 MB peak for SmolLM2 in NF4, 256 MB now).
        let scratch = FloatBuffer(count: format == .f32 ? 0 : config.largestBlockWeight)
        var layers: [LlamaLayer] = []
        for i in 0..<config.numHiddenLayers {
            let p = "blk.\(i)."
            func linear(_ name: String, _ rows: Int, _ cols: Int, unpermuteHeads: Int? = nil) throws -> LinearWeight {
                let m = format == .f32 ? FloatBuffer(count: rows * cols) : scratch
                let values = UnsafeMutableBufferPointer(rebasing: m.buffer[0 ..< rows * cols])
                try reader.load(p + name, shape: [rows, cols], into: values)
                if let h = unpermuteHeads { unpermuteRotaryRows(m.pointer, heads: h, headDim: hd, cols: cols) }
                return format == .f32 ? LinearWeight(m, out: rows, in: cols, format: .f32)
                                      : LinearWeight(converting: m.pointer, out: rows, in: cols, format: format)
            }
            layers.append(LlamaLayer(
                attentionNorm: try reader.vector(p + "attn_norm.weight", count: d),
                q: try linear("attn_q.weight", heads * hd, d, unpermuteHeads: heads),
                k: try linear("attn_k.weight", kvHeads * hd, d, unpermuteHeads: kvHeads),
                v: try linear("attn_v.weight", kvHeads * hd, d),
                o: try linear("attn_output.weight", d, heads * hd),
                ffnNorm: try reader.vector(p + "ffn_norm.weight", count: d),
                gate: try linear("ffn_gate.weight", config.intermediateSize, d),
                up: try linear("ffn_up.weight", config.intermediateSize, d),
                down: try linear("ffn_down.weight", d, config.intermediateSize)))
        }
        let finalNorm = try reader.vector("output_norm.weight", count: d)
        let headFormat = outputFormat ?? (format == .f32 ? .f32 : .bf16)
        let tied = file.tensorInfo("output.weight") == nil
        let headValues = tied ? embedding : try reader.matrix("output.weight", rows: config.vocabSize, cols: d)
        let output = LinearWeight(headValues, out: config.vocabSize, in: d, format: headFormat)

        // Llama 3.1 GGUFs carry their rope scaling as per-pair frequency factors.
        var factors: [Float]?
        if file.tensorInfo("rope_freqs.weight") != nil {
            factors = try reader.vector("rope_freqs.weight", count: hd / 2).array
        }
        func tokenId(_ key: String) throws -> Int32? {
            guard let v = try file.valueIfPresent(key, as: Int.self) else { return nil }
            guard v >= 0, v < config.vocabSize else {
                throw ModelError(.invalidConfig, file: path, "\(key) = \(v) is outside the vocabulary of \(config.vocabSize)")
            }
            return Int32(v)
        }
        var eos = Set<Int32>()
        for key in ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id"] {
            if let id = try tokenId(key) { eos.insert(id) }
        }
        return try LlamaModel(config: config, source: path, format: format, embedding: embedding, layers: layers,
                              finalNorm: finalNorm, output: output, outputSharesEmbedding: tied && headFormat == .f32,
                              ropeInverseFrequencies: config.ropeInverseFrequencies(freqFactors: factors),
                              bosTokenId: try tokenId("tokenizer.ggml.bos_token_id"), eosTokenIds: eos)
    }
}

/// Undoes llama.cpp's permutation of q/k rows. convert_hf_to_gguf stores, in
/// each head, row 2i+s = transformers' row s*(headDim/2)+i (s = 0, 1), so
/// that ggml can rotate adjacent pairs; Lontar rotates transformers' halves.
func unpermuteRotaryRows(_ m: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, cols: Int) {
    let half = headDim / 2
    let scratch = FloatBuffer(count: headDim * cols)
    for h in 0..<heads {
        let base = m + h * headDim * cols
        scratch.pointer.update(from: base, count: headDim * cols)
        for i in 0..<half {
            for s in 0..<2 {
                (base + (s * half + i) * cols).update(from: scratch.pointer + (2 * i + s) * cols, count: cols)
            }
        }
    }
}

/// Reads tensors of a GGUF file as float32, checking shape and finiteness.
struct TensorReader {
    let file: GGUFFile
    let path: String

    func load(_ name: String, shape: [Int]) throws -> FloatBuffer {
        let out = FloatBuffer(count: shape.reduce(1, *))
        try load(name, shape: shape, into: out.buffer)
        return out
    }

    /// Dequantizes tensor `name` into `out` (exactly its size), then lets the
    /// file's pages go: they are read once, and would otherwise stay resident
    /// beside the converted weights until the file is closed.
    func load(_ name: String, shape: [Int], into out: UnsafeMutableBufferPointer<Float>) throws {
        guard let t = file.tensorIfPresent(name) else {
            throw ModelError(.missingTensor, file: path, tensor: name, "missing (the file has \(file.tensorInfos.count) tensors)")
        }
        guard t.shape == shape else {
            throw ModelError(.shapeMismatch, file: path, tensor: name,
                             "shape \(t.shape), but the configuration needs \(shape)")
        }
        try t.dequantize(into: out)
        t.releaseResidentPages()
        try requireFinite(out, shape: shape, file: path, tensor: name)
    }

    func matrix(_ name: String, rows: Int, cols: Int) throws -> FloatBuffer { try load(name, shape: [rows, cols]) }
    func vector(_ name: String, count: Int) throws -> FloatBuffer { try load(name, shape: [count]) }
}

/// Throws, naming the tensor and the first bad element, when `values` holds a
/// NaN or an infinity (every loader checks the weights it reads).
func requireFinite(_ values: UnsafeMutableBufferPointer<Float>, shape: [Int], file: String, tensor: String) throws {
    let bad = lt_first_nonfinite_f32(values.baseAddress, values.count)
    guard bad >= 0 else { return }
    let index = Int(bad), cols = shape.last ?? 1
    let position = shape.count > 1 ? "row \(index / cols), column \(index % cols)" : "element \(index)"
    throw ModelError(.nonFiniteWeights, file: file, tensor: tensor, "\(position) is \(values[index]) (weights must be finite)")
}
