/// The encoder shared by every byte-level BPE tokenizer: special tokens are
/// split off first, the rest is cut into pieces by the pre-tokenizer, and
/// each piece is byte-pair encoded.
///
/// Immutable after loading and free of per-call shared state, so one engine
/// serves any number of threads.
final class BPEEngine: @unchecked Sendable {
    let model: BytePairModel
    let preTokenizer: PreTokenizer
    let specials: [SpecialToken]
    /// Every special token (for `.all`).
    private let allSpecials: SpecialMatcher
    /// Tokens recognised even without parsing specials (GGUF user-defined).
    private let alwaysParsed: SpecialMatcher
    private let specialIDs: [String: Int32]

    init(model: BytePairModel, preTokenizer: PreTokenizer, specials: [SpecialToken]) {
        self.model = model
        self.preTokenizer = preTokenizer
        self.specials = specials
        allSpecials = SpecialMatcher(specials)
        alwaysParsed = SpecialMatcher(specials.filter(\.alwaysParsed))
        var ids: [String: Int32] = [:]
        for s in specials where ids[s.text] == nil { ids[s.text] = s.id }
        specialIDs = ids
    }

    func specialID(_ text: String) -> Int32? { specialIDs[text] }

    /// Encodes `base[0 ..< count]` into `sink`.
    /// The ids of `bytes` (the body of every tokenizer's `encode(utf8:)`).
    func ids(_ bytes: UnsafeBufferPointer<UInt8>, parsing: SpecialTokenParsing) -> [Int32] {
        guard let base = bytes.baseAddress else { return [] }
        var sink = ArraySink()
        sink.ids.reserveCapacity(bytes.count / 3 + 4)
        encode(base, bytes.count, parsing: parsing, into: &sink)
        return sink.ids
    }

    /// How many ids `bytes` encodes to, without building them.
    func count(_ bytes: UnsafeBufferPointer<UInt8>, parsing: SpecialTokenParsing) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var sink = CountingSink()
        encode(base, bytes.count, parsing: parsing, into: &sink)
        return sink.count
    }

    func encode<S: TokenSink>(_ base: UnsafePointer<UInt8>, _ count: Int, parsing: SpecialTokenParsing, into sink: inout S) {
        switch parsing {
        case .none:
            if alwaysParsed.isEmpty {
                encodeOrdinary(base, 0, count, into: &sink)
            } else {
                encode(base, count, matcher: alwaysParsed, into: &sink)
            }
        case .all:
            encode(base, count, matcher: allSpecials, into: &sink)
        case .only(let names):
            let chosen = specials.filter { $0.alwaysParsed || names.contains($0.text) }
            encode(base, count, matcher: SpecialMatcher(chosen), into: &sink)
        }
    }

    private func encode<S: TokenSink>(_ base: UnsafePointer<UInt8>, _ count: Int, matcher: SpecialMatcher, into sink: inout S) {
        var at = 0
        while at < count, let match = matcher.firstMatch(base, from: at, to: count) {
            encodeOrdinary(base, at, match.start, into: &sink)
            sink.append(match.id)
            at = match.start + match.length
        }
        encodeOrdinary(base, at, count, into: &sink)
    }

    /// Encodes `base[from ..< to]` as plain text. Pre-tokenization restarts at
    /// `from`, exactly as the peers restart their regex after a special token.
    @inline(__always)
    func encodeOrdinary<S: TokenSink>(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, into sink: inout S) {
        guard from < to else { return }
        let start = base + from
        var scanner = PieceScanner(kind: preTokenizer, base: start, count: to - from)
        var pieceStart = 0
        var cache: MergeCache?
        while let end = scanner.next() {
            model.encode(start + pieceStart, end - pieceStart, cache: &cache, into: &sink)
            pieceStart = end
        }
    }
}
