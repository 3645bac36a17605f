import Foundation
import LontarKernels
import LontarSystem

/// Writes GGUF files (version 3, little-endian) that llama.cpp and the
/// `gguf` Python package load: metadata of every type, and tensors given as
/// float32 values (stored as F32, F16 or Q8_0, converted exactly as ggml
/// does) or as raw bytes of any ggml type (e.g. copied from another file).
///
/// Tensors are laid out in the order added, each at an offset that is a
/// multiple of the alignment and padded to it, as ggml's own writer does.
/// The file is written atomically (see `AtomicFile`).
public struct GGUFWriter {
    /// A metadata value to write.
    public indirect enum Value: Sendable, Equatable {
        case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
        case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
        /// An array whose elements all have type `elementType` (given
        /// explicitly so that empty arrays have a type too).
        case array(elementType: GGUFValueType, [Value])

        var type: GGUFValueType {
            switch self {
            case .uint8: .uint8
            case .int8: .int8
            case .uint16: .uint16
            case .int16: .int16
            case .uint32: .uint32
            case .int32: .int32
            case .uint64: .uint64
            case .int64: .int64
            case .float32: .float32
            case .float64: .float64
            case .bool: .bool
            case .string: .string
            case .array: .array
            }
        }

        /// An array of strings.
        public static func strings(_ values: [String]) -> Value { .array(elementType: .string, values.map(Value.string)) }
        /// An array of int32.
        public static func int32s(_ values: [Int32]) -> Value { .array(elementType: .int32, values.map(Value.int32)) }
        /// An array of float32.
        public static func float32s(_ values: [Float]) -> Value { .array(elementType: .float32, values.map(Value.float32)) }

        /// The same value as read from a GGUF file (for copying metadata).
        public init(_ value: GGUFValue) {
            switch value {
            case .uint8(let v): self = .uint8(v)
            case .int8(let v): self = .int8(v)
            case .uint16(let v): self = .uint16(v)
            case .int16(let v): self = .int16(v)
            case .uint32(let v): self = .uint32(v)
            case .int32(let v): self = .int32(v)
            case .uint64(let v): self = .uint64(v)
            case .int64(let v): self = .int64(v)
            case .float32(let v): self = .float32(v)
            case .float64(let v): self = .float64(v)
            case .bool(let v): self = .bool(v)
            case .string(let v): self = .string(v)
            case .array(let a): self = .array(elementType: a.elementType, a.map(Value.init))
            }
        }
    }

    /// Where a tensor's bytes come from.
    enum Source {
        case floats([Float])
        case bytes(Data)
        case tensor(GGUFTensor)
    }

    struct Entry {
        var name: String
        var dimensions: [Int]
        var type: GGMLType
        var source: Source
        var byteCount: Int
    }

    /// Tensor data alignment (a power of two); values other than 32 are
    /// recorded in `general.alignment`.
    public var alignment: Int
    public private(set) var metadata: [(key: String, value: Value)] = []
    private var entries: [Entry] = []

    public init(alignment: Int = GGUFFile.defaultAlignment) {
        self.alignment = alignment
    }

    /// Sets metadata `key` (replacing an earlier value, keeping its position).
    public mutating func set(_ key: String, _ value: Value) throws {
        if key.isEmpty { throw ModelFileError(.invalidValue, file: "gguf", "metadata keys cannot be empty") }
        try Self.validate(value, key: key)
        if let i = metadata.firstIndex(where: { $0.key == key }) {
            metadata[i].value = value
        } else {
            metadata.append((key, value))
        }
    }

    private static func validate(_ value: Value, key: String) throws {
        guard case .array(let type, let items) = value else { return }
        for item in items {
            guard item.type == type else {
                throw ModelFileError(.typeMismatch, file: "gguf", "array '\(key)' of \(type) holds a \(item.type) value")
            }
            try validate(item, key: key)
        }
    }

    /// Adds a tensor of float32 values stored as `type` (F32, F16 or Q8_0).
    /// `dimensions` are in ggml order: `dimensions[0]` is the row length.
    public mutating func add(_ name: String, dimensions: [Int], floats: [Float], as type: GGMLType = .f32) throws {
        guard [.f32, .f16, .q8_0].contains(type) else {
            throw ModelFileError(.unsupported, file: name, "Lontar writes float tensors as F32, F16 or Q8_0, not \(type)")
        }
        let bytes = try check(name, dimensions, type, count: floats.count)
        entries.append(Entry(name: name, dimensions: dimensions, type: type, source: .floats(floats), byteCount: bytes))
    }

    /// Adds a tensor from raw bytes already in ggml type `type`.
    public mutating func add(_ name: String, dimensions: [Int], type: GGMLType, bytes: Data) throws {
        let size = try check(name, dimensions, type, count: nil)
        guard size == bytes.count else {
            throw ModelFileError(.invalidValue, file: name, "\(type) \(dimensions) takes \(size) bytes, but \(bytes.count) were given")
        }
        entries.append(Entry(name: name, dimensions: dimensions, type: type, source: .bytes(bytes), byteCount: size))
    }

    /// Adds a copy of a tensor of another GGUF file (same name unless given).
    public mutating func add(_ tensor: GGUFTensor, as name: String? = nil) throws {
        let n = name ?? tensor.name
        let size = try check(n, tensor.dimensions, tensor.type, count: nil)
        entries.append(Entry(name: n, dimensions: tensor.dimensions, type: tensor.type, source: .tensor(tensor), byteCount: size))
    }

