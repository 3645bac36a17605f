/// Where the encoder puts the ids it produces. The encoder is generic over
/// its sink so that counting tokens (the dataframe layer's common case)
/// costs no array appends at all.
protocol TokenSink {
    mutating func append(_ id: Int32)
}

/// Counts ids without storing them.
struct CountingSink: TokenSink {
    var count = 0

    @inline(__always)
    mutating func append(_ id: Int32) { count += 1 }
}

/// Collects ids in an array.
struct ArraySink: TokenSink {
    var ids: [Int32] = []

    @inline(__always)
    mutating func append(_ id: Int32) { ids.append(id) }
}
