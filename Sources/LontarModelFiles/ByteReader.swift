/// A bounds-checked little-endian cursor over a file's bytes.
///
/// Every read checks the remaining length first and throws a
/// `ModelFileError` naming the file, the byte offset and what was being
/// read, so malformed input can never read out of bounds.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let file: String
    /// The offset of the next byte to read.
    var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer, file: String, offset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes exist for `what`.
    func need(_ count: Int, for what: @autoclosure () -> String) throws {
        if count < 0 || count > remaining {
            throw ModelFileError(.truncated, file: file, offset: offset,
                                 "file ends while reading \(what()): needs \(count) bytes, only \(remaining) left (file size \(bytes.count))")
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, for: what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func u8(_ what: @autoclosure () -> String) throws -> UInt8 { try read(UInt8.self, what()) }
    mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 { try read(UInt32.self, what()) }
    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 { try read(UInt64.self, what()) }

    /// Reads a u64 count of items of at least `minItemSize` bytes each and
    /// checks that so many items can fit in the rest of the file, so a corrupt
    /// count can neither overflow nor trigger a huge allocation.
    mutating func count(_ what: @autoclosure () -> String, minItemSize: Int) throws -> Int {
        let at = offset
        let raw = try u64("\(what()) count")
        let (total, overflow) = raw.multipliedReportingOverflow(by: UInt64(max(minItemSize, 1)))
        if overflow || raw > UInt64(Int.max) || total > UInt64(remaining) {
            throw ModelFileError(.outOfBounds, file: file, offset: at,
                                 "\(what()) count \(raw) runs past the end of the file (\(remaining) bytes left, file size \(bytes.count))")
        }
        return Int(raw)
    }

    /// Skips `count` bytes that must exist.
    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        try need(count, for: what())
        offset += count
    }

    /// Reads a GGUF string (u64 byte length, then UTF-8 bytes) and returns the
    /// offset and length of its bytes, without decoding.
    mutating func stringSpan(_ what: @autoclosure () -> String) throws -> (start: Int, length: Int) {
        let at = offset
        let raw = try u64("length of \(what())")
        if raw > UInt64(remaining) {
            throw ModelFileError(.outOfBounds, file: file, offset: at,
                                 "\(what()) has length \(raw), past the end of the file (\(remaining) bytes left, file size \(bytes.count))")
        }
        let start = offset
        offset += Int(raw)
        return (start, Int(raw))
    }

    /// Reads a GGUF string and decodes it as UTF-8 (invalid sequences become U+FFFD).
    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let span = try stringSpan(what())
        return decodeString(bytes, start: span.start, length: span.length)
    }
}

/// Decodes `length` bytes at `start` as UTF-8, repairing invalid sequences.
func decodeString(_ bytes: UnsafeRawBufferPointer, start: Int, length: Int) -> String {
    if length == 0 { return "" }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< start + length]), as: UTF8.self)
}
