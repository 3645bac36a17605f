import Foundation

/// An error reading, writing or fetching a model file. It always names the
/// file and, where the problem sits at a place in the file, the byte offset,
/// so a user can tell exactly what is wrong without a debugger.
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// What went wrong, for callers (and tests) that react to the kind of failure.
    public enum Kind: String, Sendable {
        /// The file could not be opened, read, written or mapped.
        case io
        /// The file ends before a structure it declares.
        case truncated
        /// The file does not start with the format's magic bytes.
        case badMagic
        /// A format version this reader does not support.
        case unsupportedVersion
        /// A value the format forbids (bad bool, zero alignment, bad JSON…).
        case invalidValue
        /// A ggml tensor type id (or safetensors dtype) that is not known.
        case unknownType
        /// A length or offset that points past the end of the file.
        case outOfBounds
        /// A tensor offset that is not a multiple of the file's alignment.
        case misaligned
        /// Dimensions or sizes whose product does not fit in 64 bits.
        case overflow
        /// A metadata key or tensor name that occurs twice.
        case duplicate
        /// A metadata key that the caller needs is absent.
        case missingKey
        /// A metadata value of another type than the caller needs.
        case typeMismatch
        /// A tensor that the caller needs is absent.
        case missingTensor
        /// A valid file using a feature this engine does not implement.
        case unsupported
        /// A downloaded file whose SHA-256 is not the expected one.
        case checksumMismatch
        /// Fetching a model failed (pip missing, offline, package not found…).
        case fetchFailed
    }

    public var kind: Kind
    /// The file's path as the user gave it (or a name for in-memory data).
    public var file: String
    /// The byte offset of the problem in the file, where there is one.
    public var offset: Int?
    /// What is wrong, in words.
    public var message: String

    public init(_ kind: Kind, file: String, offset: Int? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset { return "\(file): at byte \(offset): \(message)" }
        return "\(file): \(message)"
    }

    public var errorDescription: String? { description }
}
