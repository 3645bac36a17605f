/// A DFA built lazily from a `Program`, one state at a time as the text
/// demands, for finding match boundaries without captures.
///
/// A state is the ordered list of NFA threads waiting to consume input (in
/// priority order), plus what the assertions need to know about the
/// character already passed (the left side when scanning forward, the right
/// side when scanning backward). Assertions that look at the character
/// still to come are resolved when the transition on that character is
/// computed, so each transition carries a "match" bit meaning "a match ends
/// (forward) or starts (backward) at the position before this character".
///
/// Forward DFAs use leftmost-first semantics: once a thread reaches `match`,
/// lower-priority threads are dropped, exactly as in the Pike VM, so the
/// scan ends where Java's match ends. The reverse DFA keeps all threads and
/// reports the leftmost position a match can start.
///
/// Each DFA belongs to one thread (see `MatchEngine`); its cache is bounded
/// and is cleared when full, and a search gives up (returning `.gaveUp`, so
/// the caller falls back to the Pike VM) if the cache thrashes.
final class LazyDFA {
    enum Direction { case forward, reverse }

    let program: Program
    let alphabet: Alphabet
    let direction: Direction
    /// Leftmost-first: stop following threads at the first match.
    let cut: Bool
    let stride: Int
    /// The column for "end of input" (forward) / "start of input" (reverse).
    let edge: Int
    private let needs: AssertionNeeds
    private let maxStates: Int

    /// Transition table, `stride` entries per state. An entry is -1 when not
    /// yet computed, else `targetOffset << 2 | special << 1 | match`, where
    /// `targetOffset` is the target's row offset (state index × stride) and
    /// `special` marks the dead state and (if `markStarts`) start states.
    private(set) var table: UnsafeMutablePointer<Int32>
    private var capacity: Int
    /// `alphabet.asciiClass` as a raw table for the scanning loops.
    let asciiClass: UnsafeMutablePointer<UInt16>
    /// Row offsets of start states by (entry, flags); -1 when not built.
    private var startCache: [Int32] = []
    private var keys: [StateKey] = []
    private var isStart: [Bool] = []
    private var index: [StateKey: Int32] = [:]
    /// Whether transitions into unanchored start states are flagged special.
    var markStarts = false
    /// Cache clears during the current search.
    var clearsThisSearch = 0

    /// Row offset of the dead state.
    static let dead = 0

    struct StateKey: Hashable {
        var flags: UInt8
        var pcs: [Int32]
    }

    // Scratch for transition computation.
    private var visited: [UInt32]
    private var generation: UInt32 = 0
    private var maskedVisited = Set<Masked>()
    private var stack: [(Int32, UInt64)] = []
    private var consuming: [Int32] = []
    private var nextPCs: [Int32] = []
    private var inNext: [UInt32]

    private struct Masked: Hashable {
        var pc: Int32
        var mask: UInt64
    }

    /// `stateLimit` overrides the cache size (in states), for tests.
    init?(program: Program, direction: Direction, cut: Bool, stateLimit: Int? = nil) {
        guard let alphabet = Alphabet(program) else { return nil }
        self.program = program
        self.alphabet = alphabet
        self.direction = direction
        self.cut = cut
        self.stride = alphabet.classCount + 1
        self.edge = alphabet.classCount
        self.needs = program.needs
        // Keep the table around 4 MiB at most.
        self.maxStates = stateLimit ?? max(64, (1 << 20) / stride)
        capacity = 16 * stride
        table = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        asciiClass = .allocate(capacity: 128)
        asciiClass.initialize(from: alphabet.asciiClass, count: 128)
        visited = [UInt32](repeating: 0, count: program.insts.count)
        inNext = [UInt32](repeating: 0, count: program.insts.count)
        reset()
    }

    deinit {
        table.deallocate()
        asciiClass.deallocate()
    }

    private func reset() {
        startCache = [Int32](repeating: -1, count: 512)
        keys.removeAll(keepingCapacity: true)
        isStart.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        // State 0 is the dead state: every transition stays dead.
        _ = addState(StateKey(flags: 0, pcs: []))
    }

