import Foundation

/// Reads and validates a GGUF header; `GGUFFile` keeps the result.
struct GGUFParser {
    struct Header {
        var version: UInt32
        var metadata: [(key: String, value: GGUFValue)]
        var metadataIndex: [String: Int]
        var tensors: [GGUFTensorInfo]
        var tensorIndex: [String: Int]
        var alignment: Int
        var dataOffset: Int
    }

    let region: ByteRegion
    var reader: ByteReader

    init(region: ByteRegion) {
        self.region = region
        reader = ByteReader(region.bytes, file: region.name)
    }

    private var file: String { region.name }

    mutating func parse() throws -> Header {
        let version = try parseMagicAndVersion()
        // Each key/value takes at least 8 (key length) + 4 (type) + 1 bytes;
        // each tensor info at least 8 (name length) + 4 + 4 + 8 bytes.
        let tensorCount = try reader.count("tensor", minItemSize: 24)
        let kvCount = try reader.count("metadata key/value", minItemSize: 13)

        var metadata: [(key: String, value: GGUFValue)] = []
        var metadataIndex: [String: Int] = [:]
        metadata.reserveCapacity(kvCount)
        var alignmentAt = 0
        for i in 0 ..< kvCount {
            let keyAt = reader.offset
            let key = try reader.string("key of metadata entry \(i)")
            if metadataIndex[key] != nil {
                throw ModelFileError(.duplicate, file: file, offset: keyAt, "metadata key '\(key)' occurs twice")
            }
            let typeAt = reader.offset
            let type = try valueType(what: "metadata '\(key)'")
            if key == "general.alignment" { alignmentAt = typeAt }
            let value = try parseValue(type, what: "metadata '\(key)'", depth: 0)
            metadataIndex[key] = metadata.count
            metadata.append((key, value))
        }

        let alignment = try alignmentValue(metadata, metadataIndex, at: alignmentAt)
        var infos: [(name: String, at: Int, dims: [Int], type: GGMLType, offset: UInt64, elements: Int, bytes: Int)] = []
        infos.reserveCapacity(tensorCount)
        var tensorIndex: [String: Int] = [:]
        for i in 0 ..< tensorCount {
            let info = try parseTensorInfo(index: i)
            if tensorIndex[info.name] != nil {
                throw ModelFileError(.duplicate, file: file, offset: info.at, "tensor name '\(info.name)' occurs twice")
            }
            tensorIndex[info.name] = infos.count
            infos.append(info)
        }

        // The data section starts at the next multiple of the alignment.
        let headerEnd = reader.offset
        let dataOffset = (headerEnd + alignment - 1) / alignment * alignment
        let size = region.count
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for info in infos {
            if info.offset % UInt64(alignment) != 0 {
                throw ModelFileError(.misaligned, file: file, offset: info.at,
                                     "tensor '\(info.name)' has data offset \(info.offset), not a multiple of the alignment \(alignment)")
            }
            // Checked without overflow: offset and size each fit in the file.
            let available = UInt64(max(size - dataOffset, 0))
            if info.offset > available || UInt64(info.bytes) > available - info.offset {
                let (fileOffset, overflow) = UInt64(dataOffset).addingReportingOverflow(info.offset)
                let place = overflow ? "" : ", file offset \(fileOffset)"
                throw ModelFileError(.outOfBounds, file: file, offset: info.at,
                                     "tensor '\(info.name)' (\(info.type) \(info.dims), \(info.bytes) bytes at data offset \(info.offset)\(place)) runs past the end of the file (size \(size))")
            }
            tensors.append(GGUFTensorInfo(name: info.name, dimensions: info.dims, type: info.type,
                                          offset: Int(info.offset), fileOffset: dataOffset + Int(info.offset),
                                          elementCount: info.elements, byteCount: info.bytes))
        }
        return Header(version: version, metadata: metadata, metadataIndex: metadataIndex,
                      tensors: tensors, tensorIndex: tensorIndex, alignment: alignment, dataOffset: dataOffset)
    }

