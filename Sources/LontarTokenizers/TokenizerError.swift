/// Why a tokenizer could not be loaded or could not do what was asked.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A file could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// A line of a text vocabulary file is malformed (`line` counts from 1).
    case malformedLine(path: String, line: Int, reason: String)
    /// The vocabulary or merges are inconsistent (e.g. a merge whose result
    /// is not a token).
    case invalidVocabulary(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer Lontar does not implement.
    case unsupportedPreTokenizer(String)
    /// `tokenizer.ggml.model` names a tokenizer kind other than byte-level BPE.
    case unsupportedModel(String)
    /// A required metadata key is missing or has the wrong type.
    case missingMetadata(String)
    /// An id outside `0 ..< vocabSize` was given to decode.
    case unknownTokenID(id: Int, position: Int, vocabSize: Int)
    /// Batch offsets do not describe rows of the byte buffer.
    case invalidOffsets(index: Int, reason: String)
    /// The model has no chat format Lontar recognises (named tokenizer).
    case noChatTemplate(String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "cannot read \(path): \(reason)"
        case .malformedLine(let path, let line, let reason):
            "\(path):\(line): \(reason)"
        case .invalidVocabulary(let reason):
            "invalid tokenizer vocabulary: \(reason)"
        case .unsupportedPreTokenizer(let name):
            "unsupported pre-tokenizer '\(name)' (supported: llama-bpe, smollm and its aliases, gpt2/default)"
        case .unsupportedModel(let name):
            "unsupported tokenizer model '\(name)' (supported: gpt2, i.e. byte-level BPE)"
        case .missingMetadata(let key):
            "tokenizer metadata '\(key)' is missing or has the wrong type"
        case .unknownTokenID(let id, let position, let vocabSize):
            "token id \(id) at position \(position) is outside the vocabulary (0..<\(vocabSize))"
        case .invalidOffsets(let index, let reason):
            "batch offsets[\(index)]: \(reason)"
        case .noChatTemplate(let name):
            "\(name) has no chat template Lontar recognises (supported: Llama 3, ChatML)"
        }
    }
}
