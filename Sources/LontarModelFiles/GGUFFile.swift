import Foundation

/// A parsed GGUF file (ggml's model format, versions 2 and 3, little-endian).
///
/// Opening a file memory-maps it read-only and validates the whole header —
/// metadata, tensor infos, alignment and every tensor's extent — so anything
/// malformed is reported up front with the file name and byte offset, and the
/// tensor data can afterwards be used without further checks. Tensor bytes
/// point into the mapping, which stays alive as long as this object (or any
/// tensor or array taken from it) does.
///
/// Layout (see ggml's docs/gguf.md): magic "GGUF", u32 version, u64 tensor
/// count, u64 metadata count, the metadata key/values, the tensor infos,
/// padding to `general.alignment` (default 32), then the tensor data, each
/// tensor at an aligned offset relative to the start of the data section.
public final class GGUFFile: Sendable {
    /// The bytes of the file (mapped).
    public let region: ByteRegion
    /// The file format version (2 or 3).
    public let version: UInt32
    /// Metadata in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// Tensor infos in file order.
    public let tensorInfos: [GGUFTensorInfo]
    /// The data alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// Offset of the data section from the start of the file.
    public let dataOffset: Int

    private let metadataIndex: [String: Int]
    private let tensorIndex: [String: Int]

    /// The default alignment when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// The deepest nesting of arrays accepted (ggml writes at most 1 level).
    static let maxArrayDepth = 8
    /// ggml's GGML_MAX_DIMS.
    static let maxDimensions = 4

    /// The name used in errors (the file's path).
    public var name: String { region.name }

    /// Opens and validates the GGUF file at `url`, mapping it into memory.
    public convenience init(contentsOf url: URL) throws {
        try self.init(region: ByteRegion(mapping: url))
    }

    /// Parses GGUF bytes held in memory (copied), labelled `name` in errors.
    public convenience init(data: Data, name: String = "<memory>") throws {
        try self.init(region: ByteRegion(copying: data, name: name))
    }

    /// Parses and validates the GGUF bytes of `region`.
    public init(region: ByteRegion) throws {
        self.region = region
        var parser = GGUFParser(region: region)
        let header = try parser.parse()
        version = header.version
        metadata = header.metadata
        tensorInfos = header.tensors
        alignment = header.alignment
        dataOffset = header.dataOffset
        metadataIndex = header.metadataIndex
        tensorIndex = header.tensorIndex
    }

    // MARK: metadata

    /// Every metadata key, in file order.
    public var keys: [String] { metadata.map(\.key) }

    /// The value stored under `key`, or nil.
    public subscript(key: String) -> GGUFValue? {
        metadataIndex[key].map { metadata[$0].value }
    }

    /// Whether the metadata has `key`.
    public func contains(_ key: String) -> Bool { metadataIndex[key] != nil }

    // MARK: tensors

    /// The info of the tensor called `name`, or nil.
    public func tensorInfo(_ name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensorInfos[$0] }
    }

    /// The tensor called `name`, or nil when the file has none.
    public func tensorIfPresent(_ name: String) -> GGUFTensor? {
        tensorInfo(name).map { GGUFTensor(info: $0, file: self) }
    }

    /// The tensor called `name`; throws a `.missingTensor` error naming the file.
    public func tensor(_ name: String) throws -> GGUFTensor {
        guard let t = tensorIfPresent(name) else {
            throw ModelFileError(.missingTensor, file: self.name,
                                 "no tensor named '\(name)' (the file has \(tensorInfos.count) tensors)")
        }
        return t
    }

    /// All tensors, in file order.
    public var tensors: [GGUFTensor] { tensorInfos.map { GGUFTensor(info: $0, file: self) } }
}

/// A tensor of a GGUF file: its info and its bytes in the mapped file.
public struct GGUFTensor: @unchecked Sendable {
    // @unchecked: `bytes` points into the immutable mapping kept alive by `file`.

    /// Name, dimensions, type and placement.
    public let info: GGUFTensorInfo
    /// The file the tensor belongs to; holding the tensor keeps it mapped.
    public let file: GGUFFile

    init(info: GGUFTensorInfo, file: GGUFFile) {
        self.info = info
        self.file = file
    }

    public var name: String { info.name }
    public var type: GGMLType { info.type }
    /// Dimensions in ggml order (`dimensions[0]` = row length).
    public var dimensions: [Int] { info.dimensions }
    /// Dimensions in row-major order (outermost first).
    public var shape: [Int] { info.shape }
    public var elementCount: Int { info.elementCount }
    public var byteCount: Int { info.byteCount }

    /// The raw tensor bytes, inside the file mapping. Valid while `file` (or
    /// this tensor) is alive; do not keep the pointer beyond that.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.region.bytes[info.fileOffset ..< info.fileOffset + info.byteCount])
    }

    /// Tells the system this tensor's bytes are not needed in memory for now
    /// (a loader that has converted them); reading them again still works.
    public func releaseResidentPages() {
        file.region.releaseResidentPages(info.fileOffset ..< info.fileOffset + info.byteCount)
    }
}
