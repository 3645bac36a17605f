import Foundation

/// Where a tensor lives in a safetensors file and what it holds.
public struct SafetensorsTensorInfo: Sendable, Hashable {
    public let name: String
    public let dtype: SafetensorsDType
    /// Row-major shape, outermost first (as PyTorch writes it).
    public let shape: [Int]
    /// Offset of the data from the start of the file.
    public let fileOffset: Int
    public let byteCount: Int
    public var elementCount: Int { byteCount / dtype.size }
}

/// A parsed safetensors file: an 8-byte little-endian header length, a JSON
/// header mapping tensor names to dtype, shape and data offsets (plus
/// optional string metadata under "__metadata__"), then the raw tensor bytes.
/// The file is memory-mapped read-only and validated when opened.
public final class SafetensorsFile: Sendable {
    public let region: ByteRegion
    /// The "__metadata__" strings (e.g. "format": "pt").
    public let metadata: [String: String]
    /// Tensor infos in the order of their data in the file.
    public let tensorInfos: [SafetensorsTensorInfo]
    /// Offset of the data section (8 + header length).
    public let dataOffset: Int
    private let index: [String: Int]

    /// The safetensors library's limit on the header size.
    static let maxHeaderSize = 100_000_000

    public var name: String { region.name }

    public convenience init(contentsOf url: URL) throws {
        try self.init(region: ByteRegion(mapping: url))
    }

    public convenience init(data: Data, name: String = "<memory>") throws {
        try self.init(region: ByteRegion(copying: data, name: name))
    }

    public init(region: ByteRegion) throws {
        self.region = region
        let file = region.name
        var reader = ByteReader(region.bytes, file: file)
        let headerLength = try reader.u64("safetensors header length")
        guard headerLength <= UInt64(reader.remaining) else {
            throw ModelFileError(.outOfBounds, file: file, offset: 0,
                                 "header length \(headerLength) runs past the end of the file (size \(region.count)); not a safetensors file?")
        }
        guard headerLength <= UInt64(Self.maxHeaderSize) else {
            throw ModelFileError(.invalidValue, file: file, offset: 0, "header length \(headerLength) exceeds the 100 MB limit")
        }
        let headerBytes = Data(region.bytes[8 ..< 8 + Int(headerLength)])
        dataOffset = 8 + Int(headerLength)
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw ModelFileError(.invalidValue, file: file, offset: 8, "header does not start with '{'; not a safetensors file?")
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: headerBytes) } catch {
            throw ModelFileError(.invalidValue, file: file, offset: 8, "header is not valid JSON: \(error.localizedDescription)")
        }
        guard let header = json as? [String: Any] else {
            throw ModelFileError(.invalidValue, file: file, offset: 8, "header is not a JSON object")
        }
        let dataSize = region.count - dataOffset
        var metadata: [String: String] = [:]
        var infos: [SafetensorsTensorInfo] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else {
                    throw ModelFileError(.invalidValue, file: file, offset: 8, "__metadata__ is not an object of strings")
                }
                for (k, v) in dict {
                    guard let s = v as? String else {
                        throw ModelFileError(.invalidValue, file: file, offset: 8, "__metadata__ value of '\(k)' is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            infos.append(try Self.tensorInfo(name, value, file: file, dataOffset: dataOffset, dataSize: dataSize))
        }
        infos.sort { ($0.fileOffset, $0.name) < ($1.fileOffset, $1.name) }
        self.metadata = metadata
        tensorInfos = infos
        index = Dictionary(uniqueKeysWithValues: infos.enumerated().map { ($1.name, $0) })
    }

    private static func tensorInfo(_ name: String, _ value: Any, file: String, dataOffset: Int, dataSize: Int) throws -> SafetensorsTensorInfo {
        func bad(_ message: String) -> ModelFileError {
            ModelFileError(.invalidValue, file: file, offset: 8, "tensor '\(name)': \(message)")
        }
        guard let entry = value as? [String: Any] else { throw bad("entry is not a JSON object") }
        guard let dtypeName = entry["dtype"] as? String else { throw bad("missing dtype") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw ModelFileError(.unknownType, file: file, offset: 8, "tensor '\(name)' has unknown dtype '\(dtypeName)'")
        }
        guard let shape = entry["shape"] as? [Any] else { throw bad("missing shape") }
        var dims = [Int]()
        var elements = 1
        for d in shape {
            guard let n = jsonInteger(d), n >= 0 else { throw bad("shape \(shape) has a dimension that is not a non-negative integer") }
            let (p, o) = elements.multipliedReportingOverflow(by: n)
            if o { throw ModelFileError(.overflow, file: file, offset: 8, "tensor '\(name)': shape \(dims + [n]) overflows") }
            elements = p
            dims.append(n)
        }
        guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
              let begin = jsonInteger(offsets[0]), let end = jsonInteger(offsets[1]), begin >= 0, begin <= end else {
            throw bad("data_offsets must be [begin, end] with 0 <= begin <= end")
        }
        let (bytes, o) = elements.multipliedReportingOverflow(by: dtype.size)
        if o { throw ModelFileError(.overflow, file: file, offset: 8, "tensor '\(name)': \(dims) of \(dtypeName) overflows") }
        guard end - begin == bytes else {
            throw bad("data_offsets [\(begin), \(end)] hold \(end - begin) bytes, but \(dtypeName) \(dims) needs \(bytes)")
        }
        guard end <= dataSize else {
            throw ModelFileError(.outOfBounds, file: file, offset: dataOffset + begin,
                                 "tensor '\(name)' (data_offsets [\(begin), \(end)]) runs past the end of the file (data section is \(dataSize) bytes)")
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: dims, fileOffset: dataOffset + begin, byteCount: bytes)
    }

    /// Tensor names in data order.
    public var tensorNames: [String] { tensorInfos.map(\.name) }

    public func tensorIfPresent(_ name: String) -> SafetensorsTensor? {
        index[name].map { SafetensorsTensor(info: tensorInfos[$0], region: region) }
    }

    public func tensor(_ name: String) throws -> SafetensorsTensor {
        guard let t = tensorIfPresent(name) else {
            throw ModelFileError(.missingTensor, file: self.name, "no tensor named '\(name)' (the file has \(tensorInfos.count) tensors)")
        }
        return t
    }
}

