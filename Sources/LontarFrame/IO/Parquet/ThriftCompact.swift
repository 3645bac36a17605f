/// A decoder for the Thrift Compact Protocol, the encoding of Parquet's
/// metadata (file footer and page headers). Only decoding; every read is
/// bounds-checked, so a corrupt footer is an error, never a crash.
///
/// Encoding summary: a struct is a sequence of field headers (a byte whose
/// high nibble is the field-id delta, or 0 followed by a zigzag varint id, and
/// whose low nibble is the type; 0 ends the struct) each followed by its
/// value. Integers are zigzag varints, binary is a varint length and bytes,
/// booleans in fields live in the type nibble (1 true, 2 false), lists have a
/// size-and-type byte (size 15 means a varint size follows).

struct ThriftError: Error {
    var message: String
}

enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6
    case double = 7, binary = 8, list = 9, set = 10, map = 11, structure = 12
}

struct ThriftReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    private(set) var pos: Int
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []

    init(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int = 0) {
        base = buffer.baseAddress ?? jsonEmptyLine
        end = buffer.count
        pos = start
    }

    mutating func readByte() throws(ThriftError) -> UInt8 {
        guard pos < end else { throw ThriftError(message: "metadata ends in the middle of a value") }
        pos += 1
        return base[pos - 1]
    }

    mutating func readVarint() throws(ThriftError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ThriftError(message: "varint longer than 10 bytes") }
        }
    }

    mutating func readI64() throws(ThriftError) -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))  // zigzag
    }

    mutating func readI32() throws(ThriftError) -> Int32 {
        let v = try readI64()
        guard let r = Int32(exactly: v) else { throw ThriftError(message: "i32 value \(v) out of range") }
        return r
    }

    /// A binary value's bytes, as a range of the buffer.
    mutating func readBinary() throws(ThriftError) -> Range<Int> {
        let n = try readVarint()
        guard n <= UInt64(end - pos) else { throw ThriftError(message: "binary value of \(n) bytes runs past the metadata") }
        let r = pos ..< pos + Int(n)
        pos += Int(n)
        return r
    }

    mutating func readString() throws(ThriftError) -> String {
        let r = try readBinary()
        return String(decoding: UnsafeBufferPointer(start: base + r.lowerBound, count: r.count), as: UTF8.self)
    }

    /// The next field of the current struct, or nil at its end.
    mutating func nextField() throws(ThriftError) -> (id: Int16, type: ThriftType)? {
        let header = try readByte()
        guard let type = ThriftType(rawValue: header & 0x0F) else {
            throw ThriftError(message: "unknown field type \(header & 0x0F)")
        }
        if type == .stop { return nil }
        let delta = Int16(header >> 4)
        if delta != 0 {
            lastFieldId &+= delta
        } else {
            let id = try readI64()
            guard let id16 = Int16(exactly: id) else { throw ThriftError(message: "field id \(id) out of range") }
            lastFieldId = id16
        }
        return (lastFieldId, type)
    }

    /// Call before reading a nested struct's fields, and `endStruct` after.
    mutating func beginStruct() throws(ThriftError) {
        if fieldIdStack.count > 64 { throw ThriftError(message: "structs nested too deeply") }
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    mutating func endStruct() {
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// A list's element count and type.
    mutating func readListHeader() throws(ThriftError) -> (count: Int, type: ThriftType) {
        let b = try readByte()
        guard let type = ThriftType(rawValue: b & 0x0F) else { throw ThriftError(message: "unknown list element type") }
        var n = UInt64(b >> 4)
        if n == 15 { n = try readVarint() }
        guard n <= UInt64(end - pos) else { throw ThriftError(message: "list of \(n) elements runs past the metadata") }
        return (Int(n), type)
    }

    /// A boolean field's value (kept in its type nibble).
    func bool(_ type: ThriftType) -> Bool { type == .boolTrue }

    mutating func readDouble() throws(ThriftError) -> Double {
        guard end - pos >= 8 else { throw ThriftError(message: "metadata ends in the middle of a double") }
        let bits = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self)
        pos += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// Skips a value of `type` (fields Lontar does not need).
    mutating func skip(_ type: ThriftType, depth: Int = 0) throws(ThriftError) {
        if depth > 64 { throw ThriftError(message: "values nested too deeply") }
        switch type {
        case .stop, .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: _ = try readDouble()
        case .binary: _ = try readBinary()
        case .list, .set:
            let (n, t) = try readListHeader()
            for _ in 0 ..< n {
                if t == .boolTrue || t == .boolFalse { _ = try readByte() } else { try skip(t, depth: depth + 1) }
            }
        case .map:
            let n = try readVarint()
            if n == 0 { return }
            guard n <= UInt64(end - pos) else { throw ThriftError(message: "map runs past the metadata") }
            let types = try readByte()
            guard let k = ThriftType(rawValue: types >> 4), let v = ThriftType(rawValue: types & 0x0F) else {
                throw ThriftError(message: "unknown map types")
            }
            for _ in 0 ..< n {
                if k == .boolTrue || k == .boolFalse { _ = try readByte() } else { try skip(k, depth: depth + 1) }
                if v == .boolTrue || v == .boolFalse { _ = try readByte() } else { try skip(v, depth: depth + 1) }
            }
        case .structure:
            try beginStruct()
            while let f = try nextField() { try skip(f.type, depth: depth + 1) }
            endStruct()
        }
    }

    /// Reads a struct: `body` is called for each field and must read or skip
    /// its value.
    mutating func readStruct(_ body: (inout ThriftReader, Int16, ThriftType) throws(ThriftError) -> Void) throws(ThriftError) {
        try beginStruct()
        while let f = try nextField() { try body(&self, f.id, f.type) }
        endStruct()
    }

    /// Reads a list field whose elements are read by `element`.
    mutating func readList<T>(_ element: (inout ThriftReader, ThriftType) throws(ThriftError) -> T) throws(ThriftError) -> [T] {
        let (n, t) = try readListHeader()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0 ..< n { out.append(try element(&self, t)) }
        return out
    }
}
