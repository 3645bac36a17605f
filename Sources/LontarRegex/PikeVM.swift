/// The Pike VM: runs all NFA threads in lock step, one code point at a time,
/// in priority order, so it finds Java's leftmost-first match with its
/// capture groups in O(text × pattern) time.
///
/// Threads reached at the same position with the same program counter have
/// the same future, so only the first (highest-priority) one is kept. For
/// loops under Java's empty-round rule the future also depends on which
/// rounds started at this position, so epsilon moves are de-duplicated on
/// (pc, round mask); threads that consume input always have an empty mask.
///
/// All working memory is raw and owned by the VM (one VM per thread), so
/// the inner loops do no reference counting or exclusivity checks.
final class PikeVM {
    let program: Program
    private var current: ThreadList
    private var upcoming: ThreadList
    private let slotCount: Int
    /// The capture slots of the path being explored.
    private let scratch: UnsafeMutablePointer<Int>
    private var stack: UnsafeMutablePointer<Frame>
    private var stackCapacity: Int

    /// An explore frame (`pc >= 0`) or a restore frame (`pc < 0`: put
    /// `value` back into slot `-1 - pc`).
    private struct Frame {
        var pc: Int32
        var mask: UInt64
        var value: Int
    }

    init(program: Program) {
        self.program = program
        current = ThreadList(program: program)
        upcoming = ThreadList(program: program)
        slotCount = program.slotCount
        scratch = .allocate(capacity: max(slotCount, 1))
        stackCapacity = max(16, program.insts.count * 2)
        stack = .allocate(capacity: stackCapacity)
    }

    deinit {
        scratch.deallocate()
        stack.deallocate()
        current.deallocate()
        upcoming.deallocate()
    }

    private func resetScratch() {
        for i in 0..<slotCount { scratch[i] = -1 }
    }

    /// Searches `text[from...]` (the whole buffer is context for assertions).
    /// With `anchored`, only matches starting at `from` are considered. On
    /// success fills `slots` (2 per group, -1 when unset) and returns true.
    func search(_ text: UnsafeBufferPointer<UInt8>, from: Int, anchored: Bool, slots: inout [Int]) -> Bool {
        if slots.count != slotCount { slots = [Int](repeating: -1, count: slotCount) }
        let base = text.baseAddress ?? UnsafePointer(PikeVM.emptyBase)
        return program.insts.withUnsafeBufferPointer { insts in
            program.sets.withUnsafeBufferPointer { sets in
                slots.withUnsafeMutableBufferPointer { out in
                    run(base, end: text.count, from: from, anchored: anchored, insts: insts.baseAddress!,
                        sets: sets.baseAddress, out: out.baseAddress!)
                }
            }
        }
    }

