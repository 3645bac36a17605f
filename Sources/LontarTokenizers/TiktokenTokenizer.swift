import Foundation

/// A tiktoken-format byte-level BPE tokenizer: Llama 3's `tokenizer.model`
/// (128,000 ranked tokens) plus its 256 special tokens.
///
/// Matches tiktoken (`Encoding(pat_str=…, mergeable_ranks=…)`) and HF
/// `tokenizers` on Llama 3's `tokenizer.json` id for id.
public final class TiktokenTokenizer: Tokenizer {
    public let name: String
    public let vocabSize: Int
    public let bosID: Int?
    public let eosID: Int?
    public let stopIDs: [Int]
    public let addsBOS: Bool
    public let addsEOS = false
    public let chatTemplate: ChatTemplate?
    /// Number of ranked (ordinary) tokens; special ids follow them.
    public let ordinaryCount: Int
    let engine: BPEEngine

    /// Builds a tokenizer from ranked token bytes and special tokens.
    ///
    /// - Parameters:
    ///   - ranks: the bytes of each ordinary token; index = rank = id. Every
    ///     single byte must be one of them.
    ///   - specialTokens: texts and ids of the special tokens (ids at or above
    ///     `ranks.count`).
    ///   - preTokenizer: the splitting pattern (`.llama3` for Llama 3).
    ///   - bos, eos, stops: the special ids' roles (`nil` if absent).
    public convenience init(name: String, ranks: [[UInt8]], specialTokens: [(text: String, id: Int)],
                            preTokenizer: PreTokenizer, bos: Int?, eos: Int?, stops: [Int],
                            addsBOS: Bool, chatTemplate: ChatTemplate?) throws {
        try self.init(name: name, packed: PackedTokens(ranks), specialTokens: specialTokens,
                      preTokenizer: preTokenizer, bos: bos, eos: eos, stops: stops,
                      addsBOS: addsBOS, chatTemplate: chatTemplate)
    }

    init(name: String, packed ranks: PackedTokens, specialTokens: [(text: String, id: Int)],
         preTokenizer: PreTokenizer, bos: Int?, eos: Int?, stops: [Int],
         addsBOS: Bool, chatTemplate: ChatTemplate?) throws {
        var byteIDs = [Int32](repeating: -1, count: 256)
        for id in 0 ..< ranks.count where ranks.length(id) == 1 {
            byteIDs[Int(ranks.bytes[ranks.offsets[id]])] = Int32(id)
        }
        if let missing = byteIDs.firstIndex(of: -1) {
            throw TokenizerError.invalidVocabulary("no token for the single byte 0x\(String(missing, radix: 16))")
        }
        let size = max(ranks.count, (specialTokens.map(\.id).max() ?? -1) + 1)
        guard size <= Int(Int32.max) else { throw TokenizerError.invalidVocabulary("too many tokens") }
        var texts = [String?](repeating: nil, count: size - ranks.count)
        for special in specialTokens {
            guard special.id >= ranks.count else {
                throw TokenizerError.invalidVocabulary("special token \(special.text) has id \(special.id), inside the ranked tokens")
            }
            texts[special.id - ranks.count] = special.text
        }
        var all = ranks
        for text in texts { all.append(Array((text ?? "").utf8)) }
        let store = TokenStore(all)
        let model = BytePairModel(store: store, ordinaryIDs: (0 ..< Int32(ranks.count)).map { $0 },
                                  byteIDs: byteIDs, rule: .tokenRanks, verifyWhole: false)
        let specials = specialTokens.map { SpecialToken(text: $0.text, id: Int32($0.id), alwaysParsed: false) }
        engine = BPEEngine(model: model, preTokenizer: preTokenizer, specials: specials)
        self.name = name
        vocabSize = size
        ordinaryCount = ranks.count
        bosID = bos
        eosID = eos
        stopIDs = stops
        self.addsBOS = addsBOS
        self.chatTemplate = chatTemplate
    }

    /// Llama 3's tokenizer from its `tokenizer.model` file.
    public static func llama3(contentsOf url: URL) throws -> TiktokenTokenizer {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        return try llama3(modelFileContents: [UInt8](data), path: url.path)
    }

    /// Llama 3's tokenizer from the bytes of a `tokenizer.model` file.
    public static func llama3(modelFileContents bytes: [UInt8], path: String = "tokenizer.model") throws -> TiktokenTokenizer {
        let ranks = try TiktokenFile.parse(bytes, path: path)
        guard ranks.count == Llama3.ordinaryCount else {
            throw TokenizerError.invalidVocabulary("\(path) has \(ranks.count) ranks; Llama 3 has \(Llama3.ordinaryCount)")
        }
        let specials = Llama3.specialTokens.enumerated().map { (text: $0.element, id: Llama3.ordinaryCount + $0.offset) }
        return try TiktokenTokenizer(
            name: "llama3", packed: ranks, specialTokens: specials, preTokenizer: .llama3,
            bos: Llama3.beginOfText, eos: Llama3.endOfText, stops: [Llama3.endOfText, Llama3.endOfTurn],
            addsBOS: true, chatTemplate: .llama3)
    }

    public func specialTokenID(_ text: String) -> Int? { engine.specialID(text).map(Int.init) }

    public func isSpecial(_ id: Int) -> Bool { id >= ordinaryCount && id < vocabSize }

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

/// Llama 3's fixed special tokens and ids.
public enum Llama3 {
    /// Number of ranked tokens in `tokenizer.model`.
    public static let ordinaryCount = 128_000
    public static let beginOfText = 128_000
    public static let endOfText = 128_001
    public static let startHeader = 128_006
    public static let endHeader = 128_007
    public static let endOfTurn = 128_009

    /// The 256 special tokens, for ids 128000 … 128255, as Meta's tokenizer
    /// and `tokenizer.json` name them: the named ones at their fixed places,
    /// the rest `<|reserved_special_token_N|>` numbered in id order.
    public static let specialTokens: [String] = {
        let named: [Int: String] = [
            0: "<|begin_of_text|>", 1: "<|end_of_text|>",
            6: "<|start_header_id|>", 7: "<|end_header_id|>", 9: "<|eot_id|>",
        ]
        var reserved = 0
        return (0 ..< 256).map { i in
            if let name = named[i] { return name }
            defer { reserved += 1 }
            return "<|reserved_special_token_\(reserved)|>"
        }
    }()
}
