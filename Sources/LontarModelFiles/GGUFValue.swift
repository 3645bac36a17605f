/// The type tag of a GGUF metadata value (`enum gguf_type`).
public enum GGUFValueType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5
    case float32 = 6, bool = 7, string = 8, array = 9
    case uint64 = 10, int64 = 11, float64 = 12

    /// Size in bytes of one value of a fixed-size type; nil for string and array.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// Fewest bytes one value can occupy in a file (an empty string is its
    /// 8-byte length, an empty array its 4-byte type and 8-byte count).
    var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    public var description: String {
        switch self {
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .uint32: "uint32"
        case .int32: "int32"
        case .float32: "float32"
        case .bool: "bool"
        case .string: "string"
        case .array: "array"
        case .uint64: "uint64"
        case .int64: "int64"
        case .float64: "float64"
        }
    }
}

/// One GGUF metadata value.
public enum GGUFValue: Sendable, CustomStringConvertible {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case array(GGUFArray)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// The type as a user reads it, e.g. "uint32" or "array of string".
    public var typeName: String {
        if case .array(let a) = self { return "array of \(a.elementType)" }
        return type.description
    }

    /// The value of any integer type converted to `T`, or nil when the value
    /// is not an integer or does not fit in `T`.
    public func integer<T: FixedWidthInteger>(as _: T.Type = T.self) -> T? {
        switch self {
        case .uint8(let v): T(exactly: v)
        case .int8(let v): T(exactly: v)
        case .uint16(let v): T(exactly: v)
        case .int16(let v): T(exactly: v)
        case .uint32(let v): T(exactly: v)
        case .int32(let v): T(exactly: v)
        case .uint64(let v): T(exactly: v)
        case .int64(let v): T(exactly: v)
        default: nil
        }
    }

    /// The value as a Double when it is a float or an integer.
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .uint8(let v): Double(v)
        case .int8(let v): Double(v)
        case .uint16(let v): Double(v)
        case .int16(let v): Double(v)
        case .uint32(let v): Double(v)
        case .int32(let v): Double(v)
        case .uint64(let v): Double(v)
        case .int64(let v): Double(v)
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let v): v.debugDescription
        case .array(let a): a.description
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float64(let v): "\(v)"
        }
    }
}

/// A GGUF metadata array. Elements are read from the mapped file on demand,
/// so a 128k-entry vocabulary costs only an offset table until used; the
/// array keeps the file's bytes alive.
public struct GGUFArray: Sendable, RandomAccessCollection, CustomStringConvertible {
    /// The type of every element.
    public let elementType: GGUFValueType
    let region: ByteRegion
    /// Offset of the first element (fixed-size elements follow contiguously).
    let start: Int
    /// Offsets of each string's length field (string arrays only).
    let stringOffsets: [Int]
    /// Nested arrays, parsed eagerly (arrays of arrays only; rare).
    let nested: [GGUFArray]
    private let length: Int

    init(elementType: GGUFValueType, count: Int, region: ByteRegion, start: Int,
         stringOffsets: [Int] = [], nested: [GGUFArray] = []) {
        self.elementType = elementType
        self.length = count
        self.region = region
        self.start = start
        self.stringOffsets = stringOffsets
        self.nested = nested
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { length }

    public subscript(index: Int) -> GGUFValue {
        precondition(index >= 0 && index < length, "GGUFArray index \(index) out of range 0..<\(length)")
        let bytes = region.bytes
        switch elementType {
        case .string:
            return .string(string(at: index))
        case .array:
            return .array(nested[index])
        case .bool:
            return .bool(bytes[start + index] != 0)
        case .uint8: return .uint8(load(index))
        case .int8: return .int8(load(index))
        case .uint16: return .uint16(load(index))
        case .int16: return .int16(load(index))
        case .uint32: return .uint32(load(index))
        case .int32: return .int32(load(index))
        case .uint64: return .uint64(load(index))
        case .int64: return .int64(load(index))
        case .float32: return .float32(Float(bitPattern: load(index) as UInt32))
        case .float64: return .float64(Double(bitPattern: load(index) as UInt64))
        }
    }

    private func load<T: FixedWidthInteger>(_ index: Int) -> T {
        T(littleEndian: region.bytes.loadUnaligned(fromByteOffset: start + index * MemoryLayout<T>.size, as: T.self))
    }

    /// The raw UTF-8 bytes of string element `index` (valid while the array
    /// or its file lives). Tokenizers that need byte-exact tokens use this.
    public func stringBytes(at index: Int) -> UnsafeRawBufferPointer {
        precondition(elementType == .string && index >= 0 && index < length)
        let at = stringOffsets[index]
        let n = Int(UInt64(littleEndian: region.bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        return UnsafeRawBufferPointer(rebasing: region.bytes[at + 8 ..< at + 8 + n])
    }

    /// String element `index`, decoded as UTF-8 (invalid bytes become U+FFFD).
    public func string(at index: Int) -> String {
        precondition(elementType == .string && index >= 0 && index < length)
        let at = stringOffsets[index]
        let n = Int(UInt64(littleEndian: region.bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        return decodeString(region.bytes, start: at + 8, length: n)
    }

    /// All elements as strings, or nil when this is not a string array.
    public func strings() -> [String]? {
        guard elementType == .string else { return nil }
        return (0 ..< length).map { string(at: $0) }
    }

    /// All elements converted to the integer type `T`, or nil when the
    /// elements are not integers or one does not fit in `T`.
    public func integers<T: FixedWidthInteger>(as _: T.Type = T.self) -> [T]? {
        switch elementType {
        case .uint8: return convert(UInt8.self)
        case .int8: return convert(Int8.self)
        case .uint16: return convert(UInt16.self)
        case .int16: return convert(Int16.self)
        case .uint32: return convert(UInt32.self)
        case .int32: return convert(Int32.self)
        case .uint64: return convert(UInt64.self)
        case .int64: return convert(Int64.self)
        default: return nil
        }
    }

    private func convert<S: FixedWidthInteger, T: FixedWidthInteger>(_: S.Type) -> [T]? {
        var out = [T]()
        out.reserveCapacity(length)
        for i in 0 ..< length {
            guard let v = T(exactly: load(i) as S) else { return nil }
            out.append(v)
        }
        return out
    }

    /// All elements as Float (float32/float64 arrays, or integer arrays), or nil.
    public func floats() -> [Float]? {
        switch elementType {
        case .float32: return (0 ..< length).map { Float(bitPattern: load($0) as UInt32) }
        case .float64: return (0 ..< length).map { Float(Double(bitPattern: load($0) as UInt64)) }
        case .string, .array, .bool: return nil
        default: return (0 ..< length).compactMap { self[$0].double.map(Float.init) }
        }
    }

    /// All elements as Double, or nil for string, bool and nested arrays.
    public func doubles() -> [Double]? {
        switch elementType {
        case .string, .array, .bool: return nil
        default: return (0 ..< length).compactMap { self[$0].double }
        }
    }

    /// All elements as Bool, or nil when this is not a bool array.
    public func bools() -> [Bool]? {
        guard elementType == .bool else { return nil }
        return (0 ..< length).map { region.bytes[start + $0] != 0 }
    }

    public var description: String {
        let shown = prefix(8).map(\.description).joined(separator: ", ")
        return "[\(shown)\(count > 8 ? ", … (\(count) \(elementType) values)" : "")]"
    }
}