    private nonisolated(unsafe) static let emptyBase: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)

    private func run(_ base: UnsafePointer<UInt8>, end: Int, from: Int, anchored: Bool,
                     insts: UnsafePointer<Inst>, sets: UnsafePointer<CompiledSet>?,
                     out: UnsafeMutablePointer<Int>) -> Bool {
        let needs = program.needs
        let start = program.start
        var matched = false
        // Work on local copies; their counters and any regrown buffers are
        // stored back when done.
        var clist = current
        var nlist = upcoming
        defer {
            current = clist
            upcoming = nlist
        }
        clist.clear()
        var pos = from
        let ctx = PositionContext.at(pos, in: base, end: end, needs: needs)
        // Chain state for the word rule, carried forward incrementally.
        var chain = needs.contains(.words) ? WordRule.chain(at: pos, in: base, end: end) : false
        resetScratch()
        addThread(&clist, start, pos, ctx, insts)
        while true {
            if clist.count == 0 && (matched || anchored) { break }
            var c: UInt32 = 0
            var length = 0
            if pos < end { (c, length) = UTF8Bytes.decode(base, pos, end) }
            let nextPos = pos + length
            // Context at the next position: left is `c`, right is what follows.
            var nextCtx = PositionContext()
            if pos < end && needs.rawValue != 0 {
                nextCtx.left = PositionContext.Side(c)
                var r: UInt32 = 0
                let hasRight = nextPos < end
                if hasRight {
                    r = UTF8Bytes.decode(base, nextPos, end).scalar
                    nextCtx.right = PositionContext.Side(r)
                }
                if needs.contains(.words) {
                    chain = WordRule.chain(after: c, before: chain)
                    nextCtx.leftWord = WordRule.sideIsWord(c, chain: chain)
                    nextCtx.rightWord = hasRight && WordRule.sideIsWord(r, chain: chain)
                }
                if needs.contains(.finalTerminator) {
                    nextCtx.finalTerminator = PositionContext.isFinalTerminator(
                        base, nextPos, end, leftIsCR: nextCtx.left == .carriageReturn)
                }
            }
            nlist.clear()
            var t = 0
            while t < clist.count {
                let pc = Int(clist.pcs[t])
                let inst = insts[pc]
                if inst.op == .match {
                    // Highest-priority match so far; lower threads are cut.
                    clist.copySlots(of: t, into: out)
                    matched = true
                    break
                }
                if pos < end && (inst.op == .char ? inst.arg == c : sets.unsafelyUnwrapped[Int(inst.arg)].contains(c)) {
                    clist.copySlots(of: t, into: scratch)
                    addThread(&nlist, inst.next, nextPos, nextCtx, insts)
                }
                t += 1
            }
            if pos >= end { break }
            if !matched && !anchored {
                resetScratch()
                addThread(&nlist, start, nextPos, nextCtx, insts)
            }
            swap(&clist, &nlist)
            pos = nextPos
        }
        return matched
    }

    @inline(__always)
    private func push(_ f: Frame, _ top: inout Int) {
        if top == stackCapacity {
            let grown = UnsafeMutablePointer<Frame>.allocate(capacity: stackCapacity * 2)
            grown.moveInitialize(from: stack, count: top)
            stack.deallocate()
            stack = grown
            stackCapacity *= 2
        }
        stack[top] = f
        top += 1
    }

    /// Follows epsilon moves from `pc` at position `pos` in priority order,
    /// adding the consuming (and match) instructions reached to `list`,
    /// each with the capture slots of its path (starting from `scratch`).
    private func addThread(_ list: inout ThreadList, _ pc: Int32, _ pos: Int, _ ctx: PositionContext,
                           _ insts: UnsafePointer<Inst>) {
        var top = 0
        push(Frame(pc: pc, mask: 0, value: 0), &top)
        while top > 0 {
            top -= 1
            let f = stack[top]
            if f.pc < 0 {
                scratch[Int(-1 - f.pc)] = f.value
                continue
            }
            let pc = f.pc
            let mask = f.mask
            if !list.visit(pc, mask: mask) { continue }
            let inst = insts[Int(pc)]
            switch inst.op {
            case .char, .set, .match:
                list.add(pc, slots: scratch)
            case .jump:
                push(Frame(pc: inst.next, mask: mask, value: 0), &top)
            case .split:
                push(Frame(pc: inst.alt, mask: mask, value: 0), &top)
                push(Frame(pc: inst.next, mask: mask, value: 0), &top)
            case .save:
                let slot = Int(inst.arg)
                push(Frame(pc: Int32(-1 - slot), mask: 0, value: scratch[slot]), &top)
                scratch[slot] = pos
                push(Frame(pc: inst.next, mask: mask, value: 0), &top)
            case .assert:
                if ctx.holds(RegexAssertion(rawValue: UInt8(inst.arg))!) {
                    push(Frame(pc: inst.next, mask: mask, value: 0), &top)
                }
            case .roundStart:
                push(Frame(pc: inst.next, mask: mask | 1 << UInt64(inst.arg), value: 0), &top)
            case .roundEnd:
                let bit: UInt64 = 1 << UInt64(inst.arg)
                if mask & bit != 0 {
                    push(Frame(pc: inst.alt, mask: mask & ~bit, value: 0), &top)
                } else {
                    push(Frame(pc: inst.next, mask: mask, value: 0), &top)
                }
            }
        }
    }
}

/// An ordered set of threads (program counters of consuming instructions)
/// with their capture slots, plus the "visited" marks for epsilon moves.
/// A value type over raw buffers owned by its creator (the Pike VM swaps
/// two of them each step); `deallocate` frees them.
struct ThreadList {
    private(set) var pcs: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    /// Threads the buffers hold; grown on demand, since few threads are
    /// usually alive at once even in a large program.
    private var capacity: Int
    private var slotTable: UnsafeMutablePointer<Int>
    private let slotCount: Int
    private let visited: UnsafeMutablePointer<UInt32>
    private let added: UnsafeMutablePointer<UInt32>
    private let size: Int
    private var generation: UInt32 = 1
    /// Visited (pc, round mask) pairs with a non-empty mask (rare).
    private var maskedVisited: MaskedSet

