import Foundation

/// An error building, loading or running a model: what is wrong, and where
/// (the file and tensor) when there is a where.
public struct ModelError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    public enum Kind: String, Sendable {
        /// A tensor's shape disagrees with the configuration.
        case shapeMismatch
        /// A tensor holds NaN or infinite values.
        case nonFiniteWeights
        /// A tensor the model needs is missing.
        case missingTensor
        /// A configuration that cannot describe a working model.
        case invalidConfig
        /// A token id outside the vocabulary, an empty batch and the like.
        case invalidInput
        /// A feature of the file the engine does not implement.
        case unsupported
        /// The KV cache has no room for the tokens.
        case cacheFull
        /// Memory could not be allocated.
        case outOfMemory
    }

    public var kind: Kind
    /// The file the problem was found in, if any.
    public var file: String?
    /// The tensor concerned, if any.
    public var tensor: String?
    public var message: String

    public init(_ kind: Kind, file: String? = nil, tensor: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let tensor { parts.append("tensor '\(tensor)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    public var errorDescription: String? { description }
}
