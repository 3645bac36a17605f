/// A text tokenizer: Llama 3's tiktoken file (`TiktokenTokenizer`) or a
/// tokenizer embedded in a GGUF model (`GGUFTokenizer`).
///
/// Ids are `Int` at the API (what models and the DSL index with) and `Int32`
/// in bulk buffers (`encode(utf8:)`, `TokenizedBatch`), where half the memory
/// matters. Every method may be called from several threads at once.
public protocol Tokenizer: AnyObject, Sendable {
    /// A short description, e.g. `llama3 (tiktoken, 128256 tokens)`.
    var name: String { get }
    /// Number of ids, ordinary and special (`0 ..< vocabSize`).
    var vocabSize: Int { get }
    /// Beginning-of-sequence id, if the vocabulary has one.
    var bosID: Int? { get }
    /// End-of-sequence id, if the vocabulary has one.
    var eosID: Int? { get }
    /// Ids that end a generated reply (EOS, end-of-turn…), for generation loops.
    var stopIDs: [Int] { get }
    /// Whether `encode(_:addSpecialTokens: true)` prepends `bosID`.
    var addsBOS: Bool { get }
    /// Whether `encode(_:addSpecialTokens: true)` appends `eosID`.
    var addsEOS: Bool { get }
    /// The model's chat format, when it has a recognised one.
    var chatTemplate: ChatTemplate? { get }

    /// The id of the special token with this text (`"<|eot_id|>"`), if any.
    func specialTokenID(_ text: String) -> Int?
    /// Whether `id` is a special (control) token rather than text.
    func isSpecial(_ id: Int) -> Bool
    /// The bytes `id` decodes to (special tokens: their text), or `nil` when
    /// `id` is out of range.
    func tokenBytes(_ id: Int) -> [UInt8]?

    /// Encodes UTF-8 bytes, without BOS/EOS. Bytes that are not valid UTF-8
    /// are kept (each is a piece of its own class), so decoding gives them back.
    func encode(utf8 bytes: UnsafeBufferPointer<UInt8>, parseSpecial: SpecialTokenParsing) -> [Int32]
    /// Number of tokens `encode(utf8:parseSpecial:)` would return, without
    /// building the array.
    func countTokens(utf8 bytes: UnsafeBufferPointer<UInt8>, parseSpecial: SpecialTokenParsing) -> Int
}

extension Tokenizer {
    /// Encodes `text`.
    ///
    /// - Parameters:
    ///   - addSpecialTokens: add BOS/EOS as the model's metadata asks
    ///     (`addsBOS`, `addsEOS`).
    ///   - parseSpecial: which special tokens written in `text` become their
    ///     ids; by default none, so text is always just text.
    public func encode(_ text: String, addSpecialTokens: Bool = false,
                       parseSpecial: SpecialTokenParsing = .none) -> [Int] {
        var text = text
        let body = text.withUTF8 { encode(utf8: $0, parseSpecial: parseSpecial) }
        var ids: [Int] = []
        ids.reserveCapacity(body.count + 2)
        if addSpecialTokens, addsBOS, let bosID { ids.append(bosID) }
        for id in body { ids.append(Int(id)) }
        if addSpecialTokens, addsEOS, let eosID { ids.append(eosID) }
        return ids
    }

    /// Number of tokens in `text` (no BOS/EOS, no special tokens parsed).
    public func countTokens(_ text: String, parseSpecial: SpecialTokenParsing = .none) -> Int {
        var text = text
        return text.withUTF8 { countTokens(utf8: $0, parseSpecial: parseSpecial) }
    }

    /// The exact bytes of `ids`, concatenated.
    ///
    /// - Parameter skipSpecial: leave out special tokens (BOS, `<|eot_id|>`…).
    /// - Throws: `TokenizerError.unknownTokenID` for an id outside the vocabulary.
    public func decodeBytes(_ ids: [Int], skipSpecial: Bool = false) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for (position, id) in ids.enumerated() {
            guard let bytes = tokenBytes(id) else {
                throw TokenizerError.unknownTokenID(id: id, position: position, vocabSize: vocabSize)
            }
            if skipSpecial, isSpecial(id) { continue }
            out.append(contentsOf: bytes)
        }
        return out
    }

    /// `ids` decoded to text; byte sequences that are not valid UTF-8 (a
    /// multi-byte character cut between ids) become U+FFFD, as in the peers.
    public func decode(_ ids: [Int], skipSpecial: Bool = false) throws -> String {
        String(decoding: try decodeBytes(ids, skipSpecial: skipSpecial), as: UTF8.self)
    }

    /// A decoder for ids arriving one at a time (generation), which holds back
    /// an incomplete UTF-8 character until its last byte arrives.
    public func streamingDecoder(skipSpecial: Bool = false) -> StreamingDecoder {
        StreamingDecoder(tokenizer: self, skipSpecial: skipSpecial)
    }

    /// The ids of a chat prompt in the model's format: the template applied
    /// to `messages`, encoded with special tokens parsed (as HF's
    /// `apply_chat_template(tokenize=True)` and llama.cpp do, so a message
    /// that contains special token text, e.g. `<|im_end|>`, is read as that
    /// token; strip such text from untrusted input first).
    ///
    /// - Throws: `TokenizerError.noChatTemplate` when the model has no
    ///   recognised chat format.
    public func encodeChat(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> [Int] {
        guard let template = chatTemplate else { throw TokenizerError.noChatTemplate(name) }
        return encode(template.apply(messages, addGenerationPrompt: addGenerationPrompt), parseSpecial: .all)
    }

    /// The text of one token for display (`"Ġworld"`-style escapes are not
    /// used: bytes that are not valid UTF-8 show as U+FFFD).
    public func tokenText(_ id: Int) -> String? {
        tokenBytes(id).map { String(decoding: $0, as: UTF8.self) }
    }
}
