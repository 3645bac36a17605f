/// Per-thread matching state for one pattern: the lazily built DFAs, the
/// Pike VMs and scratch space. Not thread-safe; `CompiledRegex` hands one
/// to each concurrent caller.
///
/// Finding a match: a shortcut matcher if the pattern has a simple shape;
/// otherwise a prefilter skips to where a match could start, the forward
/// DFA finds where the leftmost-first match ends, and the reverse DFA where
/// it starts. Capture groups, when wanted, come from the Pike VM run over
/// just that match. Whenever a DFA is unavailable or gives up, the Pike VM
/// does the whole search — slower, same answer.
final class MatchEngine {
    let program: Program
    let wholeProgram: Program
    let reverseProgram: Program?
    let shortcut: Shortcut?
    let prefilter: Prefilter?
    let captureCount: Int

    private lazy var pike = PikeVM(program: program)
    private lazy var wholePike = PikeVM(program: wholeProgram)
    private lazy var forwardDFA: LazyDFA? = {
        let dfa = LazyDFA(program: program, direction: .forward, cut: true, stateLimit: dfaStateLimit)
        dfa?.markStarts = prefilter?.isFast ?? false
        return dfa
    }()
    private lazy var reverseDFA: LazyDFA? = reverseProgram.flatMap {
        LazyDFA(program: $0, direction: .reverse, cut: false, stateLimit: dfaStateLimit)
    }
    private lazy var wholeDFA: LazyDFA? = LazyDFA(program: wholeProgram, direction: .forward, cut: true,
                                                   stateLimit: dfaStateLimit)
    /// For tests: a small DFA cache, to exercise cache clearing and giving up.
    let dfaStateLimit: Int?
    var slots: [Int]
    /// Staging area for `replaceAll` output.
    var sink = ByteSink()
    /// For tests: skip the shortcuts and DFAs and use only the Pike VM.
    var pikeOnly = false
    /// For tests: how many searches the Pike VM did in place of a DFA.
    var pikeFallbacks = 0

    /// A valid address for empty inputs (whose buffers may have none);
    /// nothing is ever read through it.
    private nonisolated(unsafe) static let emptyBase: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)

    init(_ regex: CompiledRegex, dfaStateLimit: Int? = nil) {
        self.dfaStateLimit = dfaStateLimit
        program = regex.forward
        wholeProgram = regex.whole
        reverseProgram = regex.reverse
        shortcut = regex.shortcut
        prefilter = regex.prefilter
        captureCount = regex.captureCount
        slots = [Int](repeating: -1, count: regex.forward.slotCount)
    }

    deinit { sink.deallocate() }

    @inline(__always)
    func base(_ text: UnsafeBufferPointer<UInt8>) -> UnsafePointer<UInt8> {
        text.baseAddress ?? UnsafePointer(MatchEngine.emptyBase)
    }

    /// Java's `find(from)`: the leftmost-first match starting at or after
    /// byte `from` (a code point boundary), as a byte range.
    func find(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> Range<Int>? {
        let end = text.count
        if from > end { return nil }
        let p = base(text)
        let anchored = program.anchoredAtTextStart
        if pikeOnly { return pikeFind(text, from: from, anchored: anchored) }
        if let shortcut {
            let m = shortcut.find(p, from: from, end: end)
            return m.start < 0 ? nil : m.start..<m.end
        }
        var start = from
        if anchored && from > 0 { return nil }
        if !anchored, let prefilter {
            let candidate = prefilter.next(p, from: from, end: end)
            if candidate < 0 { return nil }
            start = candidate
        }
        if let dfa = forwardDFA {
            let e = dfa.scanForward(p, from: start, end: end,
                                    startPC: anchored ? program.start : program.unanchoredStart,
                                    earliest: false, prefilter: dfa.markStarts ? prefilter : nil)
            if e == LazyDFA.notFound { return nil }
            if e >= 0, let reverse = reverseDFA {
                let s = reverse.scanReverse(p, from: e, limit: start, textEnd: end)
                if s >= 0 { return s..<e }
            }
        }
        return pikeFind(text, from: start, anchored: anchored)
    }

    private func pikeFind(_ text: UnsafeBufferPointer<UInt8>, from: Int, anchored: Bool) -> Range<Int>? {
        pikeFallbacks += 1
        guard pike.search(text, from: from, anchored: anchored, slots: &slots) else { return nil }
        return slots[0]..<slots[1]
    }

    /// Like `find`, also filling `slots` (two per group, -1 when unset).
    func findWithGroups(_ text: UnsafeBufferPointer<UInt8>, from: Int, slots out: inout [Int]) -> Bool {
        guard let range = find(text, from: from) else { return false }
        groups(of: range, in: text, into: &out)
        return true
    }

    /// The capture groups of `match`, a match `find` returned.
    func groups(of match: Range<Int>, in text: UnsafeBufferPointer<UInt8>, into out: inout [Int]) {
        if out.count != program.slotCount { out = [Int](repeating: -1, count: program.slotCount) }
        if captureCount == 0 {
            out[0] = match.lowerBound
            out[1] = match.upperBound
            return
        }
        // Of the matches starting where this one starts, `find` found the
        // highest-priority one; so does the anchored Pike VM, with groups.
        if !pike.search(text, from: match.lowerBound, anchored: true, slots: &out) || out[1] != match.upperBound {
            // Unreachable unless the matchers disagree; keep the range.
            for i in out.indices { out[i] = -1 }
            out[0] = match.lowerBound
            out[1] = match.upperBound
        }
    }

    /// Java's `find()` as a yes/no question (Spark's `rlike`).
    func contains(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let end = text.count
        let p = base(text)
        let anchored = program.anchoredAtTextStart
        if pikeOnly { return pike.search(text, from: 0, anchored: anchored, slots: &slots) }
        if let shortcut { return shortcut.find(p, from: 0, end: end).start >= 0 }
        var start = 0
        if !anchored, let prefilter {
            let candidate = prefilter.next(p, from: 0, end: end)
            if candidate < 0 { return false }
            start = candidate
        }
        if let dfa = forwardDFA {
            let e = dfa.scanForward(p, from: start, end: end,
                                    startPC: anchored ? program.start : program.unanchoredStart,
                                    earliest: true, prefilter: dfa.markStarts ? prefilter : nil)
            if e != LazyDFA.gaveUp { return e >= 0 }
        }
        return pike.search(text, from: start, anchored: anchored, slots: &slots)
    }

    /// Java's `matches()`: whether the pattern matches the whole input.
    func matchesWhole(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let end = text.count
        if !pikeOnly, let dfa = wholeDFA {
            let e = dfa.scanForward(base(text), from: 0, end: end, startPC: wholeProgram.start,
                                    earliest: true, prefilter: nil)
            if e != LazyDFA.gaveUp { return e == end }
        }
        var s = [Int](repeating: -1, count: wholeProgram.slotCount)
        return wholePike.search(text, from: 0, anchored: true, slots: &s)
    }

    /// The position after the code point at `pos` (Java advances one
    /// UTF-16 unit after an empty match; here one code point).
    func advance(_ text: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Int {
        pos + UTF8Bytes.decode(base(text), pos, text.count).length
    }
}
