/// Decoders for Parquet's value encodings: PLAIN, dictionary indices,
/// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
/// BYTE_STREAM_SPLIT and RLE (booleans).
/// Each appends `count` values to a `ParquetValues` of the column's type.

/// Values of one column in Lontar's types, dense (nulls are added later from
/// the definition levels).
enum ParquetValues: Sendable {
    case ints([Int64])
    case doubles([Double])
    case bools([Bool])
    case strings(StringColumn)

    var count: Int {
        switch self {
        case .ints(let v): v.count
        case .doubles(let v): v.count
        case .bools(let v): v.count
        case .strings(let v): v.count
        }
    }
}

/// How a leaf column's physical values become Lontar values.
enum ParquetConversion: Sendable {
    case int32(unsigned: Bool)  // → Int64
    case int64
    case float                  // → Double
    case double
    case boolean
    case string                 // BYTE_ARRAY, checked to be UTF-8

    var isBoolean: Bool {
        if case .boolean = self { return true }
        return false
    }

    var physicalWidth: Int {
        switch self {
        case .int32, .float: 4
        case .int64, .double: 8
        case .boolean, .string: 0
        }
    }

    func emptyValues() -> ParquetValues {
        switch self {
        case .int32, .int64: .ints([])
        case .float, .double: .doubles([])
        case .boolean: .bools([])
        case .string: .strings(StringColumn())
        }
    }
}

struct ParquetValueDecoder {
    let conversion: ParquetConversion
    let column: String

    private func fail(_ message: String) -> ParquetDecodeError {
        ParquetDecodeError(message: message)
    }

    // MARK: PLAIN

    /// Decodes `count` PLAIN values at `start`; returns the offset after them.
    @discardableResult
    func plain(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int,
               into out: inout ParquetValues) throws(ParquetDecodeError) -> Int {
        let avail = data.count - start
        switch (conversion, out) {
        case (.boolean, .bools(var v)):
            guard (count + 7) / 8 <= avail else { throw fail("PLAIN booleans run past the page") }
            out = .bools([])
            v.reserveCapacity(v.count + count)
            for i in 0 ..< count { v.append((data[start + (i >> 3)] >> UInt8(i & 7)) & 1 == 1) }
            out = .bools(v)
            return start + (count + 7) / 8
        case (.string, .strings(var s)):
            out = .strings(StringColumn())
            var p = start
            for _ in 0 ..< count {
                guard data.count - p >= 4 else { throw fail("PLAIN byte array length runs past the page") }
                let len = Int(UInt32(littleEndian: UnsafeRawPointer(data.baseAddress! + p).loadUnaligned(as: UInt32.self)))
                p += 4
                guard len <= data.count - p else { throw fail("PLAIN byte array of \(len) bytes runs past the page") }
                try appendString(UnsafeBufferPointer(rebasing: data[p ..< p + len]), to: &s)
                p += len
            }
            out = .strings(s)
            return p
        default:
            let width = conversion.physicalWidth
            guard count <= avail / max(1, width) else { throw fail("PLAIN values run past the page") }
            appendFixed(count: count, into: &out) { i in
                UnsafeRawPointer(data.baseAddress! + start + i * width)
            }
            return start + count * width
        }
    }

