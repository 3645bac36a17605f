import LontarKernels

/// How the frozen matmuls multiply: exactly in float32, or with both
/// operands rounded to bfloat16 and float32 accumulation (QLoRA's bf16
/// compute dtype; about twice as fast with AVX512-BF16).
public enum ComputePrecision: String, Codable, Sendable, CaseIterable {
    case f32, bf16
}

/// A frozen weight stored as bfloat16 (half of float32's memory).
public final class BF16Linear: FrozenLinear, @unchecked Sendable {
    public let outFeatures: Int, inFeatures: Int
    public let compute: ComputePrecision
    private let weight: UnsafeMutablePointer<UInt16>

    public init(out: Int, in inF: Int, values: [Float], compute: ComputePrecision) {
        precondition(values.count == out * inF)
        outFeatures = out
        inFeatures = inF
        self.compute = compute
        weight = .allocate(capacity: max(1, values.count))
        lt_f32_to_bf16(values, weight, values.count)
    }

    deinit { weight.deallocate() }

    public var storageBytes: Int { outFeatures * inFeatures * 2 }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_train_gemm(x, rows, inFeatures, outFeatures, weight, inFeatures, lt_train_load_bf16, 1, y,
                      accumulate ? 1 : 0, compute == .bf16 ? 1 : 0)
    }

    public func backwardInput(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_train_gemm(dy, rows, outFeatures, inFeatures, weight, inFeatures, lt_train_load_bf16, 0, dx,
                      accumulate ? 1 : 0, compute == .bf16 ? 1 : 0)
    }

    public func row(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        lt_bf16_to_f32(weight + i * inFeatures, out, inFeatures)
    }

    public func dequantized() -> [Float] {
        var out = [Float](repeating: 0, count: outFeatures * inFeatures)
        lt_bf16_to_f32(weight, &out, out.count)
        return out
    }
}

/// A frozen weight in QLoRA's 4-bit NormalFloat with double-quantized block
/// scales (the engine's NF4 format, byte-identical to bitsandbytes). The
/// matmuls dequantize panels on the fly; the whole weight is never expanded.
public final class NF4Linear: FrozenLinear, @unchecked Sendable {
    public let outFeatures: Int, inFeatures: Int
    public let compute: ComputePrecision
    private let packed: UnsafeMutablePointer<UInt8>
    private let qabsmax: UnsafeMutablePointer<UInt8>
    private let absmax2: UnsafeMutablePointer<Float>
    private let tensor: UnsafeMutablePointer<lt_nf4_tensor>
    private let counts: (packed: Int, blocks: Int, dq: Int)

    public init(out: Int, in inF: Int, values: [Float], compute: ComputePrecision) throws {
        precondition(values.count == out * inF)
        guard values.allSatisfy(\.isFinite) else {
            throw TrainingError.invalidConfiguration("an NF4 weight must be finite")
        }
        outFeatures = out
        inFeatures = inF
        self.compute = compute
        let n = values.count
        counts = (lt_nf4_packed_bytes(n), lt_nf4_blocks(n), lt_nf4_dq_blocks(n))
        packed = .allocate(capacity: max(1, counts.packed))
        qabsmax = .allocate(capacity: max(1, counts.blocks))
        absmax2 = .allocate(capacity: max(1, counts.dq))
        tensor = .allocate(capacity: 1)
        tensor.initialize(to: lt_nf4_tensor(packed: packed, qabsmax: qabsmax, absmax2: absmax2, offset: 0,
                                            rows: Int64(out), cols: Int64(inF)))
        guard lt_nf4_quantize(values, tensor, packed, qabsmax, absmax2) == 0 else {
            throw TrainingError.invalidConfiguration("out of memory quantizing a weight to NF4")
        }
    }

    deinit {
        packed.deallocate()
        qabsmax.deallocate()
        absmax2.deallocate()
        tensor.deallocate()
    }

    public var storageBytes: Int { counts.packed + counts.blocks + counts.dq * 4 + 32 }

    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_train_gemm(x, rows, inFeatures, outFeatures, tensor, inFeatures, lt_train_load_nf4, 1, y,
                      accumulate ? 1 : 0, compute == .bf16 ? 1 : 0)
    }

    public func backwardInput(_ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool) {
        lt_train_gemm(dy, rows, outFeatures, inFeatures, tensor, inFeatures, lt_train_load_nf4, 0, dx,
                      accumulate ? 1 : 0, compute == .bf16 ? 1 : 0)
    }

    public func row(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        lt_nf4_dequantize_range(tensor, i * inFeatures, inFeatures, out)
    }

    public func dequantized() -> [Float] {
        var out = [Float](repeating: 0, count: outFeatures * inFeatures)
        lt_nf4_dequantize(tensor, &out)
        return out
    }
}