/// An integral JSON number as Int (nil for fractions, strings, huge values).
/// Sizes and offsets stay far below 2^53, where doubles are exact.
func jsonInteger(_ value: Any) -> Int? {
    guard let n = value as? NSNumber else { return nil }
    let d = n.doubleValue
    guard d == d.rounded(), abs(d) < 9_007_199_254_740_992 else { return nil }
    return Int(d)
}

/// A tensor of a safetensors file: info and bytes in the mapped file.
public struct SafetensorsTensor: @unchecked Sendable {
    // @unchecked: `bytes` points into the immutable mapping kept alive by `region`.
    public let info: SafetensorsTensorInfo
    /// The file's bytes; holding the tensor keeps the file mapped.
    public let region: ByteRegion

    public var name: String { info.name }
    public var dtype: SafetensorsDType { info.dtype }
    public var shape: [Int] { info.shape }
    public var elementCount: Int { info.elementCount }

    /// The raw bytes (little-endian), valid while this tensor or its file lives.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: region.bytes[info.fileOffset ..< info.fileOffset + info.byteCount])
    }

    /// The values as float32 (F32, F16 and BF16 tensors).
    public func floats() throws -> [Float] {
        try [Float](unsafeUninitializedCapacity: elementCount) { out, initialized in
            try floats(into: out)
            initialized = elementCount
        }
    }

    /// Writes the values as float32 into `destination` (at least `elementCount` floats).
    public func floats(into destination: UnsafeMutableBufferPointer<Float>) throws {
        guard let type = dtype.ggmlType else {
            throw ModelFileError(.unsupported, file: region.name,
                                 "tensor '\(name)' has dtype \(dtype.rawValue); only F32, F16 and BF16 convert to float")
        }
        try type.dequantize(bytes, count: elementCount, into: destination)
    }
}