    /// Appends `count` fixed-width little-endian values whose bytes `at(i)` points to.
    @inline(__always)
    private func appendFixed(count: Int, into out: inout ParquetValues, _ at: (Int) -> UnsafeRawPointer) {
        switch (conversion, out) {
        case (.int32(let unsigned), .ints(var v)):
            out = .ints([])
            v.reserveCapacity(v.count + count)
            for i in 0 ..< count {
                let raw = UInt32(littleEndian: at(i).loadUnaligned(as: UInt32.self))
                v.append(unsigned ? Int64(raw) : Int64(Int32(bitPattern: raw)))
            }
            out = .ints(v)
        case (.int64, .ints(var v)):
            out = .ints([])
            v.reserveCapacity(v.count + count)
            for i in 0 ..< count { v.append(Int64(bitPattern: UInt64(littleEndian: at(i).loadUnaligned(as: UInt64.self)))) }
            out = .ints(v)
        case (.float, .doubles(var v)):
            out = .doubles([])
            v.reserveCapacity(v.count + count)
            for i in 0 ..< count {
                v.append(Double(Float(bitPattern: UInt32(littleEndian: at(i).loadUnaligned(as: UInt32.self)))))
            }
            out = .doubles(v)
        case (.double, .doubles(var v)):
            out = .doubles([])
            v.reserveCapacity(v.count + count)
            for i in 0 ..< count { v.append(Double(bitPattern: UInt64(littleEndian: at(i).loadUnaligned(as: UInt64.self)))) }
            out = .doubles(v)
        default:
            assertionFailure("fixed-width values for \(conversion)")
        }
    }

