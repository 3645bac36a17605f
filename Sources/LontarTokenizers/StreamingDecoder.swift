/// Decodes ids that arrive one at a time (text generation) into text,
/// holding back the first bytes of a UTF-8 character that a later token
/// completes — a byte-level BPE token can end in the middle of a character,
/// e.g. the four bytes of 😀 may come as two tokens.
///
/// Concatenating everything `append` and `finish` return gives exactly
/// `tokenizer.decode(allIDs)`.
public struct StreamingDecoder: Sendable {
    public let tokenizer: any Tokenizer
    public let skipSpecial: Bool
    /// Bytes of an incomplete character (at most 3).
    private var pending: [UInt8] = []

    public init(tokenizer: any Tokenizer, skipSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// The text that `id` completes (possibly empty).
    /// - Throws: `TokenizerError.unknownTokenID` for an id outside the vocabulary.
    public mutating func append(_ id: Int) throws -> String {
        guard let bytes = tokenizer.tokenBytes(id) else {
            throw TokenizerError.unknownTokenID(id: id, position: 0, vocabSize: tokenizer.vocabSize)
        }
        if skipSpecial, tokenizer.isSpecial(id) { return "" }
        pending.append(contentsOf: bytes)
        let held = StreamingDecoder.incompleteSuffixLength(pending)
        let ready = pending.count - held
        guard ready > 0 else { return "" }
        let text = String(decoding: pending[..<ready], as: UTF8.self)
        pending.removeFirst(ready)
        return text
    }

    /// Whatever is still held back (an unfinished character becomes U+FFFD);
    /// the decoder is empty afterwards.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the trailing bytes that begin a well-formed UTF-8 sequence
    /// but do not complete it (0 if the bytes end on a character boundary or
    /// in bytes that can never become valid).
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var k = 1
        while k <= min(3, n) {
            let b = bytes[n - k]
            if b & 0xC0 == 0x80 {  // continuation byte: look further back for the lead
                k += 1
                continue
            }
            let needed: Int
            switch b {
            case 0xC2 ... 0xDF: needed = 2
            case 0xE0 ... 0xEF: needed = 3
            case 0xF0 ... 0xF4: needed = 4
            default: return 0  // ASCII or a byte that cannot lead
            }
            guard needed > k else { return 0 }  // complete (or over-long: not ours to hold)
            if k >= 2 {
                // The second byte's range depends on the lead (no overlongs, no surrogates).
                let second = bytes[n - k + 1]
                let ok: Bool
                switch b {
                case 0xE0: ok = second >= 0xA0
                case 0xED: ok = second <= 0x9F
                case 0xF0: ok = second >= 0x90
                case 0xF4: ok = second <= 0x8F
                default: ok = true
                }
                if !ok { return 0 }
            }
            return k
        }
        return 0
    }
}