    init(program: Program) {
        size = program.insts.count
        capacity = min(size, 64)
        pcs = .allocate(capacity: capacity)
        slotCount = program.slotCount
        slotTable = .allocate(capacity: max(capacity * slotCount, 1))
        visited = .allocate(capacity: size)
        visited.initialize(repeating: 0, count: size)
        added = .allocate(capacity: size)
        added.initialize(repeating: 0, count: size)
        maskedVisited = MaskedSet()
    }

    func deallocate() {
        pcs.deallocate()
        slotTable.deallocate()
        visited.deallocate()
        added.deallocate()
        maskedVisited.deallocate()
    }

    mutating func clear() {
        count = 0
        maskedVisited.removeAll()
        generation &+= 1
        if generation == 0 {
            visited.update(repeating: 0, count: size)
            added.update(repeating: 0, count: size)
            generation = 1
        }
    }

    /// Marks (`pc`, `mask`) visited; false if it already was.
    @inline(__always)
    mutating func visit(_ pc: Int32, mask: UInt64) -> Bool {
        if mask != 0 { return maskedVisited.insert(pc, mask) }
        if visited[Int(pc)] == generation { return false }
        visited[Int(pc)] = generation
        return true
    }

    @inline(__always)
    mutating func add(_ pc: Int32, slots: UnsafePointer<Int>) {
        if added[Int(pc)] == generation { return }
        added[Int(pc)] = generation
        if count == capacity { grow() }
        pcs[count] = pc
        (slotTable + count * slotCount).update(from: slots, count: slotCount)
        count += 1
    }

    private mutating func grow() {
        let newCapacity = min(size, capacity * 2)
        let newPCs = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newPCs.update(from: pcs, count: count)
        pcs.deallocate()
        pcs = newPCs
        let newSlots = UnsafeMutablePointer<Int>.allocate(capacity: max(newCapacity * slotCount, 1))
        newSlots.update(from: slotTable, count: count * slotCount)
        slotTable.deallocate()
        slotTable = newSlots
        capacity = newCapacity
    }

    @inline(__always)
    func copySlots(of thread: Int, into out: UnsafeMutablePointer<Int>) {
        out.update(from: slotTable + thread * slotCount, count: slotCount)
    }
}

/// A small open-addressing set of (pc, mask) pairs, for the rare epsilon
/// moves inside loops whose rounds started at the current position.
struct MaskedSet {
    private var keys: UnsafeMutablePointer<(Int32, UInt64)>
    private var used: UnsafeMutablePointer<Bool>
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = 16
        keys = .allocate(capacity: capacity)
        used = .allocate(capacity: capacity)
        used.initialize(repeating: false, count: capacity)
    }

    func deallocate() {
        keys.deallocate()
        used.deallocate()
    }

    mutating func removeAll() {
        if count > 0 {
            used.update(repeating: false, count: capacity)
            count = 0
        }
    }

    /// Inserts the pair; false if it was present.
    mutating func insert(_ pc: Int32, _ mask: UInt64) -> Bool {
        if (count + 1) * 2 > capacity { grow() }
        var h = Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: pc)) &* 0x9E37_79B9_7F4A_7C15) ^ mask &* 0xFF51_AFD7_ED55_8CCD)
        h &= capacity - 1
        while used[h] {
            if keys[h].0 == pc && keys[h].1 == mask { return false }
            h = (h + 1) & (capacity - 1)
        }
        used[h] = true
        keys[h] = (pc, mask)
        count += 1
        return true
    }

    private mutating func grow() {
        let oldKeys = keys, oldUsed = used, oldCapacity = capacity
        capacity *= 2
        keys = .allocate(capacity: capacity)
        used = .allocate(capacity: capacity)
        used.initialize(repeating: false, count: capacity)
        count = 0
        for i in 0..<oldCapacity where oldUsed[i] { _ = insert(oldKeys[i].0, oldKeys[i].1) }
        oldKeys.deallocate()
        oldUsed.deallocate()
    }
}
