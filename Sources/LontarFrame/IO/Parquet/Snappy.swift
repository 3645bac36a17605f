/// A decompressor for Snappy's raw format (the block format Parquet uses;
/// not the framed stream format).
///
/// A block is the uncompressed length as a varint, then elements: a tag byte
/// whose low two bits say what follows. `00`: a literal of `(tag >> 2) + 1`
/// bytes (tag values 60–63 mean the length − 1 follows in 1–4 little-endian
/// bytes). `01`: a copy of `4 + ((tag >> 2) & 7)` bytes from an 11-bit offset
/// (the top three bits in the tag, eight more in the next byte). `10` and
/// `11`: a copy of `(tag >> 2) + 1` bytes from a 2- or 4-byte little-endian
/// offset. A copy reads from the output already written, `offset` bytes back,
/// and may overlap what it writes (offset 1 repeats a byte).
enum Snappy {
    struct Failure: Error {
        var message: String
    }

    /// The uncompressed length a block declares.
    static func uncompressedLength(_ input: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int {
        var pos = 0
        return try readLength(input, &pos)
    }

    private static func readLength(_ input: UnsafeBufferPointer<UInt8>, _ pos: inout Int) throws(Failure) -> Int {
        var result = 0
        var shift = 0
        while true {
            guard pos < input.count else { throw Failure(message: "snappy block ends inside its length") }
            let b = input[pos]
            pos += 1
            result |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            if shift > 28 { throw Failure(message: "snappy length longer than 32 bits") }
        }
        return result
    }

    /// Bytes the output buffer needs beyond the data, so short copies can move
    /// eight bytes at a time without checking where they end.
    static let slack = 16

    /// Decompresses `input`, which must decode to exactly `expectedLength` bytes.
    static func decompress(_ input: UnsafeBufferPointer<UInt8>, expectedLength: Int) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        try decompress(input, expectedLength: expectedLength, into: &out)
        out.removeLast(out.count - expectedLength)
        return out
    }

    /// Decompresses `input` into `buffer` (grown when too small; reused
    /// otherwise). Afterwards `buffer[0 ..< expectedLength]` holds the data.
    static func decompress(_ input: UnsafeBufferPointer<UInt8>, expectedLength: Int,
                           into buffer: inout [UInt8]) throws(Failure) {
        var pos = 0
        let length = try readLength(input, &pos)
        guard length == expectedLength else {
            throw Failure(message: "snappy block holds \(length) bytes, the page header says \(expectedLength)")
        }
        if buffer.count < length + slack {
            buffer = [UInt8](repeating: 0, count: length + slack)
        }
        let produced = try buffer.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<UInt8>) throws(Failure) in
            try decode(input, from: pos, into: out, length: length)
        }
        guard produced == length else {
            throw Failure(message: "snappy block decoded to \(produced) bytes, it declares \(length)")
        }
    }

    /// Decodes into `out` (at least `length + slack` bytes); returns the bytes written.
    private static func decode(_ input: UnsafeBufferPointer<UInt8>, from start: Int,
                               into out: UnsafeMutableBufferPointer<UInt8>, length cap: Int) throws(Failure) -> Int {
        guard let src = input.baseAddress, let dst = out.baseAddress else { return 0 }
        let n = input.count
        var ip = start
        var op = 0
        while ip < n {
            let tag = src[ip]
            ip += 1
            if tag & 3 == 0 {
                var len = Int(tag >> 2) + 1
                if len <= 16 && n - ip >= 16 && cap - op >= len {
                    // Short literal: two 8-byte moves (the slack absorbs the overrun).
                    let raw = UnsafeRawPointer(src + ip)
                    let to = UnsafeMutableRawPointer(dst + op)
                    to.storeBytes(of: raw.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    (to + 8).storeBytes(of: (raw + 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
                    ip += len
                    op += len
                    continue
                }
                if len > 60 {
                    let extra = len - 60
                    guard n - ip >= extra else { throw Failure(message: "snappy literal length is cut off") }
                    var v = 0
                    for k in 0 ..< extra { v |= Int(src[ip + k]) << (8 * k) }
                    ip += extra
                    len = v + 1
                }
                guard len <= n - ip else { throw Failure(message: "snappy literal runs past the input") }
                guard len <= cap - op else { throw Failure(message: "snappy literal runs past the declared length") }
                (dst + op).update(from: src + ip, count: len)
                ip += len
                op += len
                continue
            }
            var len: Int
            var offset: Int
            switch tag & 3 {
            case 1:
                guard ip < n else { throw Failure(message: "snappy copy is cut off") }
                len = 4 + Int((tag >> 2) & 7)
                offset = Int(tag >> 5) << 8 | Int(src[ip])
                ip += 1
            case 2:
                guard n - ip >= 2 else { throw Failure(message: "snappy copy is cut off") }
                len = Int(tag >> 2) + 1
                offset = Int(src[ip]) | Int(src[ip + 1]) << 8
                ip += 2
            default:
                guard n - ip >= 4 else { throw Failure(message: "snappy copy is cut off") }
                len = Int(tag >> 2) + 1
                offset = Int(src[ip]) | Int(src[ip + 1]) << 8 | Int(src[ip + 2]) << 16 | Int(src[ip + 3]) << 24
                ip += 4
            }
            guard offset > 0 && offset <= op else {
                throw Failure(message: "snappy copy offset \(offset) points before the start of the output")
            }
            guard len <= cap - op else { throw Failure(message: "snappy copy runs past the declared length") }
            if offset >= 8 {
                // Eight bytes at a time; each read lies at least eight bytes
                // behind the write, so overlapping copies still repeat correctly.
                var k = 0
                while k < len {
                    let from = UnsafeRawPointer(dst + op - offset + k)
                    UnsafeMutableRawPointer(dst + op + k).storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    k += 8
                }
            } else {
                // A short period: each byte may be one this copy just wrote.
                for k in 0 ..< len { dst[op + k] = dst[op + k - offset] }
            }
            op += len
        }
        return op
    }
}
