import Foundation
import LontarKernels
import LontarModelFiles

/// Errors the trainer reports instead of crashing.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case tokenOutOfRange(token: Int32, position: Int, vocab: Int)
    case positionOutOfRange(position: Int32, limit: Int)
    case nonFiniteLoss(step: Int, loss: Double, checkpoint: String?)
    case invalidConfiguration(String)
    case checkpoint(String)
    case adapterFile(String)
    case cancelled(step: Int)

    public var description: String {
        switch self {
        case let .tokenOutOfRange(token, position, vocab):
            return "token id \(token) at position \(position) is outside the vocabulary (0..<\(vocab))"
        case let .positionOutOfRange(position, limit):
            return "position \(position) is beyond the rotary table (\(limit) positions)"
        case let .nonFiniteLoss(step, loss, checkpoint):
            return "training stopped at step \(step): the loss is \(loss)"
                + (checkpoint.map { "; the last good checkpoint is kept at \($0)" } ?? "; no checkpoint was written")
        case let .invalidConfiguration(m): return "invalid training configuration: \(m)"
        case let .checkpoint(m): return "checkpoint: \(m)"
        case let .adapterFile(m): return "adapter file: \(m)"
        case let .cancelled(step): return "training cancelled at step \(step)"
        }
    }
}

/// The forward and backward pass of a Llama decoder with LoRA adapters on a
/// frozen base: computes the masked next-token cross-entropy of a batch and
/// adds the adapters' gradients into `adapters.gradients`.
///
/// Memory: each layer keeps its input and its activations (or, with
/// `checkpointing`, only its input, recomputing the rest during the backward
/// pass); the vocabulary projection runs `lossChunk` tokens at a time so the
/// [tokens, vocab] logits never exist whole.
public final class TrainingPass: @unchecked Sendable {
    public let model: TrainableLlama
    public let adapters: LoRAAdapters
    public let checkpointing: Bool
    public let lossChunk: Int

    private var rows = 0, sequences = 0
    private var inputs: [FloatBuffer] = []
    private var acts: [TrainingActivations] = []
    private var grads: TrainingGradients?
    private var normed = FloatBuffer(count: 0), normRstd = FloatBuffer(count: 0)
    private var dCur = FloatBuffer(count: 0), dNext = FloatBuffer(count: 0)
    private var logits = FloatBuffer(count: 0)
    /// Rotary inverse frequencies, and the cos/sin tables of the current batch's rows.
    private let ropeInverseFrequencies: [Float]
    private var ropeCos = FloatBuffer(count: 0), ropeSin = FloatBuffer(count: 0)
    private let ropePositions: Int

    public init(model: TrainableLlama, adapters: LoRAAdapters, checkpointing: Bool = false,
                lossChunk: Int = 256, maxPositions: Int = 8192) {
        self.model = model
        self.adapters = adapters
        self.checkpointing = checkpointing
        self.lossChunk = max(1, lossChunk)
        ropePositions = maxPositions
        ropeInverseFrequencies = LlamaConfig.ropeInverseFrequencies(theta: model.shape.ropeTheta,
                                                                     headDim: model.shape.headDim)
    }

    /// Sets how many threads the kernels use: one pool serves inference and
    /// training (results are identical whatever the count).
    public static func setThreads(_ n: Int) { lt_set_threads(Int32(max(1, min(n, Int(LT_MAX_THREADS))))) }

    /// The number of threads the kernels use.
    public static var threads: Int { Int(lt_get_threads()) }

    /// Bytes of activations and scratch currently allocated.
    public var activationBytes: Int {
        var total = inputs.reduce(0) { $0 + $1.count * 4 } + acts.reduce(0) { $0 + $1.bytes }
        if let g = grads {
            total += [g.dAct, g.dGate, g.dUp, g.dXn, g.dH1, g.dAttn, g.dq, g.dk, g.dv].reduce(0) { $0 + $1.count * 4 }
        }
        total += (normed.count + normRstd.count + dCur.count + dNext.count + logits.count) * 4
        return total
    }

