/// The Pike VM: runs all NFA threads in lock step, one code point at a time,
/// in priority order, so it finds Java's leftmost-first match with its
/// capture groups in O(text × pattern) time.
///
/// Threads reached at the same position with the same program counter have
/// the same future, so only the first (highest-priority) one is kept. For
/// loops under Java's empty-round rule the future also depends on which
/// rounds started at this position, so epsilon moves are de-duplicated on
/// (pc, round mask); threads that consume input always have an empty mask.
final class PikeVM {
    let program: Program
    private var current: ThreadList
    private var upcoming: ThreadList
    private var stack: [Frame] = []
    private var scratch: [Int]

    private enum Frame {
        case explore(Int32, UInt64)
        case restore(Int, Int)
    }

    init(program: Program) {
        self.program = program
        current = ThreadList(program: program)
        upcoming = ThreadList(program: program)
        scratch = [Int](repeating: -1, count: program.slotCount)
    }

    /// Searches `text[from...]` (the whole buffer is context for assertions).
    /// With `anchored`, only matches starting at `from` are considered. On
    /// success fills `slots` (2 per group, -1 when unset) and returns true.
    func search(_ text: UnsafeBufferPointer<UInt8>, from: Int, anchored: Bool, slots: inout [Int]) -> Bool {
        guard let base = text.baseAddress else {
            return searchEmpty(anchored: anchored, from: from, slots: &slots)
        }
        let end = text.count
        let needs = program.needs
        let start = program.start
        var matched = false
        current.clear()
        var pos = from
        var ctx = PositionContext.at(pos, in: base, end: end, needs: needs)
        // Chain state for the word rule, carried forward incrementally.
        var chain = needs.contains(.words) ? WordRule.chain(at: pos, in: base, end: end) : false
        for i in scratch.indices { scratch[i] = -1 }
        addThread(current, start, pos, ctx)
        while true {
            if current.count == 0 && (matched || anchored) { break }
            var c: UInt32 = 0
            var length = 0
            if pos < end { (c, length) = UTF8Bytes.decode(base, pos, end) }
            let nextPos = pos + length
            // Context at the next position: left is `c`, right is what follows.
            var nextCtx = PositionContext()
            if pos < end && (needs.rawValue != 0) {
                nextCtx.left = PositionContext.Side(c)
                var r: UInt32? = nil
                if nextPos < end {
                    let rc = UTF8Bytes.decode(base, nextPos, end).scalar
                    r = rc
                    nextCtx.right = PositionContext.Side(rc)
                }
                if needs.contains(.words) {
                    chain = WordRule.chain(after: c, before: chain)
                    nextCtx.leftWord = WordRule.sideIsWord(c, chain: chain)
                    nextCtx.rightWord = r.map { WordRule.sideIsWord($0, chain: chain) } ?? false
                }
                if needs.contains(.finalTerminator) {
                    nextCtx.finalTerminator = PositionContext.isFinalTerminator(
                        base, nextPos, end, leftIsCR: nextCtx.left == .carriageReturn)
                }
            }
            upcoming.clear()
            var t = 0
            while t < current.count {
                let pc = Int(current.pcs[t])
                let inst = program.insts[pc]
                if inst.op == .match {
                    // Highest-priority match so far; lower threads are cut.
                    current.copySlots(of: t, into: &slots)
                    matched = true
                    break
                }
                if pos < end && program.accepts(pc, c) {
                    current.copySlots(of: t, into: &scratch)
                    addThread(upcoming, inst.next, nextPos, nextCtx)
                }
                t += 1
            }
            if pos >= end { break }
            if !matched && !anchored {
                for i in scratch.indices { scratch[i] = -1 }
                addThread(upcoming, start, nextPos, nextCtx)
            }
            swap(&current, &upcoming)
            pos = nextPos
            ctx = nextCtx
        }
        _ = ctx
        return matched
    }

    private func searchEmpty(anchored: Bool, from: Int, slots: inout [Int]) -> Bool {
        var empty: [UInt8] = [0]
        return empty.withUnsafeMutableBufferPointer { buf in
            search(UnsafeBufferPointer(rebasing: buf[0..<0]), from: from, anchored: anchored, slots: &slots)
        }
    }

