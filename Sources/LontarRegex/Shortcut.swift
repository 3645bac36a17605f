/// Direct matchers for the pattern shapes text cleaning uses most, which
/// need no automaton at all:
///
/// - a literal string (`@xcite`, `\n`): `memchr` + compare;
/// - one character class, once or repeated with `+` (`[^a-z0-9\s]`,
///   `\s+`): a loop over bytes with a 256-entry table, decoding only
///   non-ASCII characters;
/// - a literal followed by a greedy run of a class (`xmath[0-9]+`,
///   `@xcite\w*`): the literal search, then the run.
///
/// Their matches are never empty, so Java's find loop is simply "search
/// again where the last match ended". Capture groups around these shapes
/// are allowed; the Pike VM fills them in when a replacement needs them.
final class Shortcut: @unchecked Sendable {
    enum Kind {
        case literal
        case characterClass
        /// One or more of a class (greedy `+`).
        case characterRun
        /// The literal, then `minimumRun` or more of the class (greedy).
        case literalThenRun
    }

    let kind: Kind
    let literal: LiteralSearcher?
    /// For bytes below 0x80: 1 if a member. For bytes from 0x80: 1 when
    /// every non-ASCII code point is a member, 2 when some are (decode and
    /// test), 0 when none are.
    let table: UnsafeMutablePointer<UInt8>
    let set: CompiledSet
    /// For `literalThenRun`: 0 (`*`) or 1 (`+`).
    let minimumRun: Int

    init?(_ root: RegexNode) {
        let node = root.withoutGroups
        table = .allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        if let chars = node.literalString, !chars.isEmpty, Shortcut.isEncodable(chars) {
            var bytes: [UInt8] = []
            for c in chars { UTF8Bytes.encode(c, into: &bytes) }
            kind = .literal
            minimumRun = 0
            literal = LiteralSearcher(bytes)
            set = CompiledSet(CodePointSet())
            return
        }
        var classSet: CodePointSet
        if case .concat(let items) = node, items.count >= 2,
           case .repetition(let body, let min, nil, true) = items[items.count - 1], min <= 1,
           let runSet = body.singleCharacterSet,
           let chars = RegexNode.concat(Array(items.dropLast())).literalString, !chars.isEmpty,
           Shortcut.isEncodable(chars) {
            var bytes: [UInt8] = []
            for c in chars { UTF8Bytes.encode(c, into: &bytes) }
            kind = .literalThenRun
            literal = LiteralSearcher(bytes)
            minimumRun = min
            classSet = runSet
        } else {
            literal = nil
            minimumRun = 0
            switch node {
            case .set(let s):
                classSet = s
                kind = .characterClass
            case .repetition(let body, let min, let max, let greedy):
                guard min == 1, let s = body.singleCharacterSet else {
                    table.deallocate()
                    return nil
                }
                classSet = s
                if max == 1 || (max == nil && !greedy) {
                    kind = .characterClass
                } else if max == nil {
                    kind = .characterRun
                } else {
                    table.deallocate()
                    return nil
                }
            default:
                table.deallocate()
                return nil
            }
        }
        set = CompiledSet(classSet)
        for c in 0..<128 where set.contains(UInt32(c)) { table[c] = 1 }
        let nonASCII = classSet.intersection(CodePointSet(0x80, CodePointSet.maxScalar))
        let high: UInt8
        if nonASCII.isEmpty {
            high = 0
        } else if nonASCII == CodePointSet(0x80, CodePointSet.maxScalar) {
            high = 1
        } else {
            high = 2
        }
        for b in 0x80..<256 { table[b] = high }
    }

    deinit { table.deallocate() }

    /// Whether the code points can be searched for as UTF-8 bytes (lone
    /// surrogates from `\uD800` escapes never occur in decoded text).
    static func isEncodable(_ chars: [UInt32]) -> Bool {
        !chars.contains(where: { (0xD800...0xDFFF).contains($0) })
    }

    /// The end of the run of class members starting at `i`.
    @inline(__always)
    private func runEnd(_ text: UnsafePointer<UInt8>, from i: Int, _ end: Int) -> Int {
        var i = i
        while i < end {
            let b = text[i]
            if b < 0x80 {
                if table[Int(b)] == 0 { break }
                i += 1
                continue
            }
            let m = member(text, i, end)
            if m <= 0 { break }
            i += m
        }
        return i
    }

    /// Length of the member code point at `i`, or minus its length if it is
    /// not a member.
    @inline(__always)
    func member(_ text: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b = text[i]
        let m = table[Int(b)]
        if b < 0x80 { return m != 0 ? 1 : -1 }
        let (c, length) = UTF8Bytes.decode(text, i, end)
        switch m {
        case 0: return -length
        case 1: return length
        default: return set.contains(c) ? length : -length
        }
    }

