/// Where a tensor lives in a GGUF file and what it holds.
public struct GGUFTensorInfo: Sendable, Hashable, CustomStringConvertible {
    /// The tensor's name, e.g. "blk.0.attn_q.weight".
    public let name: String
    /// Dimensions in ggml order: `dimensions[0]` is the row length (the
    /// fastest-varying index), as stored in the file and shown by llama.cpp.
    public let dimensions: [Int]
    /// The element/block type.
    public let type: GGMLType
    /// Offset of the data from the start of the file's data section.
    public let offset: Int
    /// Offset of the data from the start of the file.
    public let fileOffset: Int
    /// Number of elements (product of the dimensions).
    public let elementCount: Int
    /// Number of bytes of data.
    public let byteCount: Int

    /// Dimensions in row-major (PyTorch/NumPy) order: outermost first, so a
    /// `[rows, columns]` matrix has `shape == [rows, columns]`.
    public var shape: [Int] { dimensions.reversed() }

    /// Length of one row (`dimensions[0]`, or 1 for a scalar).
    public var rowLength: Int { dimensions.first ?? 1 }

    /// Number of rows (all dimensions but the first, multiplied).
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }

    /// Bytes one row occupies (rows are whole numbers of blocks).
    public var bytesPerRow: Int { rowLength / type.blockSize * type.typeSize }

    public var description: String {
        "\(name) \(type) \(dimensions) (\(byteCount) bytes at \(fileOffset))"
    }
}
