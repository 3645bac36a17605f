import LontarKernels

/// A frozen base-model projection y = x W^T with W: [outFeatures, inFeatures]
/// (torch.nn.Linear's layout). Training never updates it; it only needs the
/// forward product and the input gradient dX = dY W.
public protocol FrozenLinear: AnyObject, Sendable {
    var outFeatures: Int { get }
    var inFeatures: Int { get }
    /// Bytes the weight occupies in memory.
    var storageBytes: Int { get }
    /// y[rows, out] (+)= x[rows, in] W^T
    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool)
    /// dx[rows, in] (+)= dy[rows, out] W
    func backwardInput(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool)
    /// Row i of W as float32 (an embedding lookup), into out[inFeatures].
    func row(_ i: Int, into out: UnsafeMutablePointer<Float>)
    /// The weight as float32 [out * in] (for merging and export).
    func dequantized() -> [Float]
}

/// A float32 weight.
public final class DenseLinear: FrozenLinear, @unchecked Sendable {
    public let outFeatures: Int, inFeatures: Int
    public let weight: FloatBuffer

    public init(out: Int, in inF: Int, weight: FloatBuffer) {
        precondition(weight.count == out * inF, "weight size \(weight.count) is not \(out) x \(inF)")
        outFeatures = out
        inFeatures = inF
        self.weight = weight
    }

    public var storageBytes: Int { weight.count * 4 }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_matmul_f32(x, weight.pointer, y, rows, outFeatures, inFeatures, accumulate ? 1 : 0)
    }

    public func backwardInput(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_matmul_nn_f32(dy, weight.pointer, dx, rows, outFeatures, inFeatures, accumulate ? 1 : 0)
    }

    public func row(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(from: weight.pointer + i * inFeatures, count: inFeatures)
    }

    public func dequantized() -> [Float] { weight.array }
}

/// A float32 weight multiplied in bf16 (rounded panels, float32 accumulation).
public final class BF16ComputeDenseLinear: FrozenLinear, @unchecked Sendable {
    public let outFeatures: Int, inFeatures: Int
    public let weight: FloatBuffer

    public init(out: Int, in inF: Int, weight: FloatBuffer) {
        precondition(weight.count == out * inF, "weight size \(weight.count) is not \(out) x \(inF)")
        outFeatures = out
        inFeatures = inF
        self.weight = weight
    }

    public var storageBytes: Int { weight.count * 4 }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_train_gemm(x, rows, inFeatures, outFeatures, weight.pointer, inFeatures, lt_train_load_f32, 1, y,
                      accumulate ? 1 : 0, 1)
    }

    public func backwardInput(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_train_gemm(dy, rows, outFeatures, inFeatures, weight.pointer, inFeatures, lt_train_load_f32, 0, dx,
                      accumulate ? 1 : 0, 1)
    }

    public func row(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(from: weight.pointer + i * inFeatures, count: inFeatures)
    }

    public func dequantized() -> [Float] { weight.array }
}