    private mutating func parseMagicAndVersion() throws -> UInt32 {
        if region.count < 4 {
            throw ModelFileError(.truncated, file: file, offset: 0,
                                 "file is \(region.count) bytes, too short to be a GGUF file (no magic)")
        }
        let magic = Array(region.bytes[0 ..< 4])
        if magic != Array("GGUF".utf8) {
            let shown = magic.map { String(format: "%02x", $0) }.joined(separator: " ")
            var hint = ""
            if magic == Array("FUGG".utf8) { hint = " (byte-swapped GGUF magic: a big-endian file?)" }
            else if magic == Array("ggjt".utf8) || magic == Array("tjgg".utf8) || magic == Array("lmgg".utf8) { hint = " (an old GGML/GGJT file; convert it to GGUF)" }
            throw ModelFileError(.badMagic, file: file, offset: 0,
                                 "not a GGUF file: magic is \(shown), expected 47 47 55 46 (\"GGUF\")\(hint)")
        }
        reader.offset = 4
        let version = try reader.u32("version")
        switch version {
        case 2, 3:
            return version
        case 1:
            throw ModelFileError(.unsupportedVersion, file: file, offset: 4,
                                 "GGUF version 1 is not supported (only versions 2 and 3); re-convert the model")
        default:
            if version.byteSwapped == 2 || version.byteSwapped == 3 {
                throw ModelFileError(.unsupportedVersion, file: file, offset: 4,
                                     "big-endian GGUF (version \(version.byteSwapped) byte-swapped) is not supported; only little-endian files")
            }
            throw ModelFileError(.unsupportedVersion, file: file, offset: 4,
                                 "unsupported GGUF version \(version) (only versions 2 and 3)")
        }
    }

