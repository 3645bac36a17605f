import LontarKernels

/// How a linear layer's weight is stored.
public enum WeightFormat: String, Sendable, CaseIterable {
    /// float32, exact.
    case f32
    /// bfloat16 (half the bytes; products of bf16 values accumulated in f32).
    case bf16
    /// NF4 with double quantization (QLoRA's frozen base weights).
    case nf4
    /// 8-bit integers in blocks of 64 with a float scale each (about 8.5
    /// bits; for output heads, like llama.cpp's Q8_0).
    case q8
}

/// A weight matrix as 8-bit integers with one float scale per 64 values of a row.
public final class Q8Matrix: @unchecked Sendable {
    // @unchecked: immutable after init.
    public let rows: Int, cols: Int
    let q: UnsafeMutablePointer<Int8>
    let scales: UnsafeMutablePointer<Float>
    var blocksPerRow: Int { (cols + Int(LT_Q8_BLOCK) - 1) / Int(LT_Q8_BLOCK) }

    public init(quantizing values: UnsafePointer<Float>, rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        q = .allocate(capacity: max(1, rows * cols))
        scales = .allocate(capacity: max(1, rows * ((cols + Int(LT_Q8_BLOCK) - 1) / Int(LT_Q8_BLOCK))))
        lt_q8_quantize(values, rows, cols, q, scales)
    }

    deinit {
        q.deallocate()
        scales.deallocate()
    }

    var tensor: lt_q8_tensor { lt_q8_tensor(q: q, scales: scales, rows: Int64(rows), cols: Int64(cols)) }
    public var byteCount: Int { rows * cols + 4 * rows * blocksPerRow }

    public func dequantized() -> FloatBuffer {
        let out = FloatBuffer(count: rows * cols)
        withUnsafePointer(to: tensor) { lt_q8_dequantize($0, out.pointer) }
        return out
    }
}

/// A linear layer's weight W[out, in] (torch.nn.Linear layout), in any
/// storage format, with the products a forward and backward pass need.
public final class LinearWeight: @unchecked Sendable {
    // @unchecked: immutable after init.

    enum Storage {
        case f32(FloatBuffer)
        case bf16(UnsafeMutablePointer<UInt16>)
        case nf4(NF4Matrix)
        case q8(Q8Matrix)
    }

    public let outFeatures: Int
    public let inFeatures: Int
    let storage: Storage

    /// Converts a float32 matrix [out, in] (row-major) to `format` (an f32
    /// weight keeps `values` itself).
    public convenience init(_ values: FloatBuffer, out: Int, in inFeatures: Int, format: WeightFormat) {
        precondition(values.count == out * inFeatures, "LinearWeight: \(values.count) values for [\(out), \(inFeatures)]")
        if format == .f32 {
            self.init(storage: .f32(values), out: out, in: inFeatures)
        } else {
            self.init(converting: values.pointer, out: out, in: inFeatures, format: format)
        }
    }

    /// Converts the float32 matrix [out, in] at `values`, which it does not
    /// keep, to `format` (so a loader can reuse one buffer for every tensor).
    public convenience init(converting values: UnsafePointer<Float>, out: Int, in inFeatures: Int, format: WeightFormat) {
        let count = out * inFeatures
        switch format {
        case .f32:
            let copy = FloatBuffer(count: count)
            copy.pointer.update(from: values, count: count)
            self.init(storage: .f32(copy), out: out, in: inFeatures)
        case .bf16:
            let p = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, count))
            lt_f32_to_bf16(values, p, count)
            self.init(storage: .bf16(p), out: out, in: inFeatures)
        case .nf4:
            self.init(storage: .nf4(NF4Matrix(quantizing: values, rows: out, cols: inFeatures)), out: out, in: inFeatures)
        case .q8:
            self.init(storage: .q8(Q8Matrix(quantizing: values, rows: out, cols: inFeatures)), out: out, in: inFeatures)
        }
    }

    private init(storage: Storage, out: Int, in inFeatures: Int) {
        outFeatures = out
        self.inFeatures = inFeatures
        self.storage = storage
    }

    deinit {
        if case .bf16(let p) = storage { p.deallocate() }
    }

    public var format: WeightFormat {
        switch storage {
        case .f32: .f32
        case .bf16: .bf16
        case .nf4: .nf4
        case .q8: .q8
        }
    }

    /// Bytes of weight storage.
    public var byteCount: Int {
        switch storage {
        case .f32: outFeatures * inFeatures * 4
        case .bf16: outFeatures * inFeatures * 2
        case .nf4(let m): m.byteCount
        case .q8(let m): m.byteCount
        }
    }

    /// y[rows, out] (+)= x[rows, in] * W^T. `bf16Compute` lets NF4 weights
    /// multiply in bf16 on the matrix-matrix path (QLoRA's compute dtype).
    public func forward(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
                        accumulate: Bool = false, bf16Compute: Bool = false) {
        let acc: Int32 = accumulate ? 1 : 0
        switch storage {
        case .f32(let w): lt_matmul_f32(x, w.pointer, y, rows, outFeatures, inFeatures, acc)
        case .bf16(let w): lt_matmul_bf16(x, w, y, rows, outFeatures, inFeatures, acc)
        case .nf4(let m): withUnsafePointer(to: m.tensor) { lt_matmul_nf4(x, $0, y, rows, bf16Compute ? 1 : 0, acc) }
        case .q8(let m): withUnsafePointer(to: m.tensor) { lt_matmul_q8(x, $0, y, rows, bf16Compute ? 1 : 0, acc) }
        }
    }

    /// dx[rows, in] (+)= dy[rows, out] * W: the gradient through the layer
    /// with respect to its input.
    public func backwardInput(_ dy: UnsafePointer<Float>, rows: Int, into dx: UnsafeMutablePointer<Float>,
                              accumulate: Bool = false) {
        let acc: Int32 = accumulate ? 1 : 0
        switch storage {
        case .f32(let w): lt_matmul_nn_f32(dy, w.pointer, dx, rows, outFeatures, inFeatures, acc)
        case .nf4(let m): withUnsafePointer(to: m.tensor) { lt_matmul_nn_nf4(dy, $0, dx, rows, acc) }
        case .bf16, .q8:
            let w = dequantized()
            lt_matmul_nn_f32(dy, w.pointer, dx, rows, outFeatures, inFeatures, acc)
        }
    }

    /// The weight as float32 [out, in].
    public func dequantized() -> FloatBuffer {
        switch storage {
        case .f32(let w): return w
        case .bf16(let p):
            let out = FloatBuffer(count: outFeatures * inFeatures)
            lt_bf16_to_f32(p, out.pointer, out.count)
            return out
        case .nf4(let m): return m.dequantized()
        case .q8(let m): return m.dequantized()
        }
    }

    /// The NF4 storage, when the weight is NF4.
    public var nf4: NF4Matrix? {
        if case .nf4(let m) = storage { return m }
        return nil
    }
}
