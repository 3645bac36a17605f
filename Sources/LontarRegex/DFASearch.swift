/// The scanning loops that drive a `LazyDFA` over UTF-8 text.
///
/// The inner loops handle one ASCII byte per step with two table reads;
/// everything else (non-ASCII code points, uncomputed transitions, the dead
/// and start states, the last bytes of the input where `$` looks ahead)
/// goes through the slower step below them.
extension LazyDFA {
    /// Result codes of a scan besides a position.
    static let notFound = -1
    static let gaveUp = -2
    /// Cache clears after which a scan gives up on the DFA.
    static let maxClears = 6

    /// Scans forward from `from`. Returns the end of the leftmost-first
    /// match (or, with `earliest`, the first position where any match
    /// ends), `notFound`, or `gaveUp`. `startPC` is the program's anchored
    /// or unanchored entry. When `prefilter` is given (with `markStarts`),
    /// runs of text where no match can start are skipped with it.
    func scanForward(_ text: UnsafePointer<UInt8>, from: Int, end: Int, startPC: Int32,
                     earliest: Bool, prefilter: Prefilter?) -> Int {
        clearsThisSearch = 0
        var s = startState(pc: startPC, at: from, in: text, end: end)
        var pos = from
        var last = LazyDFA.notFound
        let guardZone = program.needs.contains(.finalTerminator) ? max(from, end - 3) : end
        let cls = asciiClass
        while true {
            // Fast path: ASCII bytes with known, ordinary transitions.
            let t = table
            while pos < guardZone {
                let b = text[pos]
                if b >= 0x80 { break }
                let v = t[s &+ Int(cls[Int(b)])]
                if v < 0 || v & 2 != 0 { break }
                if v & 1 != 0 {
                    last = pos
                    if earliest { return last }
                }
                s = Int(truncatingIfNeeded: v >> 2)
                pos &+= 1
            }
            // Slow step at `pos`.
            if pos >= end {
                let v = transition(s, edge)
                if v & 1 != 0 { last = end }
                return last
            }
            let (c, length) = UTF8Bytes.decode(text, pos, end)
            let k = alphabet.classOf(c)
            var v: Int32
            if pos >= guardZone && PositionContext.isFinalTerminator(
                text, pos, end, leftIsCR: pos > 0 && text[pos - 1] == 0x0D) {
                v = compute(s, k, Extra(finalTerminator: true))
            } else {
                v = transition(s, k)
            }
            if clearsThisSearch > LazyDFA.maxClears { return LazyDFA.gaveUp }
            if v & 1 != 0 {
                last = pos
                if earliest { return last }
            }
            s = Int(v >> 2)
            pos += length
            if v & 2 != 0 {
                if s == LazyDFA.dead { return last }
                // Back in the start state: nothing is in progress, so jump
                // to the next place a match could start.
                if let prefilter, last < 0 {
                    // (A prefilter exists only for patterns that cannot
                    // match empty, so no match can begin at `end` either.)
                    let next = prefilter.next(text, from: pos, end: end)
                    if next < 0 { return LazyDFA.notFound }
                    if next > pos {
                        pos = next
                        s = startState(pc: startPC, at: pos, in: text, end: end)
                    }
                }
            }
        }
    }

    /// Scans backward from `end` (a match end) down to `limit`, returning
    /// the leftmost position at or after `limit` where a match of the
    /// reversed program starts, `notFound`, or `gaveUp`.
    func scanReverse(_ text: UnsafePointer<UInt8>, from end: Int, limit: Int, textEnd: Int) -> Int {
        clearsThisSearch = 0
        var s = startState(pc: program.start, at: end, in: text, end: textEnd)
        var pos = end
        var best = LazyDFA.notFound
        let needsFinal = program.needs.contains(.finalTerminator)
        let zone = needsFinal ? textEnd - 3 : Int.max
        let cls = asciiClass
        while true {
            let t = table
            while pos > limit && pos < zone {
                let b = text[pos &- 1]
                if b >= 0x80 { break }
                let v = t[s &+ Int(cls[Int(b)])]
                if v < 0 || v & 2 != 0 { break }
                if v & 1 != 0 { best = pos }
                s = Int(truncatingIfNeeded: v >> 2)
                pos &-= 1
            }
            if pos == 0 {
                let v = transition(s, edge)
                if v & 1 != 0 { best = 0 }
                return best
            }
            let (c, length) = UTF8Bytes.decodeBefore(text, pos, 0, textEnd)
            let k = alphabet.classOf(c)
            var extra = Extra()
            if needsFinal && pos >= zone {
                extra.finalTerminator = PositionContext.isFinalTerminator(text, pos, textEnd, leftIsCR: c == 0x0D)
            }
            if alphabet.isBMPMark[k] {
                extra.chain = WordRule.chain(at: pos, in: text, end: textEnd)
            }
            let v = extra.isNone ? transition(s, k) : compute(s, k, extra)
            if clearsThisSearch > LazyDFA.maxClears { return LazyDFA.gaveUp }
            if v & 1 != 0 { best = pos }
            if pos <= limit { return best }
            s = Int(v >> 2)
            if s == LazyDFA.dead { return best }
            pos -= length
        }
    }
}
