import Foundation

/// Reader for tiktoken's vocabulary format (`tokenizer.model` of Llama 3):
/// one token per line, `<base64 of the token's bytes> <rank>`.
enum TiktokenFile {
    /// The token bytes indexed by rank. Ranks must be exactly `0 ..< n`, each
    /// once, since a rank is also the token's id.
    static func parse(_ data: [UInt8], path: String) throws -> [[UInt8]] {
        var byRank: [[UInt8]?] = []
        byRank.reserveCapacity(data.count / 16)
        var line = 0
        var i = 0
        var decoded: [UInt8] = []
        while i < data.count {
            line += 1
            var end = i
            while end < data.count, data[end] != UInt8(ascii: "\n") { end += 1 }
            var lineEnd = end
            if lineEnd > i, data[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { i = end + 1 }
            if lineEnd == i { continue }  // blank line
            guard let space = data[i ..< lineEnd].firstIndex(of: UInt8(ascii: " ")) else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "expected '<base64> <rank>'")
            }
            guard let rank = parseRank(data[(space + 1) ..< lineEnd]) else {
                throw TokenizerError.malformedLine(path: path, line: line,
                                                   reason: "rank is not a non-negative integer")
            }
            decoded.removeAll(keepingCapacity: true)
            guard Base64.decode(data[i ..< space], into: &decoded), !decoded.isEmpty else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "token is not valid base64")
            }
            guard rank < 1 << 24 else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "rank \(rank) is implausibly large")
            }
            if rank >= byRank.count { byRank.append(contentsOf: repeatElement(nil, count: rank + 1 - byRank.count)) }
            guard byRank[rank] == nil else {
                throw TokenizerError.malformedLine(path: path, line: line, reason: "rank \(rank) appears twice")
            }
            byRank[rank] = decoded
        }
        var tokens: [[UInt8]] = []
        tokens.reserveCapacity(byRank.count)
        for (rank, token) in byRank.enumerated() {
            guard let token else {
                throw TokenizerError.invalidVocabulary("\(path): rank \(rank) is missing (ranks must be 0..<\(byRank.count))")
            }
            tokens.append(token)
        }
        return tokens
    }

    private static func parseRank(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(d - UInt8(ascii: "0"))
        }
        return value
    }
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
    static func decode(_ text: ArraySlice<UInt8>, into out: inout [UInt8]) -> Bool {
        guard text.count % 4 == 0 else { return false }
        var padding = 0
        if text.last == UInt8(ascii: "=") { padding += 1 }
        if text.count >= 2, text[text.endIndex - 2] == UInt8(ascii: "=") { padding += 1 }
        var accumulator: UInt32 = 0
        var index = 0
        for c in text {
            var v: UInt8 = 0
            if index < text.count - padding {
                v = values[Int(c)]
                if v == 0xFF { return false }
            } else if c != UInt8(ascii: "=") {
                return false
            }
            accumulator = accumulator << 6 | UInt32(v)
            index += 1
            if index % 4 == 0 {
                out.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                out.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
            }
        }
        out.removeLast(padding)
        return true
    }
}
