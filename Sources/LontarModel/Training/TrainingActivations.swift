/// What one decoder layer's forward pass keeps for its backward pass, for
/// `rows` tokens. With gradient checkpointing a single set is reused: each
/// layer's forward is recomputed from its saved input just before its backward.
final class TrainingActivations {
    let xn1, rstd1, q, k, v, attn, lse, h1, xn2, rstd2, gate, up, act: FloatBuffer
    /// LoRA's t = dropout(x) A^T [rows, r] per adapted projection.
    var loraT: [LoRATarget: FloatBuffer] = [:]

    init(shape: LlamaShape, rows: Int, sequences: Int, lora: LoRAConfig) {
        let d = shape.dim, kv = shape.kvDim, f = shape.ffn
        xn1 = FloatBuffer(count: rows * d)
        rstd1 = FloatBuffer(count: rows)
        q = FloatBuffer(count: rows * d)
        k = FloatBuffer(count: rows * kv)
        v = FloatBuffer(count: rows * kv)
        attn = FloatBuffer(count: rows * d)
        lse = FloatBuffer(count: rows * shape.heads)
        h1 = FloatBuffer(count: rows * d)
        xn2 = FloatBuffer(count: rows * d)
        rstd2 = FloatBuffer(count: rows)
        gate = FloatBuffer(count: rows * f)
        up = FloatBuffer(count: rows * f)
        act = FloatBuffer(count: rows * f)
        for t in lora.targets { loraT[t] = FloatBuffer(count: rows * lora.rank) }
    }

    /// Bytes held.
    var bytes: Int {
        [xn1, rstd1, q, k, v, attn, lse, h1, xn2, rstd2, gate, up, act].reduce(0) { $0 + $1.count * 4 }
            + loraT.values.reduce(0) { $0 + $1.count * 4 }
    }
}

/// Scratch gradients for one layer's backward pass (shared by all layers).
final class TrainingGradients {
    let dAct, dGate, dUp, dXn, dH1, dAttn, dq, dk, dv: FloatBuffer

    init(shape: LlamaShape, rows: Int) {
        let d = shape.dim, kv = shape.kvDim, f = shape.ffn
        dAct = FloatBuffer(count: rows * f)
        dGate = FloatBuffer(count: rows * f)
        dUp = FloatBuffer(count: rows * f)
        dXn = FloatBuffer(count: rows * d)
        dH1 = FloatBuffer(count: rows * d)
        dAttn = FloatBuffer(count: rows * d)
        dq = FloatBuffer(count: rows * d)
        dk = FloatBuffer(count: rows * kv)
        dv = FloatBuffer(count: rows * kv)
    }
}
