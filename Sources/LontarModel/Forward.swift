import Foundation
import LontarKernels

/// Which rows of the final hidden states to project to vocabulary logits.
public enum LogitRows: Sendable {
    /// None (the caller projects what it needs, e.g. chunked cross-entropy).
    case none
    /// The last new token of each sequence (generation).
    case last
    /// Every token (training, scoring).
    case all
}

/// What one transformer block computed, kept for the backward pass.
public struct LayerActivations: @unchecked Sendable {
    /// The residual stream entering the block [rows, hidden].
    public let input: FloatBuffer
    /// 1/rms of each row at the attention norm [rows].
    public let attentionInvRms: FloatBuffer
    /// Queries and keys after the rotary embedding, and values:
    /// [rows, heads*headDim], [rows, kvHeads*headDim], [rows, kvHeads*headDim].
    public let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer
    /// The attention output before o_proj [rows, heads*headDim].
    public let attention: FloatBuffer
    /// Log-sum-exp of each query's scaled scores [rows, heads]: the backward
    /// pass recomputes attention probabilities from it.
    public let attentionLSE: FloatBuffer
    /// The residual stream after the attention half [rows, hidden].
    public let middle: FloatBuffer
    /// 1/rms of each row at the feed-forward norm [rows].
    public let ffnInvRms: FloatBuffer
    /// gate_proj and up_proj outputs before SwiGLU [rows, intermediate].
    public let gate: FloatBuffer, up: FloatBuffer
}

/// Everything a backward pass needs from a forward pass.
public struct Activations: @unchecked Sendable {
    public let tokens: [Int32]
    public let positions: [Int32]
    /// Rotary tables [rows, headDim/2].
    public let ropeCos: FloatBuffer, ropeSin: FloatBuffer
    public let layers: [LayerActivations]
    /// The residual stream entering the final norm [rows, hidden], and its 1/rms.
    public let finalInput: FloatBuffer
    public let finalInvRms: FloatBuffer
}

/// The result of a forward pass over a batch of sequences.
public struct ForwardResult: @unchecked Sendable {
    /// The rows (tokens) of each sequence in `hidden`.
    public let sequenceRows: [Range<Int>]
    /// Final hidden states after the final RMSNorm [rows, hidden].
    public let hidden: FloatBuffer
    /// Logits [logitRowIndices.count, vocab], unless `.none` was asked for.
    public let logits: FloatBuffer?
    /// The hidden row each logits row belongs to.
    public let logitRowIndices: [Int]
    /// Kept activations, when asked for.
    public let activations: Activations?
    let vocab: Int

    /// Logits of hidden row `row`, if they were computed.
    public func logits(row: Int) -> [Float]? {
        guard let logits, let i = logitRowIndices.firstIndex(of: row) else { return nil }
        return logits.slice(i * vocab, vocab)
    }

    /// Logits of the last new token of sequence `i` (nil if it had no tokens
    /// or logits were not computed).
    public func lastLogits(sequence i: Int) -> [Float]? {
        let r = sequenceRows[i]
        return r.isEmpty ? nil : logits(row: r.upperBound - 1)
    }
}

