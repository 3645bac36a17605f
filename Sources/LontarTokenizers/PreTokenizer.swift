/// How text is cut into pieces ("pre-tokens") before byte-pair encoding.
///
/// Each case is a hand-written scanner that reproduces one regular expression
/// exactly as a backtracking engine (tiktoken's `fancy-regex`, HF's
/// Oniguruma) runs it with `find_iter`: at each position the alternatives are
/// tried in order and the first that matches wins. The scanners work on UTF-8
/// bytes and look at most a few scalars ahead; every input byte lands in
/// exactly one piece, so no text is ever lost.
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// Llama 3's pattern (`tokenizer.ggml.pre = llama-bpe`):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
    /// ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3
    /// GPT-2's pattern:
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// llama.cpp's `smollm` (SmolLM2, StarCoder, …): every `\p{N}` scalar is
    /// first cut off on its own, then GPT-2's pattern runs on the text between
    /// them (so a whitespace run before a digit ends where the digit starts).
    case smollm

    /// The pre-tokenizer a GGUF file names in `tokenizer.ggml.pre` (llama.cpp's
    /// names). A missing name means GPT-2's pattern, as for llama.cpp's
    /// original `gpt2` vocabularies; an unknown name is `nil` rather than a
    /// silent guess, since a wrong pattern gives plausible but wrong ids.
    public init?(ggufName: String?) {
        switch ggufName {
        case nil, "default", "gpt-2", "gpt2", "mpt", "olmo", "jais":
            self = .gpt2
        case "llama-bpe", "llama3", "llama-v3":
            self = .llama3
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva":
            self = .smollm
        default:
            return nil
        }
    }

    /// The pieces of `text`, in order (their concatenation is `text`).
    public func split(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { buf in
            splitRanges(buf).map { String(decoding: UnsafeBufferPointer(rebasing: buf[$0]), as: UTF8.self) }
        }
    }

    /// The byte ranges of the pieces of UTF-8 `bytes`, in order.
    public func splitRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
        var ranges: [Range<Int>] = []
        var scanner = PieceScanner(kind: self, base: base, count: bytes.count)
        var start = 0
        while let end = scanner.next() {
            ranges.append(start ..< end)
            start = end
        }
        return ranges
    }
}

/// Yields the end offsets of successive pieces of a UTF-8 buffer.
struct PieceScanner {
    let kind: PreTokenizer
    let text: UTF8Cursor
    var position = 0
    /// `smollm` only: where the current stretch without numbers ends.
    var segmentEnd = 0

    @inline(__always)
    init(kind: PreTokenizer, base: UnsafePointer<UInt8>, count: Int) {
        self.kind = kind
        self.text = UTF8Cursor(base: base, end: count)
    }

    /// The end of the next piece, or `nil` when the text is used up.
    @inline(__always)
    mutating func next() -> Int? {
        guard position < text.end else { return nil }
        let end: Int
        switch kind {
        case .llama3:
            end = llama3PieceEnd(text, position)
        case .gpt2:
            end = gpt2PieceEnd(text, position)
        case .smollm:
            end = smollmPieceEnd()
        }
        position = end
        return end
    }

    /// `smollm`: a lone number scalar, or a GPT-2 piece of the stretch before
    /// the next number (scanned with the stretch's end as the text's end, as
    /// llama.cpp runs the second pattern on each piece of the first).
    @inline(__always)
    mutating func smollmPieceEnd() -> Int {
        if position >= segmentEnd {
            let first = text.scalar(at: position)
            if first.bits & ScalarClass.number != 0 { return position + first.length }
            var i = position + first.length
            while i < text.end {
                let s = text.scalar(at: i)
                if s.bits & ScalarClass.number != 0 { break }
                i += s.length
            }
            segmentEnd = i
        }
        return gpt2PieceEnd(UTF8Cursor(base: text.base, end: segmentEnd, table: text.table), position)
    }
}

// MARK: - The Llama 3 pattern

