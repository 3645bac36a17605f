/// What the trainer needs of `FloatBuffer` beyond the engine's interface.
extension FloatBuffer {
    /// Sets every value to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// Pointer to element `offset`.
    public func at(_ offset: Int) -> UnsafeMutablePointer<Float> { pointer + offset }
}