    private mutating func valueType(what: @autoclosure () -> String) throws -> GGUFValueType {
        let at = reader.offset
        let raw = try reader.u32("type of \(what())")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw ModelFileError(.invalidValue, file: file, offset: at,
                                 "\(what()) has unknown value type \(raw) (valid types are 0…12)")
        }
        return type
    }

    private mutating func parseValue(_ type: GGUFValueType, what: @autoclosure () -> String, depth: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try reader.u8(what()))
        case .int8: return .int8(Int8(bitPattern: try reader.u8(what())))
        case .uint16: return .uint16(try reader.read(UInt16.self, what()))
        case .int16: return .int16(try reader.read(Int16.self, what()))
        case .uint32: return .uint32(try reader.u32(what()))
        case .int32: return .int32(try reader.read(Int32.self, what()))
        case .uint64: return .uint64(try reader.u64(what()))
        case .int64: return .int64(try reader.read(Int64.self, what()))
        case .float32: return .float32(Float(bitPattern: try reader.u32(what())))
        case .float64: return .float64(Double(bitPattern: try reader.u64(what())))
        case .bool:
            let at = reader.offset
            let b = try reader.u8(what())
            if b > 1 { throw ModelFileError(.invalidValue, file: file, offset: at, "\(what()) is a bool with byte value \(b) (must be 0 or 1)") }
            return .bool(b == 1)
        case .string:
            return .string(try reader.string(what()))
        case .array:
            return .array(try parseArray(what: what(), depth: depth))
        }
    }

    private mutating func parseArray(what: @autoclosure () -> String, depth: Int) throws -> GGUFArray {
        let at = reader.offset
        if depth >= GGUFFile.maxArrayDepth {
            throw ModelFileError(.invalidValue, file: file, offset: at,
                                 "\(what()) nests arrays more than \(GGUFFile.maxArrayDepth) levels deep")
        }
        let elementType = try valueType(what: "elements of \(what())")
        let count = try reader.count("\(what()) element", minItemSize: elementType.minimumSize)
        let start = reader.offset
        switch elementType {
        case .string:
            var offsets = [Int]()
            offsets.reserveCapacity(count)
            for i in 0 ..< count {
                offsets.append(reader.offset)
                _ = try reader.stringSpan("string \(i) of \(what())")
            }
            return GGUFArray(elementType: .string, count: count, region: region, start: start, stringOffsets: offsets)
        case .array:
            var nested = [GGUFArray]()
            for i in 0 ..< count {
                nested.append(try parseArray(what: "element \(i) of \(what())", depth: depth + 1))
            }
            return GGUFArray(elementType: .array, count: count, region: region, start: start, nested: nested)
        case .bool:
            for i in 0 ..< count where region.bytes[start + i] > 1 {
                throw ModelFileError(.invalidValue, file: file, offset: start + i,
                                     "element \(i) of \(what()) is a bool with byte value \(region.bytes[start + i]) (must be 0 or 1)")
            }
            reader.offset += count
            return GGUFArray(elementType: .bool, count: count, region: region, start: start)
        default:
            // `count` already checked that count * size bytes remain.
            reader.offset += count * (elementType.fixedSize ?? 0)
            return GGUFArray(elementType: elementType, count: count, region: region, start: start)
        }
    }

    private func alignmentValue(_ metadata: [(key: String, value: GGUFValue)], _ index: [String: Int], at: Int) throws -> Int {
        guard let i = index["general.alignment"] else { return GGUFFile.defaultAlignment }
        let value = metadata[i].value
        guard let a = value.integer(as: Int.self) else {
            throw ModelFileError(.invalidValue, file: file, offset: at,
                                 "general.alignment must be an unsigned integer, found \(value.typeName) \(value)")
        }
        guard a > 0, a & (a - 1) == 0, a <= 1 << 30 else {
            throw ModelFileError(.invalidValue, file: file, offset: at,
                                 "general.alignment is \(a); it must be a power of two")
        }
        return a
    }

    private mutating func parseTensorInfo(index: Int) throws
        -> (name: String, at: Int, dims: [Int], type: GGMLType, offset: UInt64, elements: Int, bytes: Int)
    {
        let at = reader.offset
        let name = try reader.string("name of tensor \(index)")
        let dimsAt = reader.offset
        let nDims = try reader.u32("number of dimensions of tensor '\(name)'")
        if nDims > UInt32(GGUFFile.maxDimensions) {
            throw ModelFileError(.invalidValue, file: file, offset: dimsAt,
                                 "tensor '\(name)' has \(nDims) dimensions (at most \(GGUFFile.maxDimensions))")
        }
        var dims = [Int]()
        var elements = 1
        var overflowed = false
        for d in 0 ..< Int(nDims) {
            let dimAt = reader.offset
            let raw = try reader.u64("dimension \(d) of tensor '\(name)'")
            guard raw <= UInt64(Int64.max) else {
                throw ModelFileError(.overflow, file: file, offset: dimAt,
                                     "tensor '\(name)' dimension \(d) is \(raw), larger than 2^63-1")
            }
            dims.append(Int(raw))
            let (product, o) = elements.multipliedReportingOverflow(by: Int(raw))
            elements = product
            overflowed = overflowed || o
        }
        if overflowed {
            throw ModelFileError(.overflow, file: file, offset: dimsAt,
                                 "tensor '\(name)' dimensions \(dims) multiply to more than 2^63-1 elements")
        }
        let typeAt = reader.offset
        let rawType = try reader.u32("type of tensor '\(name)'")
        guard let type = GGMLType(rawValue: rawType) else {
            throw ModelFileError(.unknownType, file: file, offset: typeAt,
                                 "tensor '\(name)' has unknown ggml type id \(rawType)")
        }
        let rowLength = dims.first ?? 1
        if rowLength % type.blockSize != 0 {
            throw ModelFileError(.invalidValue, file: file, offset: dimsAt,
                                 "tensor '\(name)' of type \(type) has row length \(rowLength), not a multiple of its block size \(type.blockSize)")
        }
        guard let bytes = type.byteCount(elements: elements) else {
            throw ModelFileError(.overflow, file: file, offset: dimsAt,
                                 "tensor '\(name)' (\(type) \(dims)) is larger than 2^63-1 bytes")
        }
        let offset = try reader.u64("data offset of tensor '\(name)'")
        return (name, at, dims, type, offset, elements, bytes)
    }
}
