import LontarModelFiles

/// What a GGUF file says about its tokenizer (the `tokenizer.*` keys), as
/// plain values, so a tokenizer can also be built without a file.
public struct GGUFTokenizerMetadata: Sendable {
    /// `tokenizer.ggml.model`; only `gpt2` (byte-level BPE) is supported.
    public var model: String = "gpt2"
    /// `tokenizer.ggml.pre` (`llama-bpe`, `smollm`, `gpt2`, …); nil = GPT-2's pattern.
    public var preTokenizer: String?
    /// `tokenizer.ggml.tokens`: every token in GPT-2's byte-to-character form.
    public var tokens: [String]
    /// `tokenizer.ggml.merges`: `"left right"`, highest priority first.
    public var merges: [String]
    /// `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control,
    /// 4 user-defined, 5 unused, 6 byte; nil = all normal.
    public var tokenTypes: [Int32]?
    public var bosID: Int?
    public var eosID: Int?
    /// End of turn (`tokenizer.ggml.eot_token_id`).
    public var eotID: Int?
    /// End of message (`tokenizer.ggml.eom_token_id`).
    public var eomID: Int?
    public var unknownID: Int?
    public var paddingID: Int?
    /// `tokenizer.ggml.add_bos_token`; nil = llama.cpp's default (true for
    /// `llama-bpe`, false otherwise).
    public var addBOS: Bool?
    /// `tokenizer.ggml.add_eos_token`; nil = false.
    public var addEOS: Bool?
    /// `tokenizer.chat_template` (Jinja source).
    public var chatTemplate: String?
    /// `general.name`, for `Tokenizer.name`.
    public var modelName: String?

    public init(tokens: [String], merges: [String], tokenTypes: [Int32]? = nil, preTokenizer: String? = nil) {
        self.tokens = tokens
        self.merges = merges
        self.tokenTypes = tokenTypes
        self.preTokenizer = preTokenizer
    }

    /// Reads the tokenizer keys of a GGUF file.
    public init(gguf file: GGUFFile) throws {
        model = try file.value("tokenizer.ggml.model", default: "gpt2")
        tokens = try file.stringArray("tokenizer.ggml.tokens")
        merges = try file.value("tokenizer.ggml.merges", default: [String]())
        tokenTypes = try file.valueIfPresent("tokenizer.ggml.token_type")
        preTokenizer = try file.valueIfPresent("tokenizer.ggml.pre")
        bosID = try file.valueIfPresent("tokenizer.ggml.bos_token_id")
        eosID = try file.valueIfPresent("tokenizer.ggml.eos_token_id")
        eotID = try file.valueIfPresent("tokenizer.ggml.eot_token_id")
        eomID = try file.valueIfPresent("tokenizer.ggml.eom_token_id")
        unknownID = try file.valueIfPresent("tokenizer.ggml.unknown_token_id")
        paddingID = try file.valueIfPresent("tokenizer.ggml.padding_token_id")
        addBOS = try file.valueIfPresent("tokenizer.ggml.add_bos_token")
        addEOS = try file.valueIfPresent("tokenizer.ggml.add_eos_token")
        chatTemplate = try file.valueIfPresent("tokenizer.chat_template")
        modelName = try file.valueIfPresent("general.name")
    }
}

/// A byte-level BPE tokenizer embedded in a GGUF model
/// (`tokenizer.ggml.model = gpt2`), tokenizing as llama.cpp does.
public final class GGUFTokenizer: Tokenizer {
    /// GGUF token types (llama.cpp's `llama_token_type`).
    public enum TokenType: Int32, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public let name: String
    public let vocabSize: Int
    public let bosID: Int?
    public let eosID: Int?
    public let stopIDs: [Int]
    public let addsBOS: Bool
    public let addsEOS: Bool
    public let chatTemplate: ChatTemplate?
    /// The template's Jinja source as the file has it.
    public let chatTemplateSource: String?
    public let unknownID: Int?
    public let paddingID: Int?
    public let preTokenizer: PreTokenizer
    /// The type of each id.
    public let tokenTypes: [TokenType]
    let engine: BPEEngine