    /// Follows epsilon moves from `pc` at position `pos` in priority order,
    /// adding the consuming (and match) instructions reached to `list`,
    /// each with the capture slots of its path. Starts from `scratch`.
    private func addThread(_ list: ThreadList, _ pc: Int32, _ pos: Int, _ ctx: PositionContext) {
        let insts = program.insts
        stack.append(.explore(pc, 0))
        while let frame = stack.popLast() {
            switch frame {
            case .restore(let slot, let value):
                scratch[slot] = value
            case .explore(let pc, let mask):
                if !list.visit(pc, mask: mask) { continue }
                let inst = insts[Int(pc)]
                switch inst.op {
                case .char, .set, .match:
                    list.add(pc, slots: scratch)
                case .jump:
                    stack.append(.explore(inst.next, mask))
                case .split:
                    stack.append(.explore(inst.alt, mask))
                    stack.append(.explore(inst.next, mask))
                case .save:
                    let slot = Int(inst.arg)
                    stack.append(.restore(slot, scratch[slot]))
                    scratch[slot] = pos
                    stack.append(.explore(inst.next, mask))
                case .assert:
                    if ctx.holds(RegexAssertion(rawValue: UInt8(inst.arg))!) {
                        stack.append(.explore(inst.next, mask))
                    }
                case .roundStart:
                    stack.append(.explore(inst.next, mask | 1 << UInt64(inst.arg)))
                case .roundEnd:
                    let bit: UInt64 = 1 << UInt64(inst.arg)
                    if mask & bit != 0 {
                        stack.append(.explore(inst.alt, mask & ~bit))
                    } else {
                        stack.append(.explore(inst.next, mask))
                    }
                }
            }
        }
    }
}

/// An ordered set of threads (program counters of consuming instructions)
/// with their capture slots, plus the "visited" marks for epsilon moves.
final class ThreadList {
    private(set) var pcs: [Int32]
    private(set) var count = 0
    private var slotTable: [Int]
    private let slotCount: Int
    private var visited: [UInt32]
    private var added: [UInt32]
    private var generation: UInt32 = 1
    /// Visited (pc, round mask) pairs with a non-empty mask (rare).
    private var maskedVisited = Set<MaskedPC>()

    private struct MaskedPC: Hashable {
        var pc: Int32
        var mask: UInt64
    }

    init(program: Program) {
        let n = program.insts.count
        pcs = [Int32](repeating: 0, count: n)
        slotCount = program.slotCount
        slotTable = [Int](repeating: -1, count: n * max(program.slotCount, 1))
        visited = [UInt32](repeating: 0, count: n)
        added = [UInt32](repeating: 0, count: n)
    }

    func clear() {
        count = 0
        if !maskedVisited.isEmpty { maskedVisited.removeAll(keepingCapacity: true) }
        generation &+= 1
        if generation == 0 {
            for i in visited.indices { visited[i] = 0; added[i] = 0 }
            generation = 1
        }
    }

    /// Marks (`pc`, `mask`) visited; false if it already was.
    @inline(__always)
    func visit(_ pc: Int32, mask: UInt64) -> Bool {
        if mask != 0 { return maskedVisited.insert(MaskedPC(pc: pc, mask: mask)).inserted }
        if visited[Int(pc)] == generation { return false }
        visited[Int(pc)] = generation
        return true
    }

    func add(_ pc: Int32, slots: [Int]) {
        if added[Int(pc)] == generation { return }
        added[Int(pc)] = generation
        pcs[count] = pc
        let base = count * slotCount
        for i in 0..<slotCount { slotTable[base + i] = slots[i] }
        count += 1
    }

    func copySlots(of thread: Int, into out: inout [Int]) {
        let base = thread * slotCount
        if out.count != slotCount { out = [Int](repeating: -1, count: slotCount) }
        for i in 0..<slotCount { out[i] = slotTable[base + i] }
    }
}
