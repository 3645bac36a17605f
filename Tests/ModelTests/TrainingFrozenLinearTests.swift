import Testing
@testable import LontarModel

/// The frozen-weight formats multiply exactly what their dequantized
/// weights give (float32 compute) and close to it (bf16 compute).
@Suite struct TrainingFrozenLinearTests {
    @Test(arguments: [(70, 128), (33, 100), (5, 64)])
    func formatsMatchTheirDequantizedWeights(out: Int, inF: Int) throws {
        var rng = TrainingRNG(seed: UInt64(out * inF))
        let values = (0..<(out * inF)).map { _ in Float(rng.unit() - 0.5) }
        let rows = 13
        let x = (0..<(rows * inF)).map { _ in Float(rng.unit() - 0.5) }
        let dy = (0..<(rows * out)).map { _ in Float(rng.unit() - 0.5) }
        let layers: [any FrozenLinear] = [
            try NF4Linear(out: out, in: inF, values: values, compute: .f32),
            BF16Linear(out: out, in: inF, values: values, compute: .f32),
        ]
        for layer in layers {
            let dense = DenseLinear(out: out, in: inF, weight: FloatBuffer(layer.dequantized()))
            var y1 = [Float](repeating: 0, count: rows * out), y2 = y1
            layer.forward(x, &y1, rows: rows, accumulate: false)
            dense.forward(x, &y2, rows: rows, accumulate: false)
            #expect(y1 == y2, "\(type(of: layer)) forward \(out)x\(inF)")
            var d1 = [Float](repeating: 0, count: rows * inF), d2 = d1
            layer.backwardInput(dy, &d1, rows: rows, accumulate: false)
            dense.backwardInput(dy, &d2, rows: rows, accumulate: false)
            #expect(d1 == d2, "\(type(of: layer)) backward \(out)x\(inF)")
            var row = [Float](repeating: 0, count: inF)
            layer.row(out - 1, into: &row)
            #expect(row == Array(layer.dequantized()[((out - 1) * inF)...]))
        }
        // NF4 storage with bf16 compute stays within bf16 rounding of the f32 result.
        let nf4 = try NF4Linear(out: out, in: inF, values: values, compute: .bf16)
        let dense = DenseLinear(out: out, in: inF, weight: FloatBuffer(nf4.dequantized()))
        var y1 = [Float](repeating: 0, count: rows * out), y2 = y1
        nf4.forward(x, &y1, rows: rows, accumulate: false)
        dense.forward(x, &y2, rows: rows, accumulate: false)
        let worst = zip(y1, y2).map { abs($0 - $1) }.max()!
        #expect(worst < 0.02 * Float(inF).squareRoot() / 8, "bf16 compute error \(worst)")
        // The NF4 error itself: 4 bits, about 10% of a weight's magnitude.
        let err = zip(values, nf4.dequantized()).map { Double(abs($0 - $1)) }.reduce(0, +) / Double(values.count)
        #expect(err > 0.005 && err < 0.05, "NF4 mean absolute error \(err) for weights in [-0.5, 0.5]")
    }
}
