#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds occurrences of a byte string, by `memchr` on its rarest byte
/// (guessed from typical text) followed by a comparison. Immutable after
/// creation; its bytes live in a raw buffer so searching touches no
/// reference counts.
final class LiteralSearcher: @unchecked Sendable {
    let needle: UnsafeMutablePointer<UInt8>
    let count: Int
    /// Offset in the needle of the byte `memchr` looks for.
    let anchorOffset: Int
    let anchorByte: UInt8

    init(_ bytes: [UInt8]) {
        precondition(!bytes.isEmpty)
        count = bytes.count
        needle = .allocate(capacity: bytes.count)
        needle.initialize(from: bytes, count: bytes.count)
        var best = 0
        for i in bytes.indices where LiteralSearcher.rank(bytes[i]) < LiteralSearcher.rank(bytes[best]) {
            best = i
        }
        anchorOffset = best
        anchorByte = bytes[best]
    }

    deinit { needle.deallocate() }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: needle, count: count)) }

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
        case UInt8(ascii: ","), UInt8(ascii: "."), 0x0A: return 400
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return 300
        case 0x80...0xFF: return 200
        default: return 100
        }
    }

    /// The first position at or after `from` where the needle starts, or -1.
    @inline(__always)
    func next(_ text: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        let n = count
        var i = from + anchorOffset
        let last = end - (n - anchorOffset)  // last position the anchor byte may be at
        while i <= last {
            guard let hit = memchr(text + i, Int32(anchorByte), last - i + 1) else { return -1 }
            let j = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - text
            let start = j - anchorOffset
            if n == 1 || memcmp(text + start, needle, n) == 0 { return start }
            i = j + 1
        }
        return -1
    }
}

/// Skips text where no match can start.
final class Prefilter: @unchecked Sendable {
    enum Kind {
        /// Every match starts with the bytes of `literal`.
        case literal
        /// Every match starts with `byte`.
        case byte
        /// Every match starts with a byte `b` where `table[b] != 0`.
        case bytes
    }

    let kind: Kind
    let literal: LiteralSearcher?
    let byte: UInt8
    let table: UnsafeMutablePointer<UInt8>

    /// Builds the prefilter for a pattern, when one helps: a literal prefix
    /// of two or more bytes, else the set of possible first bytes when it
    /// excludes most bytes. Nil for patterns that can match empty.
    init?(_ root: RegexNode) {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: 0, count: 256)
        table = t
        let prefix = root.literalPrefix
        if prefix.count >= 2 || (prefix.count == 1 && prefix[0] >= 0x80) {
            var bytes: [UInt8] = []
            for c in prefix { UTF8Bytes.encode(c, into: &bytes) }
            kind = .literal
            literal = LiteralSearcher(bytes)
            byte = 0
            return
        }
        literal = nil
        guard let first = root.firstCharacters else {
            t.deallocate()
            return nil
        }
        let table = t
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
        let members = (0..<256).reduce(0) { $0 + Int(table[$1]) }
        if members == 1, let b = (0..<256).first(where: { table[$0] != 0 }) {
            kind = .byte
            byte = UInt8(b)
        } else if members <= 24 {
            kind = .bytes
            byte = 0
        } else {
            t.deallocate()
            return nil
        }
    }

    deinit { table.deallocate() }

    /// Whether scanning with it is cheap enough to do at every restart.
    var isFast: Bool { kind != .bytes }

    /// The first position at or after `from` where a match might start, or -1.
    @inline(__always)
    func next(_ text: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        switch kind {
        case .literal:
            return literal.unsafelyUnwrapped.next(text, from: from, end: end)
        case .byte:
            guard from < end, let hit = memchr(text + from, Int32(byte), end - from) else { return -1 }
            return UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - text
        case .bytes:
            var i = from
            while i < end {
                if table[Int(text[i])] != 0 { return i }
                i += 1
            }
            return -1
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
