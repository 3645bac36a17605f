/// GPT-2's reversible mapping between bytes and printable characters, in
/// which byte-level BPE vocabularies (GGUF `tokenizer.ggml.tokens`, HF
/// `tokenizer.json`) write their tokens: the printable bytes `!`…`~`,
/// `¡`…`¬` and `®`…`ÿ` stand for themselves, and the other 68 bytes (controls,
/// space, DEL, NBSP, soft hyphen…) are shifted to U+0100 upwards in byte
/// order — so a space is written `Ġ` (U+0120) and a newline `Ċ` (U+010A).
enum ByteLevel {
    /// The character standing for each byte.
    static let characterForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var shifted: UInt32 = 256
        for b in 0 ..< 256 {
            if (0x21 ... 0x7E).contains(b) || (0xA1 ... 0xAC).contains(b) || (0xAE ... 0xFF).contains(b) {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(shifted)!
                shifted += 1
            }
        }
        return table
    }()

    /// The byte each character stands for (the inverse of `characterForByte`).
    static let byteForCharacter: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, c) in characterForByte.enumerated() { map[c.value] = UInt8(b) }
        return map
    }()

    /// The bytes a vocabulary string stands for. A character outside the
    /// mapping (only in malformed vocabularies) stands for its own UTF-8 bytes.
    static func bytes(of token: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        for c in token.unicodeScalars {
            if let b = byteForCharacter[c.value] {
                out.append(b)
            } else {
                out.append(contentsOf: String(c).utf8)
            }
        }
        return out
    }

    /// The vocabulary string of `bytes`.
    static func string(of bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(characterForByte[Int(b)]) }
        return String(s)
    }
}
