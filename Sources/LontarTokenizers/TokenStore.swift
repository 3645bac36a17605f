/// The byte string of every token id, packed into one buffer.
///
/// Decoding appends these bytes; the encoder's hash tables compare against
/// them instead of keeping their own copies of the keys.
final class TokenStore: @unchecked Sendable {
    /// Number of ids (`0 ..< count`).
    let count: Int
    private let bytes: UnsafeMutablePointer<UInt8>
    /// `count + 1` offsets into `bytes`.
    private let offsets: UnsafeMutablePointer<Int>
    /// Length of the longest token.
    let maxLength: Int

    convenience init(_ tokens: [[UInt8]]) {
        self.init(PackedTokens(tokens))
    }

    init(_ tokens: PackedTokens) {
        count = tokens.count
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(tokens.bytes.count, 1))
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: count + 1)
        tokens.bytes.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { bytes.update(from: s, count: src.count) }
        }
        var longest = 0
        for i in 0 ... count {
            offsets[i] = tokens.offsets[i]
            if i > 0 { longest = max(longest, offsets[i] - offsets[i - 1]) }
        }
        self.bytes = bytes
        self.offsets = offsets
        maxLength = longest
    }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
    }

    /// The bytes of `id` (which must be in range) as pointer and length.
    @inline(__always)
    func pointer(of id: Int32) -> (UnsafePointer<UInt8>, Int) {
        let start = offsets[Int(id)]
        return (UnsafePointer(bytes + start), offsets[Int(id) + 1] - start)
    }

    /// The bytes of `id` (which must be in range).
    func bytes(of id: Int32) -> [UInt8] {
        let (p, n) = pointer(of: id)
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    /// Appends the bytes of `id` (which must be in range) to `out`.
    @inline(__always)
    func append(_ id: Int32, to out: inout [UInt8]) {
        let (p, n) = pointer(of: id)
        out.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    }

    /// Whether the bytes of `id` are exactly `p[0 ..< n]`.
    @inline(__always)
    func equals(_ id: Int32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let start = offsets[Int(id)]
        guard offsets[Int(id) + 1] - start == n else { return false }
        return bytesEqual(bytes + start, p, n)
    }
}

/// Whether `a[0 ..< n]` and `b[0 ..< n]` are equal. Inlined word compares
/// instead of a `memcmp` call: keys here are a few bytes long, where the
/// call itself would cost more than the comparison. Never reads outside
/// the `n` bytes (short tails use overlapping loads).
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    if n >= 8 {
        var i = 0
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        return i == n
            || ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
    if n >= 4 {
        return ra.loadUnaligned(fromByteOffset: 0, as: UInt32.self) == rb.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
            && ra.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == rb.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }
    if n == 0 { return true }
    return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]
}