    /// The leftmost-first match starting at or after `from`; `start` is -1
    /// when there is none.
    @inline(__always)
    func find(_ text: UnsafePointer<UInt8>, from: Int, end: Int) -> (start: Int, end: Int) {
        if kind == .literal {
            let lit = literal.unsafelyUnwrapped
            let s = lit.next(text, from: from, end: end)
            return (s, s + lit.count)
        }
        if kind == .literalThenRun {
            // Every match starts with the literal; the leftmost occurrence
            // followed by a long enough run is the leftmost match.
            let lit = literal.unsafelyUnwrapped
            var searchFrom = from
            while true {
                let s = lit.next(text, from: searchFrom, end: end)
                if s < 0 { return (-1, -1) }
                let runStart = s + lit.count
                let e = runEnd(text, from: runStart, end)
                if minimumRun == 0 || e > runStart { return (s, e) }
                searchFrom = s + 1
            }
        }
        var i = from
        // The first member.
        while i < end {
            let b = text[i]
            if b < 0x80 {
                if table[Int(b)] != 0 { break }
                i += 1
                continue
            }
            let m = member(text, i, end)
            if m > 0 { break }
            i -= m
        }
        if i >= end { return (-1, -1) }
        let start = i
        i += member(text, i, end)
        if kind == .characterRun { i = runEnd(text, from: i, end) }
        return (start, i)
    }

    /// Java's `replaceAll` with a replacement that names no group, in one
    /// pass: copies the text between matches and the replacement through
    /// `sink`.
    func replaceAll(_ text: UnsafePointer<UInt8>, count end: Int, with replacement: [UInt8],
                    sink: inout ByteSink, into output: inout [UInt8]) {
        // (The filter loop needs room for 64 replacements per block.)
        if (kind == .characterClass || kind == .characterRun) && replacement.count * 64 + 64 <= sink.capacity {
            replacement.withUnsafeBufferPointer { r in
                filter(text, count: end, replacement: r, sink: &sink, into: &output)
            }
            sink.flush(to: &output)
            return
        }
        var copied = 0
        replacement.withUnsafeBufferPointer { r in
            let rBase = r.baseAddress
            let rCount = r.count
            while true {
                let m = find(text, from: copied, end: end)
                if m.start < 0 { break }
                sink.write(text + copied, m.start - copied, to: &output)
                if let rBase { sink.write(rBase, rCount, to: &output) }
                copied = m.end
            }
        }
        sink.write(text + copied, end - copied, to: &output)
        sink.flush(to: &output)
    }
}

extension Shortcut {
    /// `replaceAll` for a character class (or run of one) as a single
    /// filtering pass: bytes outside the class are copied one by one, each
    /// match is replaced. Works in blocks small enough that the sink can
    /// take the block's worst-case output without checking every byte.
    private func filter(_ text: UnsafePointer<UInt8>, count end: Int, replacement r: UnsafeBufferPointer<UInt8>,
                        sink: inout ByteSink, into output: inout [UInt8]) {
        let growth = max(1, r.count)
        let block = max(64, sink.capacity / growth - 8)
        let run = kind == .characterRun
        let table = self.table
        var i = 0
        while i < end {
            if sink.capacity - sink.count < block * growth + 8 { sink.flush(to: &output) }
            let blockEnd = min(end, i + block)
            var o = sink.buffer + sink.count
            while i < blockEnd {
                let b = text[i]
                var length: Int
                if b < 0x80 {
                    if table[Int(b)] == 0 {
                        o.pointee = b
                        o += 1
                        i += 1
                        continue
                    }
                    length = 1
                } else {
                    length = member(text, i, end)
                    if length < 0 {
                        for k in 0..<(-length) { o[k] = text[i + k] }
                        o += -length
                        i += -length
                        continue
                    }
                }
                // A match starts at i.
                i += length
                if run {
                    while i < end {
                        let c = text[i]
                        if c < 0x80 {
                            if table[Int(c)] == 0 { break }
                            i += 1
                        } else {
                            let m = member(text, i, end)
                            if m <= 0 { break }
                            i += m
                        }
                    }
                }
                if let rb = r.baseAddress {
                    for k in 0..<r.count { o[k] = rb[k] }
                    o += r.count
                }
            }
            sink.count = o - sink.buffer
        }
    }
}

/// A staging buffer for building output from many small pieces: bytes are
/// copied into a fixed scratch area and moved to the output array in large
/// blocks, so each piece costs a `memcpy`, not an array append.
struct ByteSink {
    let buffer: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var count = 0

    init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    func deallocate() { buffer.deallocate() }

    @inline(__always)
    mutating func write(_ p: UnsafePointer<UInt8>, _ n: Int, to output: inout [UInt8]) {
        if n <= 0 { return }
        if count + n > capacity {
            flush(to: &output)
            if n > capacity {
                output.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
                return
            }
        }
        if n <= 16 {
            for k in 0..<n { buffer[count + k] = p[k] }
        } else {
            (buffer + count).update(from: p, count: n)
        }
        count += n
    }

    mutating func flush(to output: inout [UInt8]) {
        if count > 0 {
            output.append(contentsOf: UnsafeBufferPointer(start: buffer, count: count))
            count = 0
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