    private func reserve(_ batch: TrainingBatch, training: Bool) {
        let wantActs = training && !checkpointing ? model.shape.layers : 1
        if batch.rows == rows && batch.sequences == sequences && acts.count >= wantActs && (grads != nil || !training) {
            return  // evaluation reuses a training-sized allocation
        }
        let s = model.shape
        rows = batch.rows
        sequences = batch.sequences
        inputs = (0...s.layers).map { _ in FloatBuffer(count: rows * s.dim) }
        acts = []  // free before allocating the new set
        acts = (0..<wantActs).map { _ in
            TrainingActivations(shape: s, rows: rows, sequences: sequences, lora: adapters.config)
        }
        grads = training ? TrainingGradients(shape: s, rows: rows) : nil
        normed = FloatBuffer(count: rows * s.dim)
        normRstd = FloatBuffer(count: rows)
        dCur = FloatBuffer(count: training ? rows * s.dim : 0)
        dNext = FloatBuffer(count: training ? rows * s.dim : 0)
        logits = FloatBuffer(count: min(lossChunk, rows) * s.vocab)
        ropeCos = FloatBuffer(count: rows * s.headDim / 2)
        ropeSin = FloatBuffer(count: rows * s.headDim / 2)
    }

    /// The rotary tables of the batch's positions (lt_rope_tables_f32, as inference computes them).
    private func ropeTables(_ batch: TrainingBatch) {
        lt_rope_tables_f32(batch.positions, rows, ropeInverseFrequencies, ropeInverseFrequencies.count,
                           ropeCos.pointer, ropeSin.pointer)
    }

    private func validate(_ batch: TrainingBatch) throws {
        for (i, t) in batch.tokens.enumerated() where t < 0 || Int(t) >= model.shape.vocab {
            throw TrainingError.tokenOutOfRange(token: t, position: i, vocab: model.shape.vocab)
        }
        for (i, t) in batch.targets.enumerated() where Int(t) >= model.shape.vocab {
            throw TrainingError.tokenOutOfRange(token: t, position: i, vocab: model.shape.vocab)
        }
        for p in batch.positions where p < 0 || Int(p) >= ropePositions {
            throw TrainingError.positionOutOfRange(position: p, limit: ropePositions)
        }
    }

    /// Loss of a batch without gradients (dropout off): returns the summed
    /// cross-entropy of the counted tokens and their number.
    public func evaluate(_ batch: TrainingBatch) throws -> (sum: Double, tokens: Int) {
        try validate(batch)
        reserve(batch, training: false)
        ropeTables(batch)
        embed(batch)
        for l in 0..<model.shape.layers {
            forwardLayer(l, acts[0], batch: batch, dropoutSeed: nil)
        }
        let counted = batch.countedTokens
        let weights = [Float](repeating: 1, count: batch.rows)
        let sum = lossHead(batch, weights: weights, backward: false)
        return (sum, counted)
    }

    /// Forward and backward over a batch. Each counted token's loss is
    /// divided by `normalizer` (the number of counted tokens in the whole
    /// accumulation group), so the returned value and the gradients added to
    /// `adapters.gradients` sum to the group's mean loss over micro-batches.
    public func trainStep(_ batch: TrainingBatch, normalizer: Int, dropoutSeed: UInt64) throws -> Double {
        try validate(batch)
        reserve(batch, training: true)
        ropeTables(batch)
        embed(batch)
        let L = model.shape.layers
        for l in 0..<L {
            forwardLayer(l, acts[checkpointing ? 0 : l], batch: batch, dropoutSeed: dropoutSeed)
        }
        let weights = [Float](repeating: 1 / Float(max(normalizer, 1)), count: batch.rows)
        let loss = lossHead(batch, weights: weights, backward: true)
        for l in stride(from: L - 1, through: 0, by: -1) {
            let a = acts[checkpointing ? 0 : l]
            if checkpointing { forwardLayer(l, a, batch: batch, dropoutSeed: dropoutSeed) }
            backwardLayer(l, a, batch: batch, dropoutSeed: dropoutSeed)
            swap(&dCur, &dNext)
        }
        return loss
    }

    // MARK: - Forward

    private func embed(_ batch: TrainingBatch) {
        let d = model.shape.dim, x = inputs[0].pointer
        for (i, t) in batch.tokens.enumerated() { model.embedding.row(Int(t), into: x + i * d) }
    }

    private func dropoutSeed(_ base: UInt64, layer: Int, target: LoRATarget) -> UInt64 {
        var rng = TrainingRNG(seed: base ^ UInt64(layer * 16 + LoRATarget.allCases.firstIndex(of: target)! + 1) &* 0x2545_f491_4f6c_dd1d)
        return rng.next()
    }

    /// y += LoRA(x) for `target` when the layer has that adapter.
    private func loraForward(_ l: Int, _ target: LoRATarget, _ a: TrainingActivations, x: UnsafePointer<Float>,
                             y: UnsafeMutablePointer<Float>, seed: UInt64?) {
        guard let s = adapters.slot(l, target), let t = a.loraT[target] else { return }
        let cfg = adapters.config, p = adapters.parameters
        let p0 = seed == nil ? 0 : Float(cfg.dropout)
        lt_train_lora_forward(x, p.at(s.aOffset), p.at(s.bOffset), t.pointer, y, rows, s.inFeatures, s.outFeatures,
                              cfg.rank, cfg.scale, p0, seed.map { dropoutSeed($0, layer: l, target: target) } ?? 0)
    }