extension LlamaModel {
    /// Runs the model over a batch of token sequences.
    ///
    /// Without a cache every sequence is a fresh prompt (positions from 0).
    /// With a cache, sequence i continues slot i from its stored length, and
    /// its keys and values are appended (an empty sequence leaves its slot
    /// alone). All tokens of the batch go through each matrix product
    /// together. `keepActivations` keeps what a backward pass needs.
    public func forward(_ batch: [[Int32]], cache: KVCache? = nil, logits: LogitRows = .last,
                        keepActivations: Bool = false) throws -> ForwardResult {
        let c = config
        guard !batch.isEmpty else { throw ModelError(.invalidInput, "the batch has no sequences") }
        if let cache {
            guard batch.count <= cache.sequences else {
                throw ModelError(.invalidInput, "a batch of \(batch.count) sequences needs a cache with as many slots (it has \(cache.sequences))")
            }
            for (i, s) in batch.enumerated() where cache.lengths[i] + s.count > cache.capacity {
                throw ModelError(.cacheFull, "sequence \(i): \(cache.lengths[i]) cached + \(s.count) new tokens exceed the cache capacity of \(cache.capacity)")
            }
        } else if let empty = batch.firstIndex(where: \.isEmpty) {
            throw ModelError(.invalidInput, "sequence \(empty) has no tokens")
        }
        for (i, s) in batch.enumerated() {
            if let bad = s.firstIndex(where: { $0 < 0 || Int($0) >= c.vocabSize }) {
                throw ModelError(.invalidInput, "sequence \(i), token \(bad): id \(s[bad]) is outside the vocabulary (0..<\(c.vocabSize))")
            }
        }

        let d = c.hiddenSize, H = c.numAttentionHeads, G = c.numKeyValueHeads, D = c.headDim
        let F = c.intermediateSize, half = D / 2, eps = Float(c.rmsNormEps)
        var rowsOf: [Range<Int>] = [], tokens: [Int32] = [], positions: [Int32] = []
        for (i, s) in batch.enumerated() {
            let start = cache?.lengths[i] ?? 0
            rowsOf.append(tokens.count ..< tokens.count + s.count)
            tokens += s
            positions += (0..<s.count).map { Int32(start + $0) }
        }
        let R = tokens.count

        let x = FloatBuffer(count: R * d)
        lt_embedding_f32(embedding.pointer, d, tokens, R, x.pointer)
        let cosT = FloatBuffer(count: R * half), sinT = FloatBuffer(count: R * half)
        lt_rope_tables_f32(positions, R, ropeInverseFrequencies, half, cosT.pointer, sinT.pointer)

        let xn = FloatBuffer(count: R * d), proj = FloatBuffer(count: R * d)
        var q = FloatBuffer(count: R * H * D), k = FloatBuffer(count: R * G * D), v = FloatBuffer(count: R * G * D)
        var att = FloatBuffer(count: R * H * D)
        var gate = FloatBuffer(count: R * F), up = FloatBuffer(count: R * F)
        let act = FloatBuffer(count: R * F)
        let longest = batch.map(\.count).max() ?? 0
        let kTmp = cache == nil ? FloatBuffer(count: G * longest * D) : nil
        let vTmp = cache == nil ? FloatBuffer(count: G * longest * D) : nil
        let scale = 1 / Float(D).squareRoot()
        var kept: [LayerActivations] = []

        func copy(_ b: FloatBuffer) -> FloatBuffer {
            let out = FloatBuffer(count: b.count)
            out.pointer.update(from: b.pointer, count: b.count)
            return out
        }

        for (li, layer) in layers.enumerated() {
            let input = keepActivations ? copy(x) : nil
            let inv1 = keepActivations ? FloatBuffer(count: R) : nil
            let lse = keepActivations ? FloatBuffer(count: R * H) : nil
            lt_rmsnorm_f32(x.pointer, layer.attentionNorm.pointer, xn.pointer, inv1?.pointer, R, d, eps)
            layer.q.forward(xn.pointer, rows: R, into: q.pointer, bf16Compute: bf16Compute)
            layer.k.forward(xn.pointer, rows: R, into: k.pointer, bf16Compute: bf16Compute)
            layer.v.forward(xn.pointer, rows: R, into: v.pointer, bf16Compute: bf16Compute)
            lt_rope_f32(q.pointer, R, H, D, cosT.pointer, sinT.pointer, 0, 0)
            lt_rope_f32(k.pointer, R, G, D, cosT.pointer, sinT.pointer, 0, 0)

            for (i, rows) in rowsOf.enumerated() where !rows.isEmpty {
                let T = rows.count, r0 = rows.lowerBound
                let kc: UnsafeMutablePointer<Float>, vc: UnsafeMutablePointer<Float>
                let capacity: Int, start: Int
                if let cache {
                    kc = cache.keys(layer: li, sequence: i)
                    vc = cache.values(layer: li, sequence: i)
                    capacity = cache.capacity
                    start = cache.lengths[i]
                } else {
                    kc = kTmp!.pointer
                    vc = vTmp!.pointer
                    capacity = T
                    start = 0
                }
                lt_kv_store_f32(k.pointer + r0 * G * D, kc, capacity, T, start, G, D)
                lt_kv_store_f32(v.pointer + r0 * G * D, vc, capacity, T, start, G, D)
                lt_attention_f32(q.pointer + r0 * H * D, kc, vc, capacity, att.pointer + r0 * H * D,
                                 lse.map { $0.pointer + r0 * H }, T, start, H, G, D, scale, nil)
            }
            layer.o.forward(att.pointer, rows: R, into: proj.pointer, bf16Compute: bf16Compute)
            lt_add_f32(x.pointer, proj.pointer, R * d)

            let middle = keepActivations ? copy(x) : nil
            let inv2 = keepActivations ? FloatBuffer(count: R) : nil
            lt_rmsnorm_f32(x.pointer, layer.ffnNorm.pointer, xn.pointer, inv2?.pointer, R, d, eps)
            layer.gate.forward(xn.pointer, rows: R, into: gate.pointer, bf16Compute: bf16Compute)
            layer.up.forward(xn.pointer, rows: R, into: up.pointer, bf16Compute: bf16Compute)
            lt_swiglu_f32(gate.pointer, up.pointer, act.pointer, R * F)
            layer.down.forward(act.pointer, rows: R, into: proj.pointer, bf16Compute: bf16Compute)
            lt_add_f32(x.pointer, proj.pointer, R * d)

            if keepActivations, let input, let inv1, let lse, let middle, let inv2 {
                kept.append(LayerActivations(input: input, attentionInvRms: inv1, q: q, k: k, v: v, attention: att,
                                             attentionLSE: lse, middle: middle, ffnInvRms: inv2, gate: gate, up: up))
                // The kept buffers now belong to the activations: fresh ones for the next layer.
                q = FloatBuffer(count: R * H * D)
                k = FloatBuffer(count: R * G * D)
                v = FloatBuffer(count: R * G * D)
                att = FloatBuffer(count: R * H * D)
                gate = FloatBuffer(count: R * F)
                up = FloatBuffer(count: R * F)
            }
        }

        let hidden = FloatBuffer(count: R * d)
        let invF = keepActivations ? FloatBuffer(count: R) : nil
        lt_rmsnorm_f32(x.pointer, finalNorm.pointer, hidden.pointer, invF?.pointer, R, d, eps)
        if let cache {
            for (i, s) in batch.enumerated() { cache.lengths[i] += s.count }
        }

        var logitRows: [Int] = []
        switch logits {
        case .none: break
        case .last: logitRows = rowsOf.filter { !$0.isEmpty }.map { $0.upperBound - 1 }
        case .all: logitRows = Array(0..<R)
        }
        var logitBuffer: FloatBuffer?
        if !logitRows.isEmpty {
            logitBuffer = projectToVocabulary(hidden: hidden, rows: logitRows)
        }
        let activations = keepActivations
            ? Activations(tokens: tokens, positions: positions, ropeCos: cosT, ropeSin: sinT, layers: kept,
                          finalInput: x, finalInvRms: invF!)
            : nil
        return ForwardResult(sequenceRows: rowsOf, hidden: hidden, logits: logitBuffer, logitRowIndices: logitRows,
                             activations: activations, vocab: c.vocabSize)
    }

    /// Logits [rows.count, vocab] of the given rows of final hidden states.
    public func projectToVocabulary(hidden: FloatBuffer, rows: [Int]) -> FloatBuffer {
        let d = config.hiddenSize
        let out = FloatBuffer(count: rows.count * config.vocabSize)
        if rows.count == hidden.count / d, rows.enumerated().allSatisfy({ $0.offset == $0.element }) {
            output.forward(hidden.pointer, rows: rows.count, into: out.pointer, bf16Compute: false)
        } else {
            let gathered = FloatBuffer(count: rows.count * d)
            for (j, r) in rows.enumerated() {
                (gathered.pointer + j * d).update(from: hidden.pointer + r * d, count: d)
            }
            output.forward(gathered.pointer, rows: rows.count, into: out.pointer, bf16Compute: false)
        }
        return out
    }
}
