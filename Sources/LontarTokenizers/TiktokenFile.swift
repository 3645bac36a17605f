import Foundation

/// Reader for tiktoken's vocabulary format (`tokenizer.model` of Llama 3):
/// one token per line, `<base64 of the token's bytes> <rank>`.
enum TiktokenFile {
    /// The token bytes indexed by rank, packed. Ranks must be exactly
    /// `0 ..< n`, each once, since a rank is also the token's id.
    static func parse(_ data: [UInt8], path: String) throws -> PackedTokens {
        try data.withUnsafeBufferPointer { try parse($0, path: path) }
    }

    private static func parse(_ data: UnsafeBufferPointer<UInt8>, path: String) throws -> PackedTokens {
        // Lines may come in any rank order: decode into one arena in file
        // order, then lay the tokens out by rank.
        var arena: [UInt8] = []
        arena.reserveCapacity(data.count * 3 / 4)
        var spans: [(start: Int, length: Int)?] = []
        spans.reserveCapacity(data.count / 12)
        var line = 0
        var i = 0
        while i < data.count {
            line += 1
            var end = i
            while end < data.count, data[end] != UInt8(ascii: "\n") { end += 1 }
            var lineEnd = end
            if lineEnd > i, data[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { i = end + 1 }
            if lineEnd == i { continue }  // blank line
            var space = i
            while space < lineEnd, data[space] != UInt8(ascii: " ") { space += 1 }
            guard space < lineEnd else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "expected '<base64> <rank>'")
            }
            guard let rank = parseRank(data, space + 1, lineEnd) else {
                throw TokenizerError.malformedLine(path: path, line: line,
                                                   reason: "rank is not a non-negative integer")
            }
            let start = arena.count
            guard Base64.decode(UnsafeBufferPointer(rebasing: data[i ..< space]), into: &arena), arena.count > start else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "token is not valid base64")
            }
            guard rank < 1 << 24 else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "rank \(rank) is implausibly large")
            }
            if rank >= spans.count { spans.append(contentsOf: repeatElement(nil, count: rank + 1 - spans.count)) }
            guard spans[rank] == nil else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "rank \(rank) appears twice")
            }
            spans[rank] = (start, arena.count - start)
        }
        var packed = PackedTokens()
        packed.bytes.reserveCapacity(arena.count)
        packed.offsets.reserveCapacity(spans.count + 1)
        for (rank, span) in spans.enumerated() {
            guard let span else {
                throw TokenizerError.invalidVocabulary("\(path): rank \(rank) is missing (ranks must be 0..<\(spans.count))")
            }
            packed.bytes.append(contentsOf: arena[span.start ..< span.start + span.length])
            packed.offsets.append(packed.bytes.count)
        }
        return packed
    }

    private static func parseRank(_ data: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        guard to > from, to - from <= 9 else { return nil }
        var value = 0
        for k in from ..< to {
            let d = data[k]
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(d - UInt8(ascii: "0"))
        }
        return value
    }
}

/// Token byte strings packed back to back: token `i` is
/// `bytes[offsets[i] ..< offsets[i + 1]]`.
struct PackedTokens {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]

    var count: Int { offsets.count - 1 }

    init() {}

    init(_ tokens: [[UInt8]]) {
        for t in tokens {
            bytes.append(contentsOf: t)
            offsets.append(bytes.count)
        }
    }

    mutating func append<C: Collection>(_ token: C) where C.Element == UInt8 {
        bytes.append(contentsOf: token)
        offsets.append(bytes.count)
    }

    func length(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }

    subscript(i: Int) -> ArraySlice<UInt8> { bytes[offsets[i] ..< offsets[i + 1]] }
}

/// Standard base64 (RFC 4648, with `=` padding), decoded without Foundation
/// so that 128,000 short lines load in milliseconds.
enum Base64 {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Appends the decoded bytes to `out`; `false` if `text` is not base64.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        let n = text.count
        guard n % 4 == 0 else { return false }
        if n == 0 { return true }
        var padding = 0
        if text[n - 1] == UInt8(ascii: "=") { padding += 1 }
        if text[n - 2] == UInt8(ascii: "=") { padding += 1 }
        return values.withUnsafeBufferPointer { table in
            var k = 0
            while k < n {
                var accumulator: UInt32 = 0
                for j in 0 ..< 4 {
                    let c = text[k + j]
                    var v: UInt8 = 0
                    if k + j < n - padding {
                        v = table[Int(c)]
                        if v == 0xFF { return false }
                    } else if c != UInt8(ascii: "=") {
                        return false
                    }
                    accumulator = accumulator << 6 | UInt32(v)
                }
                out.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                out.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                out.append(UInt8(truncatingIfNeeded: accumulator))
                k += 4
            }
            out.removeLast(padding)
            return true
        }
    }
}