    private func project(_ l: Int, _ target: LoRATarget, _ a: TrainingActivations, x: UnsafePointer<Float>,
                         y: UnsafeMutablePointer<Float>, accumulate: Bool, seed: UInt64?) {
        model.layers[l].projection(target).forward(x, y, rows: rows, accumulate: accumulate)
        loraForward(l, target, a, x: x, y: y, seed: seed)
    }

    private func forwardLayer(_ l: Int, _ a: TrainingActivations, batch: TrainingBatch, dropoutSeed seed: UInt64?) {
        let s = model.shape, layer = model.layers[l], n = rows
        let x = inputs[l].pointer, out = inputs[l + 1].pointer
        let interleaved: Int32 = s.ropeInterleaved ? 1 : 0
        lt_rmsnorm_f32(x, layer.attnNorm.pointer, a.xn1.pointer, a.rstd1.pointer, n, s.dim, s.normEps)
        project(l, .q, a, x: a.xn1.pointer, y: a.q.pointer, accumulate: false, seed: seed)
        project(l, .k, a, x: a.xn1.pointer, y: a.k.pointer, accumulate: false, seed: seed)
        project(l, .v, a, x: a.xn1.pointer, y: a.v.pointer, accumulate: false, seed: seed)
        lt_rope_f32(a.q.pointer, n, s.heads, s.headDim, ropeCos.pointer, ropeSin.pointer, interleaved, 0)
        lt_rope_f32(a.k.pointer, n, s.kvHeads, s.headDim, ropeCos.pointer, ropeSin.pointer, interleaved, 0)
        withSegments(batch) { seg in
            lt_train_attention_forward(a.q.pointer, a.k.pointer, a.v.pointer, a.attn.pointer, a.lse.pointer, seg,
                                       sequences, batch.length, s.heads, s.kvHeads, s.headDim)
        }
        a.h1.pointer.update(from: x, count: n * s.dim)
        project(l, .o, a, x: a.attn.pointer, y: a.h1.pointer, accumulate: true, seed: seed)
        lt_rmsnorm_f32(a.h1.pointer, layer.ffnNorm.pointer, a.xn2.pointer, a.rstd2.pointer, n, s.dim, s.normEps)
        project(l, .gate, a, x: a.xn2.pointer, y: a.gate.pointer, accumulate: false, seed: seed)
        project(l, .up, a, x: a.xn2.pointer, y: a.up.pointer, accumulate: false, seed: seed)
        lt_swiglu_f32(a.gate.pointer, a.up.pointer, a.act.pointer, n * s.ffn)
        out.update(from: a.h1.pointer, count: n * s.dim)
        project(l, .down, a, x: a.act.pointer, y: out, accumulate: true, seed: seed)
    }