    /// Texts of end-of-generation tokens that llama.cpp also stops at when
    /// the metadata names only EOS.
    static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end_of_text|>", "<|endoftext|>", "<|eom_id|>",
        "<end_of_turn>", "<|end|>",
    ]

    /// The tokenizer of a GGUF file.
    public convenience init(gguf file: GGUFFile) throws {
        try self.init(metadata: GGUFTokenizerMetadata(gguf: file))
    }

    /// Builds the tokenizer from GGUF tokenizer metadata.
    ///
    /// - Throws: `TokenizerError` when the model is not byte-level BPE, the
    ///   pre-tokenizer is unknown, a special id is out of range, or the
    ///   merges do not fit the vocabulary.
    public init(metadata m: GGUFTokenizerMetadata) throws {
        guard m.model == "gpt2" else { throw TokenizerError.unsupportedModel(m.model) }
        guard let pre = PreTokenizer(ggufName: m.preTokenizer) else {
            throw TokenizerError.unsupportedPreTokenizer(m.preTokenizer ?? "")
        }
        let count = m.tokens.count
        guard count > 0, count < Int(Int32.max) else {
            throw TokenizerError.invalidVocabulary("\(count) tokens")
        }
        if let types = m.tokenTypes, types.count != count {
            throw TokenizerError.invalidVocabulary("\(types.count) token types for \(count) tokens")
        }
        for (key, id) in [("bos", m.bosID), ("eos", m.eosID), ("eot", m.eotID), ("eom", m.eomID),
                          ("unknown", m.unknownID), ("padding", m.paddingID)] {
            if let id, !(0 ..< count).contains(id) {
                throw TokenizerError.invalidVocabulary("\(key) token id \(id) is outside 0..<\(count)")
            }
        }
        let types = (m.tokenTypes ?? []).map { TokenType(rawValue: $0) ?? .undefined }
            + [TokenType](repeating: .normal, count: m.tokenTypes == nil ? count : 0)

        // Token bytes: text tokens through GPT-2's byte mapping; control and
        // user-defined tokens are their literal text.
        var textToID: [String: Int32] = [:]
        textToID.reserveCapacity(count)
        var allBytes: [[UInt8]] = []
        allBytes.reserveCapacity(count)
        var ordinary: [Int32] = []
        var specials: [SpecialToken] = []
        for (i, token) in m.tokens.enumerated() {
            if textToID[token] == nil { textToID[token] = Int32(i) }
            switch types[i] {
            case .control, .userDefined:
                allBytes.append(Array(token.utf8))
                if !token.isEmpty {
                    specials.append(SpecialToken(text: token, id: Int32(i), alwaysParsed: types[i] == .userDefined))
                }
            default:
                allBytes.append(ByteLevel.bytes(of: token))
                if types[i] == .normal || types[i] == .byte || types[i] == .undefined { ordinary.append(Int32(i)) }
            }
        }
        // Vocabularies may lack bytes that never occur in their training text
        // (SmolLM2 has no token for 0x04 or for 0xC0, which UTF-8 never uses);
        // such bytes are dropped from the output, as llama.cpp and HF do.
        var byteIDs = [Int32](repeating: -1, count: 256)
        for b in 0 ..< 256 {
            byteIDs[b] = textToID[String(ByteLevel.characterForByte[b])] ?? -1
        }
        let pairs = PairMap(capacityFor: m.merges.count)
        for (rank, merge) in m.merges.enumerated() {
            // llama.cpp splits at the first space after the first character.
            let scalars = merge.unicodeScalars
            guard !scalars.isEmpty,
                  let space = scalars[scalars.index(after: scalars.startIndex)...].firstIndex(of: " ") else {
                throw TokenizerError.invalidVocabulary("merge \(rank) '\(merge)' is not 'left right'")
            }
            let left = String(scalars[..<space])
            let right = String(scalars[scalars.index(after: space)...])
            guard let l = textToID[left], let r = textToID[right], let joined = textToID[left + right] else {
                throw TokenizerError.invalidVocabulary("merge \(rank) '\(merge)': '\(left)', '\(right)' or their join is not a token")
            }
            pairs.insert(left: l, right: r, rank: Int32(rank), merged: joined)
        }
        let store = TokenStore(allBytes)
        // llama.cpp looks whole pieces up first only for Llama 3 (`ignore_merges`);
        // elsewhere the shortcut is used only where it cannot change the result.
        let model = BytePairModel(store: store, ordinaryIDs: ordinary, byteIDs: byteIDs,
                                  rule: .mergeList(pairs), verifyWhole: pre != .llama3)
        engine = BPEEngine(model: model, preTokenizer: pre, specials: specials)

        preTokenizer = pre
        tokenTypes = types
        vocabSize = count
        bosID = m.bosID
        eosID = m.eosID
        unknownID = m.unknownID
        paddingID = m.paddingID
        addsBOS = (m.addBOS ?? (pre == .llama3)) && m.bosID != nil
        addsEOS = (m.addEOS ?? false) && m.eosID != nil
        var stops: [Int] = []
        for id in [m.eosID, m.eotID, m.eomID].compactMap({ $0 }) where !stops.contains(id) { stops.append(id) }
        for s in specials where types[Int(s.id)] == .control && GGUFTokenizer.endOfGenerationTexts.contains(s.text) {
            if !stops.contains(Int(s.id)) { stops.append(Int(s.id)) }
        }
        stopIDs = stops
        chatTemplateSource = m.chatTemplate
        chatTemplate = m.chatTemplate.flatMap { ChatTemplate(jinja: $0) }
        name = "\(m.modelName ?? "gguf") (gguf \(m.model)/\(m.preTokenizer ?? "default"), \(count) tokens)"
    }

    public func specialTokenID(_ text: String) -> Int? { engine.specialID(text).map(Int.init) }

    public func isSpecial(_ id: Int) -> Bool {
        guard id >= 0, id < vocabSize else { return false }
        switch tokenTypes[id] {
        case .control, .unknown, .unused: return true
        default: return false
        }
    }

    public func tokenBytes(_ id: Int) -> [UInt8]? {
        guard id >= 0, id < vocabSize else { return nil }
        return engine.model.store.bytes(of: Int32(id))
    }

    public func encode(utf8 bytes: UnsafeBufferPointer<UInt8>, parseSpecial: SpecialTokenParsing) -> [Int32] {
        engine.ids(bytes, parsing: parseSpecial)
    }

    public func countTokens(utf8 bytes: UnsafeBufferPointer<UInt8>, parseSpecial: SpecialTokenParsing) -> Int {
        engine.count(bytes, parsing: parseSpecial)
    }
}
