/// Direct matchers for the pattern shapes text cleaning uses most, which
/// need no automaton at all:
///
/// - a literal string (`@xcite`, `\n`): `memchr` + compare;
/// - one character class, once or repeated with `+` (`[^a-z0-9\s]`,
///   `\s+`): a loop over bytes with a 256-entry table, decoding only
///   non-ASCII characters.
///
/// Capture groups around these shapes are allowed; they are filled in by
/// the Pike VM over the match when a replacement needs them.
enum Shortcut: Sendable {
    case literal(LiteralSearcher)
    case characterClass(ClassScanner, repeated: Bool)

    init?(_ root: RegexNode) {
        let node = root.withoutGroups
        if let chars = node.literalString, !chars.isEmpty,
           !chars.contains(where: { (0xD800...0xDFFF).contains($0) }) {
            var bytes: [UInt8] = []
            for c in chars { UTF8Bytes.encode(c, into: &bytes) }
            self = .literal(LiteralSearcher(bytes))
            return
        }
        switch node {
        case .set(let s):
            self = .characterClass(ClassScanner(s), repeated: false)
        case .repetition(let body, let min, let max, let greedy):
            guard min == 1, let set = body.singleCharacterSet else { return nil }
            if max == 1 || (max == nil && !greedy) {
                self = .characterClass(ClassScanner(set), repeated: false)
            } else if max == nil {
                self = .characterClass(ClassScanner(set), repeated: true)
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    /// The leftmost-first match starting at or after `from`.
    @inline(__always)
    func find(_ text: UnsafePointer<UInt8>, from: Int, end: Int) -> Range<Int>? {
        switch self {
        case .literal(let searcher):
            guard let start = searcher.next(text, from: from, end: end) else { return nil }
            return start..<(start + searcher.needle.count)
        case .characterClass(let scanner, let repeated):
            return scanner.find(text, from: from, end: end, repeated: repeated)
        }
    }
}

/// Scans for code points in a set: ASCII through a byte table, the rest by
/// decoding (skipped entirely when the set holds all or none of them).
struct ClassScanner: Sendable {
    /// For bytes below 0x80: 1 if a member. For bytes from 0x80: 1 when
    /// every non-ASCII code point is a member, 2 when some are (decode and
    /// test), 0 when none are.
    let table: [UInt8]
    let set: CompiledSet

    init(_ s: CodePointSet) {
        set = CompiledSet(s)
        var t = [UInt8](repeating: 0, count: 256)
        for c in 0..<128 where set.contains(UInt32(c)) { t[c] = 1 }
        let nonASCII = s.intersection(CodePointSet(0x80, CodePointSet.maxScalar))
        let high: UInt8
        if nonASCII.isEmpty {
            high = 0
        } else if nonASCII == CodePointSet(0x80, CodePointSet.maxScalar) {
            high = 1
        } else {
            high = 2
        }
        for b in 0x80..<256 { t[b] = high }
        table = t
    }

    @inline(__always)
    private func member(_ text: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ t: UnsafePointer<UInt8>) -> Int {
        let b = text[i]
        let m = t[Int(b)]
        if b < 0x80 { return m != 0 ? 1 : 0 }
        let (c, length) = UTF8Bytes.decode(text, i, end)
        switch m {
        case 0: return -length
        case 1: return length
        default: return set.contains(c) ? length : -length
        }
    }

    func find(_ text: UnsafePointer<UInt8>, from: Int, end: Int, repeated: Bool) -> Range<Int>? {
        table.withUnsafeBufferPointer { tb in
            let t = tb.baseAddress!
            var i = from
            // Find the first member.
            while i < end {
                let b = text[i]
                if b < 0x80 {
                    if t[Int(b)] != 0 { break }
                    i += 1
                    continue
                }
                let m = member(text, i, end, t)
                if m > 0 { break }
                i -= m
            }
            if i >= end { return nil }
            let start = i
            let first = member(text, i, end, t)
            i += first
            if repeated {
                while i < end {
                    let b = text[i]
                    if b < 0x80 {
                        if t[Int(b)] == 0 { break }
                        i += 1
                        continue
                    }
                    let m = member(text, i, end, t)
                    if m <= 0 { break }
                    i += m
                }
            }
            return start..<i
        }
    }
}

extension RegexNode {
    /// The node with capture groups replaced by their bodies.
    var withoutGroups: RegexNode {
        switch self {
        case .group(let body, _): return body.withoutGroups
        case .concat(let items):
            let inner = items.map(\.withoutGroups).filter { $0 != .empty }
            if inner.isEmpty { return .empty }
            return inner.count == 1 ? inner[0] : .concat(inner)
        case .alternation(let alts): return .alternation(alts.map(\.withoutGroups))
        case .repetition(let body, let min, let max, let greedy):
            return .repetition(body.withoutGroups, min: min, max: max, greedy: greedy)
        default: return self
        }
    }

    /// The code points of a pattern that is one literal string.
    var literalString: [UInt32]? {
        switch self {
        case .literal(let c): return [c]
        case .set(let s): return s.singleMember.map { [$0] }
        case .concat(let items):
            var out: [UInt32] = []
            for item in items {
                guard let part = item.literalString else { return nil }
                out += part
            }
            return out
        default: return nil
        }
    }

    /// The set of a node that matches exactly one code point from a set.
    var singleCharacterSet: CodePointSet? {
        switch self {
        case .literal(let c): return CodePointSet(c)
        case .set(let s): return s
        case .group(let body, _): return body.singleCharacterSet
        default: return nil
        }
    }
}
