/// Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary
/// indices, RLE booleans), and the little-endian bit unpacking it shares with
/// DELTA_BINARY_PACKED.
///
/// A run starts with a varint header. An even header is an RLE run: the value
/// (in `ceil(bitWidth / 8)` little-endian bytes) repeated `header >> 1`
/// times. An odd header is a bit-packed run of `(header >> 1) * 8` values,
/// `bitWidth` bits each, packed from the least significant bit of each byte.

struct ParquetDecodeError: Error {
    var message: String
}

/// Reads `bitWidth`-bit values packed LSB-first starting at byte `start`.
@inline(__always)
func unpackBits(_ data: UnsafeBufferPointer<UInt8>, start: Int, bitWidth: Int, count: Int,
                _ body: (Int, UInt64) -> Void) {
    if bitWidth == 0 {
        for i in 0 ..< count { body(i, 0) }
        return
    }
    let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
    var bitPos = start * 8
    for i in 0 ..< count {
        var byte = bitPos >> 3
        var shift = bitPos & 7
        var value: UInt64 = 0
        var got = 0
        while got < bitWidth {
            let bits = UInt64(data[byte]) >> UInt64(shift)
            value |= bits << UInt64(got)
            got += 8 - shift
            shift = 0
            byte += 1
        }
        body(i, value & mask)
        bitPos += bitWidth
    }
}

struct RLEHybridDecoder {
    let data: UnsafeBufferPointer<UInt8>
    let bitWidth: Int
    var pos: Int

    init(_ data: UnsafeBufferPointer<UInt8>, bitWidth: Int, start: Int = 0) {
        self.data = data
        self.bitWidth = bitWidth
        pos = start
    }

    private mutating func varint() throws(ParquetDecodeError) -> Int {
        var result = 0
        var shift = 0
        while true {
            guard pos < data.count else { throw ParquetDecodeError(message: "RLE data ends inside a run header") }
            let b = data[pos]
            pos += 1
            result |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 56 { throw ParquetDecodeError(message: "RLE run header too long") }
        }
    }

    /// Decodes `count` values, passing each with its index to `body`.
    mutating func decode(count: Int, _ body: (Int, UInt32) -> Void) throws(ParquetDecodeError) {
        guard bitWidth >= 0 && bitWidth <= 32 else {
            throw ParquetDecodeError(message: "RLE bit width \(bitWidth) is more than 32")
        }
        var i = 0
        let valueBytes = (bitWidth + 7) / 8
        while i < count {
            let header = try varint()
            if header & 1 == 0 {
                let run = header >> 1
                guard valueBytes <= data.count - pos else { throw ParquetDecodeError(message: "RLE run value is cut off") }
                var v: UInt32 = 0
                for k in 0 ..< valueBytes { v |= UInt32(data[pos + k]) << (8 * UInt32(k)) }
                pos += valueBytes
                if run == 0 { throw ParquetDecodeError(message: "RLE run of length 0") }
                let take = min(run, count - i)
                for k in 0 ..< take { body(i + k, v) }
                i += take
            } else {
                let groups = header >> 1
                let bytes = groups * bitWidth
                guard groups > 0, bytes <= data.count - pos else {
                    throw ParquetDecodeError(message: "bit-packed run is cut off")
                }
                let take = min(groups * 8, count - i)
                let base = i
                unpackBits(data, start: pos, bitWidth: bitWidth, count: take) { k, v in body(base + k, UInt32(truncatingIfNeeded: v)) }
                pos += bytes
                i += take
            }
        }
    }
}
