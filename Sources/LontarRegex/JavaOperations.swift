/// Java's operations built on `find`: the successive-match loop of
/// `Matcher.find()`, `replaceAll` and `Pattern.split`, with Java's exact
/// handling of empty matches.
extension MatchEngine {
    /// Calls `body` with each match Java's repeated `find()` reports, from
    /// `from` on, until it returns false. After an empty match the next
    /// search starts one code point later; a match may start right where
    /// the previous one ended, even if empty (so `a*` on "baaac" matches
    /// at 0, 1–4, 4 and 5).
    @inline(__always)
    func forEachMatch(_ text: UnsafeBufferPointer<UInt8>, from: Int,
                      _ body: (Range<Int>) throws -> Bool) rethrows {
        var pos = from
        let end = text.count
        while pos <= end, let m = find(text, from: pos) {
            if try !body(m) { return }
            if m.isEmpty {
                if m.upperBound >= end { return }
                pos = advance(text, m.upperBound)
            } else {
                pos = m.upperBound
            }
        }
    }

    /// Java's `Matcher.replaceAll`: appends `text` with every match replaced
    /// to `output`. Throws the replacement's error only if there is a match.
    func replaceAll(_ text: UnsafeBufferPointer<UInt8>, with replacement: RegexReplacement,
                    into output: inout [UInt8]) throws(RegexError) {
        let end = text.count
        let p = base(text)
        var copied = 0
        var first = true
        if let literal = replacement.literalBytes {
            if !pikeOnly, let shortcut {
                shortcut.replaceAll(p, count: end, with: literal, sink: &sink, into: &output)
                return
            }
            literal.withUnsafeBufferPointer { r in
                forEachMatch(text, from: 0) { m in
                    sink.write(p + copied, m.lowerBound - copied, to: &output)
                    if let rb = r.baseAddress { sink.write(rb, r.count, to: &output) }
                    copied = m.upperBound
                    return true
                }
            }
            sink.write(p + copied, end - copied, to: &output)
            sink.flush(to: &output)
            return
        }
        var groupSlots = [Int](repeating: -1, count: 2 * (captureCount + 1))
        var failure: RegexError? = nil
        forEachMatch(text, from: 0) { m in
            if first {
                first = false
                if let e = replacement.error {
                    failure = e
                    return false
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[copied..<m.lowerBound]))
            if replacement.needsGroups {
                groups(of: m, in: text, into: &groupSlots)
            } else {
                groupSlots[0] = m.lowerBound
                groupSlots[1] = m.upperBound
            }
            replacement.append(match: groupSlots, text: text, to: &output)
            copied = m.upperBound
            return true
        }
        if let failure { throw failure }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[copied..<end]))
    }

    /// Java's `Pattern.split(input, limit)`: the pieces between matches.
    /// `limit > 0`: at most `limit` pieces, the last holding the rest;
    /// `limit == 0`: trailing empty pieces removed; `limit < 0`: all pieces.
    /// An empty match at the very start produces no leading empty piece.
    func split(_ text: UnsafeBufferPointer<UInt8>, limit: Int) -> [Range<Int>] {
        let end = text.count
        var pieces: [Range<Int>] = []
        var index = 0
        let limited = limit > 0
        forEachMatch(text, from: 0) { m in
            if !limited || pieces.count < limit - 1 {
                if index == 0 && m.lowerBound == 0 && m.isEmpty { return true }
                pieces.append(index..<m.lowerBound)
                index = m.upperBound
                return true
            }
            if pieces.count == limit - 1 {
                pieces.append(index..<end)
                index = m.upperBound
            }
            return false
        }
        if index == 0 { return [0..<end] }
        if !limited || pieces.count < limit { pieces.append(index..<end) }
        if limit == 0 {
            while let last = pieces.last, last.isEmpty { pieces.removeLast() }
        }
        return pieces
    }
}
