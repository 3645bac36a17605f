import LontarKernels

/// A fixed-size array of floats on the heap at a stable address, which the
/// C kernels read and write through its pointer. Activations, weights and
/// caches all live in these.
public final class FloatBuffer: @unchecked Sendable {
    // @unchecked: the storage is only mutated through kernels called by the
    // owner; sharing across threads is the owner's responsibility.

    /// Number of floats.
    public let count: Int
    /// The storage (64-byte aligned).
    public let pointer: UnsafeMutablePointer<Float>

    /// A buffer of `count` floats, zero-filled.
    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
        pointer = raw.assumingMemoryBound(to: Float.self)
    }

    /// A buffer holding a copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// The values as an array (a copy).
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Sets every element to zero (gradient accumulators between steps).
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// Pointer to element `offset`.
    public func at(_ offset: Int) -> UnsafeMutablePointer<Float> { pointer + offset }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    /// A copy of elements [start, start + length).
    public func slice(_ start: Int, _ length: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: pointer + start, count: length))
    }

}