    private func addState(_ key: StateKey) -> Int {
        let offset = keys.count * stride
        if offset + stride > capacity {
            let newCapacity = max(capacity * 2, offset + stride)
            let grown = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
            grown.update(from: table, count: offset)
            table.deallocate()
            table = grown
            capacity = newCapacity
        }
        let deadRow = key.pcs.isEmpty
        for i in 0..<stride { table[offset + i] = deadRow ? 2 : -1 }
        keys.append(key)
        isStart.append(key.pcs.count == 1 && key.pcs[0] == program.unanchoredStart)
        index[key] = Int32(offset)
        return offset
    }

    /// The row offset of `key`, adding the state (and clearing a full cache) as needed.
    private func intern(_ key: StateKey) -> Int {
        if key.pcs.isEmpty { return LazyDFA.dead }
        if let o = index[key] { return Int(o) }
        if keys.count >= maxStates {
            clearsThisSearch += 1
            reset()
        }
        return addState(key)
    }

    @inline(__always)
    private func encode(_ offset: Int, match: Bool) -> Int32 {
        let special = offset == LazyDFA.dead || (markStarts && isStart[offset / stride])
        return Int32(offset) << 2 | (special ? 2 : 0) | (match ? 1 : 0)
    }

    // MARK: Start states

    /// The start state for a scan beginning at `pos` from instruction `pc`.
    func startState(pc: Int32, at pos: Int, in text: UnsafePointer<UInt8>, end: Int) -> Int {
        var flags: UInt8 = 0
        switch direction {
        case .forward:
            if pos > 0 {
                let c = UTF8Bytes.decodeBefore(text, pos, 0, end).scalar
                let chain = needs.contains(.words) ? WordRule.chain(at: pos, in: text, end: end) : false
                flags = forwardFlags(side: PositionContext.Side(c), scalar: c, chain: chain)
            }
        case .reverse:
            if pos < end {
                let c = UTF8Bytes.decode(text, pos, end).scalar
                flags = reverseFlags(scalar: c)
            }
        }
        let slot = (pc == program.start ? 0 : 256) + Int(flags)
        if startCache[slot] >= 0 { return Int(startCache[slot]) }
        let clears = clearsThisSearch
        let offset = intern(StateKey(flags: flags, pcs: [pc]))
        if clears == clearsThisSearch { startCache[slot] = Int32(offset) }
        return offset
    }

    // Flag layout. Forward: bits 0-2 left side, bit 3 left is a word char
    // (Java's \b rule), bit 4 base chain. Reverse: bits 0-2 right side,
    // bit 3 right is a word char, bit 4 right is a non-spacing mark.

    private func canonicalSide(_ side: PositionContext.Side) -> UInt8 {
        if !needs.isDisjoint(with: [.lines, .finalTerminator]) { return side.rawValue }
        if !needs.isDisjoint(with: [.textStart, .textEnd]) {
            return side == .none ? 0 : PositionContext.Side.other.rawValue
        }
        return 0
    }

    private func forwardFlags(side: PositionContext.Side, scalar c: UInt32, chain: Bool) -> UInt8 {
        var f = canonicalSide(side)
        if needs.contains(.words) {
            if WordRule.sideIsWord(c, chain: chain) { f |= 8 }
            if chain { f |= 16 }
        }
        return f
    }

    private func reverseFlags(scalar c: UInt32) -> UInt8 {
        var f = canonicalSide(PositionContext.Side(c))
        if needs.contains(.words) {
            if WordRule.isWord(c) { f |= 8 }
            if WordRule.isMark(c) { f |= 16 }
        }
        return f
    }

    // MARK: Transitions

    /// Facts about a position that the alphabet cannot carry; a transition
    /// computed with any of them set is not cached.
    struct Extra {
        /// The rest of the input is a final line terminator (`$`, `\Z`).
        var finalTerminator = false
        /// Reverse only: the base chain at this position, when the character
        /// to its left is a non-spacing mark (found by walking further left).
        var chain: Bool? = nil
        var isNone: Bool { !finalTerminator && chain == nil }
    }

    /// The cached transition from the state at row `offset` on class `k`.
    @inline(__always)
    func transition(_ offset: Int, _ k: Int) -> Int32 {
        let v = table[offset + k]
        if v >= 0 { return v }
        return computeAndStore(offset, k)
    }

    private func computeAndStore(_ offset: Int, _ k: Int) -> Int32 {
        let cleared = clearsThisSearch
        let v = compute(offset, k, Extra())
        // A clear while computing invalidates `offset`; don't store then.
        if clearsThisSearch == cleared { table[offset + k] = v }
        return v
    }

