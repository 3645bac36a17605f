import Foundation
@testable import LontarModel

/// A float64 Llama decoder with LoRA adapters, written from the definitions
/// (Hugging Face's LlamaForCausalLM with PEFT's LoRA), as the oracle for the
/// trainer's loss and, through finite differences, its gradients.
struct ReferenceLlama {
    let shape: LlamaShape
    let tensors: [String: [Double]]
    let lora: LoRAConfig

    init(shape: LlamaShape, tensors: [String: [Float]], lora: LoRAConfig) {
        self.shape = shape
        self.tensors = tensors.mapValues { $0.map(Double.init) }
        self.lora = lora
    }

    /// y[n, out] = x[n, in] W^T
    static func linear(_ x: [Double], _ w: [Double], n: Int, out: Int, inF: Int) -> [Double] {
        var y = [Double](repeating: 0, count: n * out)
        for i in 0..<n { for o in 0..<out {
            var s = 0.0
            for k in 0..<inF { s += x[i * inF + k] * w[o * inF + k] }
            y[i * out + o] = s
        } }
        return y
    }

    func rmsnorm(_ x: [Double], _ w: [Double], n: Int) -> [Double] {
        let d = shape.dim
        var y = x
        for i in 0..<n {
            var ss = 0.0
            for j in 0..<d { ss += x[i * d + j] * x[i * d + j] }
            let r = 1 / (ss / Double(d) + Double(shape.normEps)).squareRoot()
            for j in 0..<d { y[i * d + j] = x[i * d + j] * r * w[j] }
        }
        return y
    }

    func rope(_ x: inout [Double], heads: Int, positions: [Int32]) {
        let hd = shape.headDim, half = hd / 2
        for t in positions.indices { for h in 0..<heads { for i in 0..<half {
            let angle = Double(positions[t]) * pow(shape.ropeTheta, -Double(2 * i) / Double(hd))
            let a = (t * heads + h) * hd + (shape.ropeInterleaved ? 2 * i : i)
            let b = a + (shape.ropeInterleaved ? 1 : half)
            let xa = x[a], xb = x[b]
            x[a] = xa * cos(angle) - xb * sin(angle)
            x[b] = xa * sin(angle) + xb * cos(angle)
        } } }
    }

    /// The projection plus its adapter (no dropout), with adapter values from `params`.
    func project(_ x: [Double], layer: Int, _ t: LoRATarget, n: Int, params: [Double], adapters: LoRAAdapters) -> [Double] {
        let (out, inF) = shape.features(t)
        var y = Self.linear(x, tensors[TrainableLlama.ggufName(layer: layer, t)]!, n: n, out: out, inF: inF)
        if let s = adapters.slot(layer, t) {
            let a = Array(params[s.aOffset..<(s.aOffset + s.aCount)])
            let b = Array(params[s.bOffset..<(s.bOffset + s.bCount)])
            let mid = Self.linear(x, a, n: n, out: lora.rank, inF: inF)
            let extra = Self.linear(mid, b, n: n, out: out, inF: lora.rank)
            for i in y.indices { y[i] += Double(lora.scale) * extra[i] }
        }
        return y
    }

    /// Mean next-token cross-entropy over counted targets, as a function of the adapter parameters.
    func loss(_ batch: TrainingBatch, params: [Double], adapters: LoRAAdapters) -> Double {
        let n = batch.rows, d = shape.dim, hd = shape.headDim, T = batch.length
        let emb = tensors["token_embd.weight"]!
        var x = [Double](repeating: 0, count: n * d)
        for (i, t) in batch.tokens.enumerated() { for j in 0..<d { x[i * d + j] = emb[Int(t) * d + j] } }
        for l in 0..<shape.layers {
            let xn = rmsnorm(x, tensors["blk.\(l).attn_norm.weight"]!, n: n)
            var q = project(xn, layer: l, .q, n: n, params: params, adapters: adapters)
            var k = project(xn, layer: l, .k, n: n, params: params, adapters: adapters)
            let v = project(xn, layer: l, .v, n: n, params: params, adapters: adapters)
            rope(&q, heads: shape.heads, positions: batch.positions)
            rope(&k, heads: shape.kvHeads, positions: batch.positions)
            var attn = [Double](repeating: 0, count: n * d)
            for b in 0..<batch.sequences { for h in 0..<shape.heads {
                let kh = h / (shape.heads / shape.kvHeads)
                for i in 0..<T {
                    let qi = (b * T + i) * d + h * hd
                    var scores: [Double] = [], keys: [Int] = []
                    for j in 0...i {
                        if let seg = batch.segments, seg[b * T + j] != seg[b * T + i] { continue }
                        let kj = (b * T + j) * shape.kvDim + kh * hd
                        var s = 0.0
                        for e in 0..<hd { s += q[qi + e] * k[kj + e] }
                        scores.append(s / Double(hd).squareRoot())
                        keys.append(j)
                    }
                    let mx = scores.max()!
                    let ex = scores.map { exp($0 - mx) }
                    let sum = ex.reduce(0, +)
                    for (p, j) in zip(ex, keys) {
                        let vj = (b * T + j) * shape.kvDim + kh * hd
                        for e in 0..<hd { attn[qi + e] += p / sum * v[vj + e] }
                    }
                }
            } }
            let o = project(attn, layer: l, .o, n: n, params: params, adapters: adapters)
            for i in x.indices { x[i] += o[i] }
            let xn2 = rmsnorm(x, tensors["blk.\(l).ffn_norm.weight"]!, n: n)
            let g = project(xn2, layer: l, .gate, n: n, params: params, adapters: adapters)
            let u = project(xn2, layer: l, .up, n: n, params: params, adapters: adapters)
            let act = zip(g, u).map { g, u in g / (1 + exp(-g)) * u }
            let down = project(act, layer: l, .down, n: n, params: params, adapters: adapters)
            for i in x.indices { x[i] += down[i] }
        }
        let hf = rmsnorm(x, tensors["output_norm.weight"]!, n: n)
        let head = tensors["output.weight"] ?? emb
        let logits = Self.linear(hf, head, n: n, out: shape.vocab, inF: d)
        var total = 0.0, counted = 0
        for i in 0..<n where batch.targets[i] >= 0 {
            let row = logits[(i * shape.vocab)..<((i + 1) * shape.vocab)]
            let mx = row.max()!
            total += mx + log(row.reduce(0) { $0 + exp($1 - mx) }) - row[i * shape.vocab + Int(batch.targets[i])]
            counted += 1
        }
        return total / Double(counted)
    }
}