    private func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to s: inout StringColumn) throws(ParquetDecodeError) {
        if firstInvalidUTF8(bytes) != nil {
            throw fail("value \(s.count) is not valid UTF-8 (a binary column? Lontar reads text columns only)")
        }
        s.append(bytes: bytes)
    }

    // MARK: BYTE_STREAM_SPLIT

    func byteStreamSplit(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int,
                         into out: inout ParquetValues) throws(ParquetDecodeError) {
        let width = conversion.physicalWidth
        guard width > 0 else { throw fail("BYTE_STREAM_SPLIT on a \(conversion) column") }
        // The page holds exactly the values: stream k is byte k of every value.
        let n = (data.count - start) / width
        guard count <= n else { throw fail("BYTE_STREAM_SPLIT values run past the page") }
        var scratch = [UInt8](repeating: 0, count: count * width)
        for i in 0 ..< count {
            for k in 0 ..< width { scratch[i * width + k] = data[start + k * n + i] }
        }
        scratch.withUnsafeBytes { raw in
            appendFixed(count: count, into: &out) { i in raw.baseAddress! + i * width }
        }
    }

    // MARK: DELTA_BINARY_PACKED

    /// Decodes a DELTA_BINARY_PACKED run at `start`; returns the values and the
    /// offset after them.
    static func deltaBinaryPacked(_ data: UnsafeBufferPointer<UInt8>, start: Int,
                                  maxValues: Int) throws(ParquetDecodeError) -> ([Int64], Int) {
        var pos = start
        func varint() throws(ParquetDecodeError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard pos < data.count else { throw ParquetDecodeError(message: "DELTA_BINARY_PACKED data is cut off") }
                let b = data[pos]
                pos += 1
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { throw ParquetDecodeError(message: "DELTA_BINARY_PACKED varint too long") }
            }
        }
        func zigzag() throws(ParquetDecodeError) -> Int64 {
            let v = try varint()
            return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
        }
        let blockSize = Int(clamping: try varint())
        let miniBlocks = Int(clamping: try varint())
        let total = Int(clamping: try varint())
        let first = try zigzag()
        guard blockSize > 0, blockSize % 128 == 0, miniBlocks > 0, blockSize % miniBlocks == 0,
              (blockSize / miniBlocks) % 32 == 0 else {
            throw ParquetDecodeError(message: "DELTA_BINARY_PACKED header is invalid (block \(blockSize), miniblocks \(miniBlocks))")
        }
        guard total <= maxValues else {
            throw ParquetDecodeError(message: "DELTA_BINARY_PACKED holds \(total) values, the page has \(maxValues)")
        }
        var values: [Int64] = []
        if total == 0 { return (values, pos) }
        values.reserveCapacity(total)
        values.append(first)
        var last = first
        let perMini = blockSize / miniBlocks
        while values.count < total {
            let minDelta = try zigzag()
            guard miniBlocks <= data.count - pos else { throw ParquetDecodeError(message: "DELTA_BINARY_PACKED bit widths are cut off") }
            let widthsAt = pos
            pos += miniBlocks
            for m in 0 ..< miniBlocks {
                if values.count >= total { break }
                let width = Int(data[widthsAt + m])
                guard width <= 64 else { throw ParquetDecodeError(message: "DELTA_BINARY_PACKED bit width \(width)") }
                let bytes = perMini * width / 8
                guard bytes <= data.count - pos else { throw ParquetDecodeError(message: "DELTA_BINARY_PACKED miniblock is cut off") }
                let take = min(perMini, total - values.count)
                unpackBits(data, start: pos, bitWidth: width, count: take) { _, v in
                    last = last &+ minDelta &+ Int64(bitPattern: v)
                    values.append(last)
                }
                pos += bytes
            }
        }
        return (values, pos)
    }

    func deltaBinaryPacked(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int,
                           into out: inout ParquetValues) throws(ParquetDecodeError) {
        let (values, _) = try ParquetValueDecoder.deltaBinaryPacked(data, start: start, maxValues: count)
        guard values.count >= count else { throw fail("DELTA_BINARY_PACKED holds \(values.count) values, the page needs \(count)") }
        guard case .ints(var v) = out else { throw fail("DELTA_BINARY_PACKED on a \(conversion) column") }
        out = .ints([])
        v.reserveCapacity(v.count + count)
        switch conversion {
        case .int32(let unsigned):
            for x in values.prefix(count) {
                let low = UInt32(truncatingIfNeeded: x)
                v.append(unsigned ? Int64(low) : Int64(Int32(bitPattern: low)))
            }
        default:
            v.append(contentsOf: values.prefix(count))
        }
        out = .ints(v)
    }

    // MARK: DELTA_LENGTH_BYTE_ARRAY

    func deltaLengthByteArray(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int,
                              into out: inout ParquetValues) throws(ParquetDecodeError) {
        guard case .strings(var s) = out else { throw fail("DELTA_LENGTH_BYTE_ARRAY on a \(conversion) column") }
        let (lengths, end) = try ParquetValueDecoder.deltaBinaryPacked(data, start: start, maxValues: count)
        guard lengths.count >= count else { throw fail("DELTA_LENGTH_BYTE_ARRAY holds \(lengths.count) lengths, the page needs \(count)") }
        out = .strings(StringColumn())
        var p = end
        for i in 0 ..< count {
            let len = lengths[i]
            guard len >= 0, len <= Int64(data.count - p) else { throw fail("DELTA_LENGTH_BYTE_ARRAY value runs past the page") }
            try appendString(UnsafeBufferPointer(rebasing: data[p ..< p + Int(len)]), to: &s)
            p += Int(len)
        }
        out = .strings(s)
    }

    // MARK: DELTA_BYTE_ARRAY

    /// Prefix lengths (DELTA_BINARY_PACKED), then suffixes
    /// (DELTA_LENGTH_BYTE_ARRAY): each value is the first `prefix` bytes of
    /// the value before it (within the page) followed by its suffix.
    func deltaByteArray(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int,
                        into out: inout ParquetValues) throws(ParquetDecodeError) {
        guard case .strings(var s) = out else { throw fail("DELTA_BYTE_ARRAY on a \(conversion) column") }
        let (prefixes, afterPrefixes) = try ParquetValueDecoder.deltaBinaryPacked(data, start: start, maxValues: count)
        let (lengths, afterLengths) = try ParquetValueDecoder.deltaBinaryPacked(data, start: afterPrefixes, maxValues: count)
        guard prefixes.count >= count, lengths.count >= count else {
            throw fail("DELTA_BYTE_ARRAY holds fewer values than the page needs (\(count))")
        }
        out = .strings(StringColumn())
        var previous: [UInt8] = []
        var value: [UInt8] = []
        var p = afterLengths
        for i in 0 ..< count {
            let prefix = prefixes[i], len = lengths[i]
            guard prefix >= 0, prefix <= Int64(previous.count) else { throw fail("DELTA_BYTE_ARRAY prefix longer than the previous value") }
            guard len >= 0, len <= Int64(data.count - p) else { throw fail("DELTA_BYTE_ARRAY suffix runs past the page") }
            value.removeAll(keepingCapacity: true)
            value.append(contentsOf: previous[0 ..< Int(prefix)])
            value.append(contentsOf: UnsafeBufferPointer(rebasing: data[p ..< p + Int(len)]))
            p += Int(len)
            try value.withUnsafeBufferPointer { (v: UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) in
                try appendString(v, to: &s)
            }
            swap(&previous, &value)
        }
        out = .strings(s)
    }

    // MARK: RLE booleans

    /// Booleans as a 4-byte length, then RLE / bit-packed runs of width 1.
    func rleBooleans(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int,
                     into out: inout ParquetValues) throws(ParquetDecodeError) {
        guard case .bools(var v) = out else { throw fail("RLE values on a \(conversion) column") }
        guard data.count - start >= 4 else { throw fail("RLE booleans are cut off") }
        let len = Int(UInt32(littleEndian: UnsafeRawPointer(data.baseAddress! + start).loadUnaligned(as: UInt32.self)))
        guard len <= data.count - start - 4 else { throw fail("RLE booleans run past the page") }
        out = .bools([])
        v.reserveCapacity(v.count + count)
        var decoder = RLEHybridDecoder(UnsafeBufferPointer(rebasing: data[(start + 4) ..< (start + 4 + len)]), bitWidth: 1)
        try decoder.decode(count: count) { _, bit in v.append(bit == 1) }
        out = .bools(v)
    }

    // MARK: Dictionary indices

    /// Appends `count` values looked up in `dictionary` by the RLE/bit-packed
    /// indices at `start` (the first byte is the indices' bit width).
    func dictionaryIndices(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int,
                           dictionary: ParquetValues, into out: inout ParquetValues) throws(ParquetDecodeError) {
        if count == 0 { return }
        guard start < data.count else { throw fail("dictionary indices are missing") }
        let width = Int(data[start])
        var decoder = RLEHybridDecoder(data, bitWidth: width, start: start + 1)
        let size = dictionary.count
        var bad = false
        switch (dictionary, out) {
        case (.strings(let dict), .strings(var s)):
            out = .strings(StringColumn())
            try dict.bytes.withUnsafeBufferPointer { (d: UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) in
                try decoder.decode(count: count) { _, index in
                    let i = Int(index)
                    if i >= size { bad = true; return }
                    s.append(bytes: UnsafeBufferPointer(rebasing: d[dict.offsets[i] ..< dict.offsets[i + 1]]))
                }
            }
            out = .strings(s)
        case (.ints(let dict), .ints(var v)):
            out = .ints([])
            v.reserveCapacity(v.count + count)
            try decoder.decode(count: count) { _, index in
                if Int(index) >= size { bad = true; v.append(0) } else { v.append(dict[Int(index)]) }
            }
            out = .ints(v)
        case (.doubles(let dict), .doubles(var v)):
            out = .doubles([])
            v.reserveCapacity(v.count + count)
            try decoder.decode(count: count) { _, index in
                if Int(index) >= size { bad = true; v.append(0) } else { v.append(dict[Int(index)]) }
            }
            out = .doubles(v)
        case (.bools(let dict), .bools(var v)):
            out = .bools([])
            try decoder.decode(count: count) { _, index in
                if Int(index) >= size { bad = true; v.append(false) } else { v.append(dict[Int(index)]) }
            }
            out = .bools(v)
        default:
            throw fail("dictionary of the wrong type")
        }
        if bad { throw fail("dictionary index out of range (the dictionary has \(size) values)") }
    }
}
