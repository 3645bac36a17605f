#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds occurrences of a byte string, by `memchr` on its rarest byte
/// (guessed from typical text) followed by a comparison.
struct LiteralSearcher: Sendable {
    let needle: [UInt8]
    /// Offset in `needle` of the byte `memchr` looks for.
    let anchorOffset: Int
    let anchorByte: UInt8

    init(_ needle: [UInt8]) {
        precondition(!needle.isEmpty)
        self.needle = needle
        var best = 0
        for i in needle.indices where LiteralSearcher.rank(needle[i]) < LiteralSearcher.rank(needle[best]) {
            best = i
        }
        anchorOffset = best
        anchorByte = needle[best]
    }

    /// How common a byte is in English prose and markup (lower = rarer).
    static func rank(_ b: UInt8) -> Int {
        switch b {
        case 0x20: return 1000  // space
        case UInt8(ascii: "e"), UInt8(ascii: "t"), UInt8(ascii: "a"), UInt8(ascii: "o"),
             UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "h"):
            return 900
        case UInt8(ascii: "l"), UInt8(ascii: "d"), UInt8(ascii: "c"), UInt8(ascii: "u"), UInt8(ascii: "m"):
            return 700
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return 500
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return 300
        case UInt8(ascii: ","), UInt8(ascii: "."), 0x0A: return 400
        case 0x80...0xFF: return 200
        default: return 100
        }
    }

    /// The first position at or after `from` where the needle starts.
    @inline(__always)
    func next(_ text: UnsafePointer<UInt8>, from: Int, end: Int) -> Int? {
        let n = needle.count
        var i = from + anchorOffset
        let last = end - (n - anchorOffset)  // last position the anchor byte may be at
        while i <= last {
            guard let hit = memchr(text + i, Int32(anchorByte), last - i + 1) else { return nil }
            let j = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - text
            let start = j - anchorOffset
            if needle.withUnsafeBufferPointer({ memcmp(text + start, $0.baseAddress!, n) == 0 }) {
                return start
            }
            i = j + 1
        }
        return nil
    }
}

/// Skips text where no match can start.
enum Prefilter: Sendable {
    /// Every match starts with these bytes.
    case literal(LiteralSearcher)
    /// Every match starts with this byte.
    case byte(UInt8)
    /// Every match starts with one of these bytes (`table[b] != 0`).
    case bytes([UInt8])

    /// Builds the prefilter for a pattern, when one helps: a literal prefix
    /// of two or more bytes, else the set of possible first bytes when it
    /// excludes most bytes. Nil for patterns that can match empty.
    init?(_ root: RegexNode) {
        let prefix = root.literalPrefix
        if prefix.count >= 2 || (prefix.count == 1 && prefix[0] >= 0x80) {
            var bytes: [UInt8] = []
            for c in prefix { UTF8Bytes.encode(c, into: &bytes) }
            self = .literal(LiteralSearcher(bytes))
            return
        }
        guard let first = root.firstCharacters else { return nil }
        var table = [UInt8](repeating: 0, count: 256)
        for r in first.ranges {
            if r.lowerBound < 0x80 {
                for c in r.lowerBound...min(r.upperBound, 0x7F) { table[Int(c)] = 1 }
            }
            if r.upperBound >= 0x80 {
                // Lead bytes of the UTF-8 encodings in the range; U+FFFD also
                // stands for any invalid byte.
                let lo = max(r.lowerBound, 0x80)
                if (lo...r.upperBound).contains(0xFFFD) {
                    for b in 0x80...0xFF { table[b] = 1 }
                }
                var a: [UInt8] = [], z: [UInt8] = []
                UTF8Bytes.encode(lo, into: &a)
                UTF8Bytes.encode(r.upperBound, into: &z)
                for b in Int(a[0])...Int(z[0]) { table[b] = 1 }
            }
        }
        let members = table.reduce(0) { $0 + Int($1) }
        if members == 1, let b = table.firstIndex(of: 1) {
            self = .byte(UInt8(b))
        } else if members <= 24 {
            self = .bytes(table)
        } else {
            return nil
        }
    }

    /// Whether scanning with it is cheap enough to do at every restart.
    var isFast: Bool {
        switch self {
        case .literal, .byte: return true
        case .bytes: return false
        }
    }

    /// The first position at or after `from` where a match might start.
    func next(_ text: UnsafePointer<UInt8>, from: Int, end: Int) -> Int? {
        switch self {
        case .literal(let searcher):
            return searcher.next(text, from: from, end: end)
        case .byte(let b):
            guard from < end, let hit = memchr(text + from, Int32(b), end - from) else { return nil }
            return UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - text
        case .bytes(let table):
            return table.withUnsafeBufferPointer { t in
                var i = from
                while i < end {
                    if t[Int(text[i])] != 0 { return i }
                    i += 1
                }
                return nil
            }
        }
    }
}

extension RegexNode {
    /// Code points every match starts with (ignoring zero-width assertions).
    var literalPrefix: [UInt32] {
        var out: [UInt32] = []
        _ = appendPrefix(to: &out)
        return out.contains(where: { (0xD800...0xDFFF).contains($0) }) ? [] : out
    }

    /// Appends this node's required leading literals; returns whether the
    /// whole node was literal (so a following node may continue the prefix).
    private func appendPrefix(to out: inout [UInt32]) -> Bool {
        switch self {
        case .empty, .assertion: return true
        case .literal(let c):
            out.append(c)
            return true
        case .set(let s):
            if let c = s.singleMember { out.append(c); return true }
            return false
        case .concat(let items):
            for item in items where !item.appendPrefix(to: &out) { return false }
            return true
        case .group(let body, _):
            return body.appendPrefix(to: &out)
        case .repetition(let body, let min, let max, _):
            if min >= 1 {
                let complete = body.appendPrefix(to: &out)
                return complete && min == 1 && max == 1
            }
            return false
        case .alternation:
            return false
        }
    }

    /// The code points a match can start with, or nil if it can be empty.
    var firstCharacters: CodePointSet? {
        let (set, nullable) = firstSet
        return nullable ? nil : set
    }

    private var firstSet: (CodePointSet, Bool) {
        switch self {
        case .empty, .assertion: return (CodePointSet(), true)
        case .literal(let c): return (CodePointSet(c), false)
        case .set(let s): return (s, false)
        case .concat(let items):
            var acc = CodePointSet()
            for item in items {
                let (s, nullable) = item.firstSet
                acc = acc.union(s)
                if !nullable { return (acc, false) }
            }
            return (acc, true)
        case .alternation(let alts):
            var acc = CodePointSet()
            var nullable = false
            for a in alts {
                let (s, n) = a.firstSet
                acc = acc.union(s)
                nullable = nullable || n
            }
            return (acc, nullable)
        case .group(let body, _):
            return body.firstSet
        case .repetition(let body, let min, let max, _):
            if max == 0 { return (CodePointSet(), true) }
            let (s, n) = body.firstSet
            return (s, n || min == 0)
        }
    }
}
