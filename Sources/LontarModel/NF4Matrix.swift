import LontarKernels

/// A weight matrix stored as NF4 with double-quantized absmax, exactly as
/// bitsandbytes stores a QLoRA base weight (about 4.127 bits per weight).
public final class NF4Matrix: @unchecked Sendable {
    // @unchecked: immutable after init.

    public let rows: Int
    public let cols: Int
    /// The C view of the storage (pointers into this object's buffers).
    public private(set) var tensor: lt_nf4_tensor
    private let packed: UnsafeMutablePointer<UInt8>
    private let qabsmax: UnsafeMutablePointer<UInt8>
    private let absmax2: UnsafeMutablePointer<Float>

    /// Quantizes `values` (rows*cols finite floats, row-major).
    public init(quantizing values: UnsafePointer<Float>, rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        let n = rows * cols
        packed = .allocate(capacity: max(1, lt_nf4_packed_bytes(n)))
        qabsmax = .allocate(capacity: max(1, lt_nf4_blocks(n)))
        absmax2 = .allocate(capacity: max(1, lt_nf4_dq_blocks(n)))
        var t = lt_nf4_tensor()
        t.rows = Int64(rows)
        t.cols = Int64(cols)
        _ = lt_nf4_quantize(values, &t, packed, qabsmax, absmax2)
        tensor = t
    }

    deinit {
        packed.deallocate()
        qabsmax.deallocate()
        absmax2.deallocate()
    }

    /// Storage in bytes (codes, absmax bytes, nested absmax, offset).
    public var byteCount: Int {
        let n = rows * cols
        return lt_nf4_packed_bytes(n) + lt_nf4_blocks(n) + 4 * lt_nf4_dq_blocks(n) + 4
    }

    /// The packed 4-bit codes (bitsandbytes' layout), the absmax bytes, the
    /// nested absmax values and the offset, for serialization.
    public var packedCodes: [UInt8] { Array(UnsafeBufferPointer(start: packed, count: lt_nf4_packed_bytes(rows * cols))) }
    public var quantizedAbsmax: [UInt8] { Array(UnsafeBufferPointer(start: qabsmax, count: lt_nf4_blocks(rows * cols))) }
    public var nestedAbsmax: [Float] { Array(UnsafeBufferPointer(start: absmax2, count: lt_nf4_dq_blocks(rows * cols))) }
    public var offset: Float { tensor.offset }

    /// The dequantized matrix (bitsandbytes' values).
    public func dequantized() -> FloatBuffer {
        let out = FloatBuffer(count: rows * cols)
        withUnsafePointer(to: tensor) { lt_nf4_dequantize($0, out.pointer) }
        return out
    }
}