    /// Computes (without caching) the transition from row `offset` on
    /// class `k` (or `edge`), with extra position facts.
    func compute(_ offset: Int, _ k: Int, _ extra: Extra) -> Int32 {
        let key = keys[offset / stride]
        if key.pcs.isEmpty { return 2 }
        let atEdge = k == edge
        let rep: UInt32 = atEdge ? 0 : alphabet.representative[k]
        // The context at the current position.
        var ctx = PositionContext()
        ctx.finalTerminator = extra.finalTerminator
        let flags = key.flags
        let side = PositionContext.Side(rawValue: flags & 7) ?? .other
        switch direction {
        case .forward:
            ctx.left = side
            ctx.leftWord = flags & 8 != 0
            let chain = flags & 16 != 0
            if !atEdge {
                ctx.right = PositionContext.Side(rep)
                ctx.rightWord = WordRule.sideIsWord(rep, chain: chain)
            }
        case .reverse:
            ctx.right = side
            var chain = false
            if !atEdge {
                ctx.left = PositionContext.Side(rep)
                chain = extra.chain ?? WordRule.chain(after: rep, before: false)
                ctx.leftWord = WordRule.sideIsWord(rep, chain: chain)
            }
            ctx.rightWord = flags & 8 != 0 || (flags & 16 != 0 && chain)
        }
        // A left side of "none" is exact only when tracked; otherwise the
        // canonical flags say nothing about it.
        let matched = closure(key.pcs, ctx)
        nextPCs.removeAll(keepingCapacity: true)
        if !atEdge {
            generation &+= 1
            for pc in consuming where program.accepts(Int(pc), rep) {
                let n = program.insts[Int(pc)].next
                if inNext[Int(n)] != generation {
                    inNext[Int(n)] = generation
                    nextPCs.append(n)
                }
            }
        }
        var newFlags: UInt8 = 0
        if !nextPCs.isEmpty && !atEdge {
            switch direction {
            case .forward:
                let chain = WordRule.chain(after: rep, before: flags & 16 != 0)
                newFlags = forwardFlags(side: PositionContext.Side(rep), scalar: rep, chain: chain)
            case .reverse:
                newFlags = reverseFlags(scalar: rep)
            }
        }
        let target = intern(StateKey(flags: newFlags, pcs: nextPCs))
        return encode(target, match: matched)
    }

    /// Follows epsilon moves from `pcs` in priority order under `ctx`,
    /// leaving the consuming instructions reached in `consuming`. Returns
    /// whether `match` was reached (in `cut` mode, lower threads are dropped).
    private func closure(_ pcs: [Int32], _ ctx: PositionContext) -> Bool {
        consuming.removeAll(keepingCapacity: true)
        if !maskedVisited.isEmpty { maskedVisited.removeAll(keepingCapacity: true) }
        generation &+= 1
        if generation == 0 {
            for i in visited.indices { visited[i] = 0; inNext[i] = 0 }
            generation = 1
        }
        var matched = false
        let insts = program.insts
        for root in pcs {
            stack.append((root, 0))
            while let (pc, mask) = stack.popLast() {
                if mask == 0 {
                    if visited[Int(pc)] == generation { continue }
                    visited[Int(pc)] = generation
                } else if !maskedVisited.insert(Masked(pc: pc, mask: mask)).inserted {
                    continue
                }
                let inst = insts[Int(pc)]
                switch inst.op {
                case .char, .set:
                    consuming.append(pc)
                case .match:
                    matched = true
                    if cut {
                        stack.removeAll(keepingCapacity: true)
                        return true
                    }
                case .jump:
                    stack.append((inst.next, mask))
                case .split:
                    stack.append((inst.alt, mask))
                    stack.append((inst.next, mask))
                case .save:
                    stack.append((inst.next, mask))
                case .assert:
                    if ctx.holds(RegexAssertion(rawValue: UInt8(inst.arg))!) { stack.append((inst.next, mask)) }
                case .roundStart:
                    stack.append((inst.next, mask | 1 << UInt64(inst.arg)))
                case .roundEnd:
                    let bit: UInt64 = 1 << UInt64(inst.arg)
                    stack.append(mask & bit != 0 ? (inst.alt, mask & ~bit) : (inst.next, mask))
                }
            }
        }
        return matched
    }
}
