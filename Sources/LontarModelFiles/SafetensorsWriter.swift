import Foundation
import LontarKernels
import LontarSystem

/// Writes safetensors files (e.g. PEFT's `adapter_model.safetensors`).
///
/// The layout follows the safetensors library exactly — tensors ordered by
/// dtype (widest first) then name, no gaps, header padded with spaces to a
/// multiple of 8 — so for the same tensors and metadata the bytes are
/// identical to what `safetensors.serialize` produces. Float data can be
/// stored as F32, F16 or BF16 (rounded to nearest even); the file is written
/// atomically.
public struct SafetensorsWriter {
    /// Where a tensor's values come from.
    public enum Source: Sendable {
        /// Float32 values, converted to the entry's dtype while writing.
        case floats([Float])
        /// Raw little-endian bytes already in the entry's dtype.
        case bytes(Data)
    }

    public struct Entry: Sendable {
        public var name: String
        public var dtype: SafetensorsDType
        public var shape: [Int]
        public var source: Source
    }

    /// "__metadata__" strings, written in this order.
    public var metadata: [(key: String, value: String)]
    public private(set) var entries: [Entry] = []

    public init(metadata: [(key: String, value: String)] = []) {
        self.metadata = metadata
    }

    /// Adds a float tensor of `shape` (row-major), stored as `dtype`
    /// (F32, F16 or BF16).
    public mutating func add(_ name: String, shape: [Int], floats: [Float], as dtype: SafetensorsDType = .f32) throws {
        guard dtype.ggmlType != nil else {
            throw ModelFileError(.unsupported, file: name, "floats can be stored as F32, F16 or BF16, not \(dtype.rawValue)")
        }
        try check(name, shape: shape, count: floats.count, what: "values")
        entries.append(Entry(name: name, dtype: dtype, shape: shape, source: .floats(floats)))
    }

    /// Adds a tensor from raw bytes already in `dtype`.
    public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], bytes: Data) throws {
        guard bytes.count % dtype.size == 0 else {
            throw ModelFileError(.invalidValue, file: name, "\(bytes.count) bytes are not a whole number of \(dtype.rawValue) values")
        }
        try check(name, shape: shape, count: bytes.count / dtype.size, what: "\(dtype.rawValue) values")
        entries.append(Entry(name: name, dtype: dtype, shape: shape, source: .bytes(bytes)))
    }

    private func check(_ name: String, shape: [Int], count: Int, what: String) throws {
        if name == "__metadata__" || name.isEmpty {
            throw ModelFileError(.invalidValue, file: name, "'\(name)' cannot be a tensor name")
        }
        if entries.contains(where: { $0.name == name }) {
            throw ModelFileError(.duplicate, file: name, "tensor '\(name)' added twice")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ModelFileError(.invalidValue, file: name, "shape \(shape) has a negative dimension") }
        let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard elements == count else {
            throw ModelFileError(.invalidValue, file: name, "shape \(shape) has \(elements) elements but \(count) \(what) were given")
        }
    }

    /// The entries in file order.
    var ordered: [Entry] {
        // Widest dtype first, then names in byte order (as the library sorts them).
        entries.sorted { a, b in
            a.dtype.rank != b.dtype.rank ? a.dtype.rank > b.dtype.rank : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }

    /// The header JSON, padded with spaces to a multiple of 8 bytes.
    func header() -> Data {
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for e in ordered {
            let size = e.shape.reduce(1, *) * e.dtype.size
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append("\(JSONText.quoted(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var json = Data("{\(parts.joined(separator: ","))}".utf8)
        json.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        return json
    }

    /// Writes the file at `url` atomically.
    public func write(to url: URL) throws {
        let out = try AtomicFile(destination: url)
        let header = header()
        try out.write(Data(withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init)))
        try out.write(header)
        for e in ordered {
            switch e.source {
            case .bytes(let data):
                try out.write(data)
            case .floats(let values):
                try Self.writeFloats(values, as: e.dtype, to: out)
            }
        }
        try out.commit()
    }

    /// Converts and writes floats in pieces, so no full-size copy is made.
    static func writeFloats(_ values: [Float], as dtype: SafetensorsDType, to out: AtomicFile) throws {
        if dtype == .f32 {
            try values.withUnsafeBytes { try out.write($0) }   // little-endian hosts only (x86-64, arm64)
            return
        }
        let chunk = 1 << 18
        var buffer = [UInt16](repeating: 0, count: chunk)
        try values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            var at = 0
            while at < src.count {
                let n = min(chunk, src.count - at)
                buffer.withUnsafeMutableBufferPointer { dst in
                    if dtype == .f16 {
                        lt_fp32_to_fp16_row(base + at, dst.baseAddress, Int64(n))
                    } else {
                        lt_fp32_to_bf16_row(base + at, dst.baseAddress, Int64(n))
                    }
                }
                try buffer.withUnsafeBytes { try out.write(UnsafeRawBufferPointer(rebasing: $0.prefix(n * 2))) }
                at += n
            }
        }
    }
}