    private func withSegments<R>(_ batch: TrainingBatch, _ body: (UnsafePointer<Int32>?) -> R) -> R {
        guard let seg = batch.segments else { return body(nil) }
        return seg.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Final norm, vocabulary projection and cross-entropy, `lossChunk`
    /// tokens at a time; with `backward`, leaves dL/d(last layer output) in dCur.
    private func lossHead(_ batch: TrainingBatch, weights: [Float], backward: Bool) -> Double {
        let s = model.shape, n = rows, V = s.vocab
        let xL = inputs[s.layers].pointer
        lt_rmsnorm_f32(xL, model.finalNorm.pointer, normed.pointer, normRstd.pointer, n, s.dim, s.normEps)
        var total = 0.0
        if backward { dNext.zero() }
        var start = 0
        while start < n {
            let c = min(lossChunk, n - start)
            // Skip chunks with nothing counted (padding, prompts).
            if batch.targets[start..<(start + c)].contains(where: { $0 >= 0 }) {
                model.lmHead.forward(normed.pointer + start * s.dim, logits.pointer, rows: c, accumulate: false)
                total += batch.targets.withUnsafeBufferPointer { tg in
                    weights.withUnsafeBufferPointer { w in
                        lt_train_cross_entropy(logits.pointer, tg.baseAddress! + start, w.baseAddress! + start, c, V,
                                               backward ? 1 : 0)
                    }
                }
                if backward {
                    model.lmHead.backwardInput(logits.pointer, dNext.pointer + start * s.dim, rows: c, accumulate: false)
                }
            }
            start += c
        }
        if backward {
            lt_train_rmsnorm_backward(dNext.pointer, xL, model.finalNorm.pointer, normRstd.pointer, dCur.pointer,
                                      n, s.dim, 0)
        }
        return total
    }

    // MARK: - Backward

    /// LoRA backward for `target`: gradients into the adapter, input gradient into dx.
    private func loraBackward(_ l: Int, _ target: LoRATarget, _ a: TrainingActivations, x: UnsafePointer<Float>,
                              dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, seed: UInt64) {
        guard let s = adapters.slot(l, target), let t = a.loraT[target] else { return }
        let cfg = adapters.config, p = adapters.parameters, g = adapters.gradients
        lt_train_lora_backward(x, p.at(s.aOffset), p.at(s.bOffset), t.pointer, dy, g.at(s.aOffset), g.at(s.bOffset),
                               dx, rows, s.inFeatures, s.outFeatures, cfg.rank, cfg.scale, Float(cfg.dropout),
                               dropoutSeed(seed, layer: l, target: target), 1)
    }

    /// dx (+)= dy W + LoRA's input gradient, for `target`.
    private func projectBack(_ l: Int, _ target: LoRATarget, _ a: TrainingActivations, x: UnsafePointer<Float>,
                             dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, accumulate: Bool, seed: UInt64) {
        model.layers[l].projection(target).backwardInput(dy, dx, rows: rows, accumulate: accumulate)
        loraBackward(l, target, a, x: x, dy: dy, dx: dx, seed: seed)
    }

    /// From dCur = dL/d(output of layer l), writes dL/d(input of layer l) into dNext.
    private func backwardLayer(_ l: Int, _ a: TrainingActivations, batch: TrainingBatch, dropoutSeed seed: UInt64) {
        let s = model.shape, layer = model.layers[l], n = rows, g = grads!
        let x = inputs[l].pointer, dOut = dCur.pointer
        let interleaved: Int32 = s.ropeInterleaved ? 1 : 0
        // MLP: out = h1 + down(swiglu(gate(xn2), up(xn2)))
        projectBack(l, .down, a, x: a.act.pointer, dy: dOut, dx: g.dAct.pointer, accumulate: false, seed: seed)
        lt_train_swiglu_backward(g.dAct.pointer, a.gate.pointer, a.up.pointer, g.dGate.pointer, g.dUp.pointer, n * s.ffn)
        projectBack(l, .gate, a, x: a.xn2.pointer, dy: g.dGate.pointer, dx: g.dXn.pointer, accumulate: false, seed: seed)
        projectBack(l, .up, a, x: a.xn2.pointer, dy: g.dUp.pointer, dx: g.dXn.pointer, accumulate: true, seed: seed)
        g.dH1.pointer.update(from: dOut, count: n * s.dim)
        lt_train_rmsnorm_backward(g.dXn.pointer, a.h1.pointer, layer.ffnNorm.pointer, a.rstd2.pointer, g.dH1.pointer,
                                  n, s.dim, 1)
        // Attention: h1 = x + o(attn(rope(q(xn1)), rope(k(xn1)), v(xn1)))
        projectBack(l, .o, a, x: a.attn.pointer, dy: g.dH1.pointer, dx: g.dAttn.pointer, accumulate: false, seed: seed)
        withSegments(batch) { seg in
            lt_train_attention_backward(a.q.pointer, a.k.pointer, a.v.pointer, a.attn.pointer, g.dAttn.pointer,
                                        a.lse.pointer, seg, g.dq.pointer, g.dk.pointer, g.dv.pointer,
                                        sequences, batch.length, s.heads, s.kvHeads, s.headDim)
        }
        lt_rope_f32(g.dq.pointer, n, s.heads, s.headDim, ropeCos.pointer, ropeSin.pointer, interleaved, 1)
        lt_rope_f32(g.dk.pointer, n, s.kvHeads, s.headDim, ropeCos.pointer, ropeSin.pointer, interleaved, 1)
        projectBack(l, .q, a, x: a.xn1.pointer, dy: g.dq.pointer, dx: g.dXn.pointer, accumulate: false, seed: seed)
        projectBack(l, .k, a, x: a.xn1.pointer, dy: g.dk.pointer, dx: g.dXn.pointer, accumulate: true, seed: seed)
        projectBack(l, .v, a, x: a.xn1.pointer, dy: g.dv.pointer, dx: g.dXn.pointer, accumulate: true, seed: seed)
        dNext.pointer.update(from: g.dH1.pointer, count: n * s.dim)
        lt_train_rmsnorm_backward(g.dXn.pointer, x, layer.attnNorm.pointer, a.rstd1.pointer, dNext.pointer, n, s.dim, 1)
    }
}