    private func check(_ name: String, _ dims: [Int], _ type: GGMLType, count: Int?) throws -> Int {
        if entries.contains(where: { $0.name == name }) {
            throw ModelFileError(.duplicate, file: name, "tensor '\(name)' added twice")
        }
        guard (1 ... GGUFFile.maxDimensions).contains(dims.count), dims.allSatisfy({ $0 >= 0 }) else {
            throw ModelFileError(.invalidValue, file: name, "dimensions \(dims) must be 1 to 4 non-negative numbers")
        }
        var elements = 1
        for d in dims {
            let (p, o) = elements.multipliedReportingOverflow(by: d)
            if o { throw ModelFileError(.overflow, file: name, "dimensions \(dims) overflow") }
            elements = p
        }
        if let count, count != elements {
            throw ModelFileError(.invalidValue, file: name, "dimensions \(dims) have \(elements) elements but \(count) values were given")
        }
        guard dims[0] % type.blockSize == 0, let bytes = type.byteCount(elements: elements) else {
            throw ModelFileError(.invalidValue, file: name, "row length \(dims[0]) is not a multiple of the \(type) block size \(type.blockSize)")
        }
        return bytes
    }

    /// Writes the file at `url` atomically.
    public func write(to url: URL) throws {
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw ModelFileError(.invalidValue, file: url.path, "alignment \(alignment) is not a power of two")
        }
        var kvs = metadata
        if alignment != GGUFFile.defaultAlignment || kvs.contains(where: { $0.key == "general.alignment" }) {
            kvs.removeAll { $0.key == "general.alignment" }
            kvs.append(("general.alignment", .uint32(UInt32(alignment))))
        }
        var header = Data()
        header.append(contentsOf: Array("GGUF".utf8))
        Self.append(UInt32(3), to: &header)
        Self.append(UInt64(entries.count), to: &header)
        Self.append(UInt64(kvs.count), to: &header)
        for (key, value) in kvs {
            Self.append(string: key, to: &header)
            Self.append(value.type.rawValue, to: &header)
            Self.append(value, to: &header)
        }
        var offset = 0
        for e in entries {
            Self.append(string: e.name, to: &header)
            Self.append(UInt32(e.dimensions.count), to: &header)
            for d in e.dimensions { Self.append(UInt64(d), to: &header) }
            Self.append(e.type.rawValue, to: &header)
            Self.append(UInt64(offset), to: &header)
            offset += padded(e.byteCount)
        }
        header.append(Data(count: padded(header.count) - header.count))

        let out = try AtomicFile(destination: url)
        try out.write(header)
        for e in entries {
            switch e.source {
            case .bytes(let data): try out.write(data)
            case .tensor(let t): try out.write(t.bytes)
            case .floats(let values): try Self.writeFloats(values, as: e.type, to: out)
            }
            try out.writeZeros(padded(e.byteCount) - e.byteCount)
        }
        try out.commit()
    }

    private func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// Converts floats to `type` in pieces (so no full-size copy is made) and writes them.
    private static func writeFloats(_ values: [Float], as type: GGMLType, to out: AtomicFile) throws {
        if type == .f32 {
            try values.withUnsafeBytes { try out.write($0) }   // little-endian hosts (x86-64, arm64)
            return
        }
        let chunk = 1 << 16   // values per piece: a multiple of the Q8_0 block
        var buffer = [UInt8](repeating: 0, count: chunk * 2)
        try values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            var at = 0
            while at < src.count {
                let n = min(chunk, src.count - at)
                let bytes = type.byteCount(elements: n) ?? 0
                buffer.withUnsafeMutableBytes { dst in
                    if type == .f16 {
                        lt_fp32_to_fp16_row(base + at, dst.baseAddress?.assumingMemoryBound(to: UInt16.self), Int64(n))
                    } else {
                        _ = lt_ggml_quantize_q8_0(base + at, dst.baseAddress, Int64(n))
                    }
                }
                try buffer.withUnsafeBytes { try out.write(UnsafeRawBufferPointer(rebasing: $0.prefix(bytes))) }
                at += n
            }
        }
    }

    private static func append<T: FixedWidthInteger>(_ v: T, to data: inout Data) {
        withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
    }

    private static func append(string: String, to data: inout Data) {
        append(UInt64(string.utf8.count), to: &data)
        data.append(contentsOf: Array(string.utf8))
    }

    private static func append(_ value: Value, to data: inout Data) {
        switch value {
        case .uint8(let v): append(v, to: &data)
        case .int8(let v): append(v, to: &data)
        case .uint16(let v): append(v, to: &data)
        case .int16(let v): append(v, to: &data)
        case .uint32(let v): append(v, to: &data)
        case .int32(let v): append(v, to: &data)
        case .uint64(let v): append(v, to: &data)
        case .int64(let v): append(v, to: &data)
        case .float32(let v): append(v.bitPattern, to: &data)
        case .float64(let v): append(v.bitPattern, to: &data)
        case .bool(let v): append(UInt8(v ? 1 : 0), to: &data)
        case .string(let s): append(string: s, to: &data)
        case .array(let type, let items):
            append(type.rawValue, to: &data)
            append(UInt64(items.count), to: &data)
            for item in items { append(item, to: &data) }
        }
    }
}
