import LontarKernels

extension LlamaModel {
    /// A model whose adapted projections are `W + (alpha / r) · B · A`, for
    /// prompting a fine-tuned model with the inference engine (KV cache,
    /// sampling). The merged projections are kept in float32 (`format`), so
    /// the only rounding is the base's own: re-quantizing them would add an
    /// error QLoRA's inference (4-bit base plus a higher-precision adapter)
    /// does not have. Untouched projections, embeddings and norms are shared.
    public func merging(_ adapters: LoRAAdapters, format: WeightFormat = .f32) throws -> LlamaModel {
        guard adapters.shape.layers == config.numHiddenLayers, adapters.shape.dim == config.hiddenSize else {
            throw ModelError(.shapeMismatch, "the adapters were trained for another model shape")
        }
        let scale = adapters.config.scale
        let r = adapters.config.rank
        let merged: [LlamaLayer] = layers.enumerated().map { index, layer in
            func merge(_ weight: LinearWeight, _ target: LoRATarget) -> LinearWeight {
                guard let slot = adapters.slot(index, target) else { return weight }
                // A copy: an f32 weight's dequantized() is the base's own buffer.
                let w = FloatBuffer(weight.dequantized().array)
                let a = adapters.a(slot)   // A: [r, in]
                var b = adapters.b(slot)   // B: [out, r]
                // Training on a GGUF keeps q/k rows in llama.cpp's interleaved
                // order; the inference engine un-permutes them to Hugging Face's.
                if adapters.shape.ropeInterleaved && (target == .q || target == .k) {
                    b = LoRAAdapters.permuteRotaryRows(b, heads: target == .q ? adapters.shape.heads : adapters.shape.kvHeads,
                                                       headDim: adapters.shape.headDim, columns: r, toHF: true)
                }
                let n = slot.inFeatures
                // W[o, i] += scale · Σ_k B[o, k] · A[k, i], accumulated in float32.
                for o in 0 ..< slot.outFeatures {
                    let row = w.pointer + o * n
                    for k in 0 ..< r {
                        let c = scale * b[o * r + k]
                        if c == 0 { continue }
                        a.withUnsafeBufferPointer { ap in
                            let ak = ap.baseAddress! + k * n
                            for i in 0 ..< n { row[i] += c * ak[i] }
                        }
                    }
                }
                return LinearWeight(w, out: slot.outFeatures, in: n, format: format)
            }
            return LlamaLayer(attentionNorm: layer.attentionNorm,
                              q: merge(layer.q, .q), k: merge(layer.k, .k), v: merge(layer.v, .v), o: merge(layer.o, .o),
                              ffnNorm: layer.ffnNorm,
                              gate: merge(layer.gate, .gate), up: merge(layer.up, .up), down: merge(layer.down, .down))
        }
        return try LlamaModel(config: config, source: source + " + LoRA", format: self.format, embedding: embedding,
                              layers: merged, finalNorm: finalNorm, output: output,
                              outputSharesEmbedding: outputSharesEmbedding,
                              ropeInverseFrequencies: ropeInverseFrequencies, bosTokenId: bosTokenId,
                              eosTokenIds: eosTokenIds)
    }
}