/// End of the Llama 3 piece that starts at `start` (`start < text.end`).
@inline(__always)
func llama3PieceEnd(_ text: UTF8Cursor, _ start: Int) -> Int {
    let b0 = text.base[start]
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)
    if b0 == UInt8(ascii: "'"), let end = contractionEnd(text, start, ignoringCase: true) {
        return end
    }
    let first = text.scalar(at: start)
    let bits = first.bits
    let next = start + first.length
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if bits & ScalarClass.letter != 0 { return runEnd(text, next, ScalarClass.letter) }
    if bits & (ScalarClass.newline | ScalarClass.number) == 0,
       text.bits(at: next) & ScalarClass.letter != 0 {
        return runEnd(text, next, ScalarClass.letter)
    }
    // \p{N}{1,3}
    if bits & ScalarClass.number != 0 {
        var end = next
        for _ in 0 ..< 2 {
            guard end < text.end else { break }
            let s = text.scalar(at: end)
            guard s.bits & ScalarClass.number != 0 else { break }
            end += s.length
        }
        return end
    }
    //  ?[^\s\p{L}\p{N}]+[\r\n]*
    var otherStart = -1
    if bits & ScalarClass.notOther == 0 {
        otherStart = start
    } else if b0 == UInt8(ascii: " "), text.bits(at: next) & ScalarClass.notOther == 0 {
        otherStart = next
    }
    if otherStart >= 0 {
        var end = otherRunEnd(text, otherStart)
        while end < text.end, text.base[end] == UInt8(ascii: "\r") || text.base[end] == UInt8(ascii: "\n") {
            end += 1
        }
        return end
    }
    // Only whitespace is left: \s*[\r\n]+ | \s+(?!\S) | \s+
    var end = start
    var lastScalarStart = start
    var afterLastNewline = -1
    var count = 0
    while end < text.end {
        let s = text.scalar(at: end)
        guard s.bits & ScalarClass.space != 0 else { break }
        lastScalarStart = end
        end += s.length
        if s.bits & ScalarClass.newline != 0 { afterLastNewline = end }
        count += 1
    }
    // \s*[\r\n]+ : \s* backtracks until [\r\n]+ can match, which first happens
    // at the run's last CR/LF; the match ends right after it.
    if afterLastNewline >= 0 { return afterLastNewline }
    // \s+(?!\S) : the whole run at the end of the text, else all but the last
    // scalar (which is then followed by whitespace, not by \S).
    if end == text.end || count < 2 { return end }
    return lastScalarStart
}

// MARK: - The GPT-2 pattern

/// End of the GPT-2 piece that starts at `start` (`start < text.end`).
@inline(__always)
func gpt2PieceEnd(_ text: UTF8Cursor, _ start: Int) -> Int {
    let b0 = text.base[start]
    // 's|'t|'re|'ve|'m|'ll|'d
    if b0 == UInt8(ascii: "'"), let end = contractionEnd(text, start, ignoringCase: false) {
        return end
    }
    let first = text.scalar(at: start)
    var bits = first.bits
    var runStart = start
    //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+ : the optional space joins
    // whatever run follows it, if any.
    if b0 == UInt8(ascii: " ") {
        let nextBits = text.bits(at: start + 1)
        if nextBits & (ScalarClass.space | ScalarClass.pastEnd) == 0 {
            bits = nextBits
            runStart = start + 1
        }
    }
    if bits & ScalarClass.letter != 0 { return runEnd(text, runStart, ScalarClass.letter) }
    if bits & ScalarClass.number != 0 { return runEnd(text, runStart, ScalarClass.number) }
    if bits & ScalarClass.notOther == 0 { return otherRunEnd(text, runStart) }
    // Whitespace: \s+(?!\S) | \s+
    var end = start
    var lastScalarStart = start
    var count = 0
    while end < text.end {
        let s = text.scalar(at: end)
        guard s.bits & ScalarClass.space != 0 else { break }
        lastScalarStart = end
        end += s.length
        count += 1
    }
    if end == text.end || count < 2 { return end }
    return lastScalarStart
}

// MARK: - Shared pieces of both patterns

/// `'s|'t|'re|'ve|'m|'ll|'d` at `start` (an apostrophe), optionally ignoring
/// case. Case-insensitive matching follows Unicode simple case folding as
/// the regex engines do: besides `S`, `ſ` (U+017F LATIN SMALL LETTER LONG S)
/// folds to `s`; no other letter folds to one of `t r e v m l d`.
@inline(__always)
func contractionEnd(_ text: UTF8Cursor, _ start: Int, ignoringCase: Bool) -> Int? {
    let i = start + 1
    guard i < text.end else { return nil }
    var c1 = text.base[i]
    if ignoringCase {
        if c1 == 0xC5, i + 1 < text.end, text.base[i + 1] == 0xBF { return i + 2 }  // ſ
        c1 = asciiLowercased(c1)
    }
    switch c1 {
    case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
        return i + 1
    case UInt8(ascii: "r"), UInt8(ascii: "v"), UInt8(ascii: "l"):
        guard i + 1 < text.end else { return nil }
        var c2 = text.base[i + 1]
        if ignoringCase { c2 = asciiLowercased(c2) }
        let wanted = c1 == UInt8(ascii: "l") ? UInt8(ascii: "l") : UInt8(ascii: "e")
        return c2 == wanted ? i + 2 : nil
    default:
        return nil
    }
}

@inline(__always)
func asciiLowercased(_ b: UInt8) -> UInt8 {
    b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
}

/// End of the run of scalars having class `bit`, starting at `start`.
@inline(__always)
func runEnd(_ text: UTF8Cursor, _ start: Int, _ bit: UInt8) -> Int {
    var end = start
    while end < text.end {
        let b = text.base[end]
        if b < 0x80 {
            guard text.table[Int(b)] & bit != 0 else { break }
            end += 1
        } else {
            let s = text.multiByte(at: end, lead: b)
            guard s.bits & bit != 0 else { break }
            end += s.length
        }
    }
    return end
}

/// End of the run of "other" scalars (`[^\s\p{L}\p{N}]+`) starting at `start`.
@inline(__always)
func otherRunEnd(_ text: UTF8Cursor, _ start: Int) -> Int {
    var end = start
    while end < text.end {
        let s = text.scalar(at: end)
        guard s.bits & ScalarClass.notOther == 0 else { break }
        end += s.length
    }
    return end
}
