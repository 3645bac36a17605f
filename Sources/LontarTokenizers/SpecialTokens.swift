#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which special tokens written in the text (e.g. `<|eot_id|>`) are
/// recognised as their ids. Everything else is encoded as ordinary text,
/// byte for byte, so untrusted text cannot inject control tokens unless the
/// caller asks for it.
public enum SpecialTokenParsing: Sendable, Hashable {
    /// No special token is recognised (tiktoken's `encode_ordinary`). GGUF
    /// user-defined tokens are still recognised, as llama.cpp does.
    case none
    /// Every special token is recognised (tiktoken's `allowed_special="all"`,
    /// HF `tokenizers`' default, llama.cpp's `parse_special`).
    case all
    /// Only the special tokens with these texts are recognised.
    case only(Set<String>)
}

/// A special token: its text and id, and whether it is recognised in text
/// even when special tokens are not being parsed (GGUF user-defined tokens).
struct SpecialToken: Sendable {
    var text: String
    var id: Int32
    var alwaysParsed: Bool
}

/// Finds the leftmost occurrence of any of a set of special token texts,
/// preferring the longest one that starts there (HF's added-vocabulary
/// matching; tiktoken and llama.cpp agree whenever no token is a prefix of
/// another, which holds for every vocabulary in use).
struct SpecialMatcher: Sendable {
    /// Candidate indices into `texts`, by first byte, longest text first.
    private var byFirstByte: [[Int]] = Array(repeating: [], count: 256)
    private var texts: [[UInt8]] = []
    private var ids: [Int32] = []

    init(_ tokens: [SpecialToken]) {
        for token in tokens.sorted(by: { $0.text.utf8.count > $1.text.utf8.count }) {
            let bytes = Array(token.text.utf8)
            guard let first = bytes.first else { continue }
            byFirstByte[Int(first)].append(texts.count)
            texts.append(bytes)
            ids.append(token.id)
        }
    }

    var isEmpty: Bool { texts.isEmpty }

    /// The first special token in `base[from ..< to]`: start offset, length, id.
    func firstMatch(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> (start: Int, length: Int, id: Int32)? {
        var i = from
        while i < to {
            let candidates = byFirstByte[Int(base[i])]
            for c in candidates {
                let text = texts[c]
                guard text.count <= to - i else { continue }
                let matches = text.withUnsafeBufferPointer { t in
                    memcmp(t.baseAddress!, base + i, t.count) == 0
                }
                if matches { return (i, text.count, ids[c]) }
            }
            i += 1
        }
        return nil
    }
}
