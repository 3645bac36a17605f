/// Compiles a `RegexNode` tree into a `Program`.
///
/// The NFA is built back to front: each node is compiled with the entry of
/// what follows it already known, which makes loops and alternations plain.
///
/// Loops whose body can match empty get Java's empty-round rule (see
/// `Inst.Op.roundStart`): Java's `Loop` leaves a loop as soon as a round
/// consumed nothing, and that changes which match is found — `(|a)*` on "a"
/// matches "" in Java, "a" in engines without the rule. Counted loops are
/// expanded into copies, so a round's count is part of its position in the
/// program.
struct ProgramCompiler {
    /// More instructions than this and the pattern is refused (counted
    /// repetitions multiply: `(a{1000}){1000}` would need a million).
    static let maxInstructions = 200_000

    private var insts: [Inst] = []
    private var sets: [CompiledSet] = []
    private var setIndex: [CodePointSet: Int] = [:]
    private var needs: AssertionNeeds = []
    private var hasRounds = false
    /// Whether to emit capture slots and Java's round rule. The reverse
    /// program, used only to find where a match starts, has neither.
    private let forwardSemantics: Bool
    private let source: String

    private init(forward: Bool, source: String) {
        forwardSemantics = forward
        self.source = source
    }

    /// The forward program: captures, Java's loop semantics.
    static func forward(_ root: RegexNode, captureCount: Int, source: String) throws(RegexError) -> Program {
        var c = ProgramCompiler(forward: true, source: source)
        return try c.build(.group(root, capture: 0), slotCount: 2 * (captureCount + 1),
                           anchored: root.startsAtTextStart)
    }

    /// A program for the reversed pattern: matches, right to left, the same
    /// strings the pattern matches (assertions keep their meaning as
    /// predicates on positions). Only valid when `reverseIsExact` holds.
    static func reverse(_ root: RegexNode, source: String) throws(RegexError) -> Program {
        var c = ProgramCompiler(forward: false, source: source)
        return try c.build(root.reversed, slotCount: 0, anchored: false)
    }

    /// Whether the plain (classical) language of the pattern equals the
    /// language under Java's empty-round rule. It does unless some loop's
    /// body can match empty only when an assertion holds — e.g.
    /// `(?:^|x){2}` cannot match "x" in Java — and then the reverse program
    /// cannot be used to find match starts.
    static func reverseIsExact(_ root: RegexNode) -> Bool { !root.hasConditionalEmptyLoop }

    private mutating func build(_ root: RegexNode, slotCount: Int, anchored: Bool) throws(RegexError) -> Program {
        let match = emit(Inst(.match))
        let start = try compile(root, then: match, depth: 0)
        let restart = emit(Inst(.split))
        let any = emit(Inst(.set, arg: UInt32(setID(.all)), next: restart))
        insts[Int(restart)].next = start
        insts[Int(restart)].alt = any
        return Program(insts: insts, sets: sets, start: start, unanchoredStart: restart, slotCount: slotCount,
                       needs: needs, hasRounds: hasRounds, anchoredAtTextStart: anchored)
    }

    private mutating func emit(_ inst: Inst) -> Int32 {
        insts.append(inst)
        return Int32(insts.count - 1)
    }

    private mutating func setID(_ set: CodePointSet) -> Int {
        if let id = setIndex[set] { return id }
        sets.append(CompiledSet(set))
        setIndex[set] = sets.count - 1
        return sets.count - 1
    }

    private mutating func checkSize() throws(RegexError) {
        if insts.count > ProgramCompiler.maxInstructions {
            throw RegexError("pattern is too large for this engine: its counted repetitions expand to more than "
                             + "\(ProgramCompiler.maxInstructions) instructions", column: 1, in: source)
        }
    }

    private mutating func compile(_ node: RegexNode, then next: Int32, depth: Int) throws(RegexError) -> Int32 {
        try checkSize()
        switch node {
        case .empty:
            return next
        case .literal(let c):
            return emit(Inst(.char, arg: c, next: next))
        case .set(let s):
            if let c = s.singleMember { return emit(Inst(.char, arg: c, next: next)) }
            return emit(Inst(.set, arg: UInt32(setID(s)), next: next))
        case .concat(let items):
            var entry = next
            for item in items.reversed() { entry = try compile(item, then: entry, depth: depth) }
            return entry
        case .alternation(let alternatives):
            var entries: [Int32] = []
            for a in alternatives { entries.append(try compile(a, then: next, depth: depth)) }
            var entry = entries[entries.count - 1]
            for e in entries.dropLast().reversed() { entry = emit(Inst(.split, next: e, alt: entry)) }
            return entry
        case .group(let body, let capture):
            guard let k = capture, forwardSemantics else { return try compile(body, then: next, depth: depth) }
            let close = emit(Inst(.save, arg: UInt32(2 * k + 1), next: next))
            let entry = try compile(body, then: close, depth: depth)
            return emit(Inst(.save, arg: UInt32(2 * k), next: entry))
        case .assertion(let a):
            switch a {
            case .startOfText: needs.insert(.textStart)
            case .endOfText: needs.insert(.textEnd)
            case .endOfTextOrFinalTerminator: needs.insert(.finalTerminator)
            case .startOfLine, .endOfLine, .notBeforeLineFeed: needs.insert(.lines)
            case .wordBoundary, .notWordBoundary: needs.insert(.words)
            }
            return emit(Inst(.assert, arg: UInt32(a.rawValue), next: next))
        case .repetition(let body, let min, let max, let greedy):
            return try repetition(body, min: min, max: max, greedy: greedy, then: next, depth: depth)
        case .lineBreak(let atomic):
            return try compile(RegexNode.expandedLineBreak(atomic: atomic), then: next, depth: depth)
        }
    }

    private mutating func repetition(_ body: RegexNode, min: Int, max: Int?, greedy: Bool,
                                     then next: Int32, depth: Int) throws(RegexError) -> Int32 {
        let guarded = forwardSemantics && body.canMatchEmpty
        if guarded {
            hasRounds = true
            if depth >= 64 {
                throw RegexError("pattern nests more than 64 loops that can match empty", column: 1, in: source)
            }
        }
        // One round of the body, continuing at `cont`; an empty round leaves
        // the whole loop (Java's rule) — moot when `cont` already is the exit.
        func round(_ c: inout ProgramCompiler, then cont: Int32) throws(RegexError) -> Int32 {
            if !guarded || cont == next { return try c.compile(body, then: cont, depth: depth + (guarded ? 1 : 0)) }
            let end = c.emit(Inst(.roundEnd, arg: UInt32(depth), next: cont, alt: next))
            let entry = try c.compile(body, then: end, depth: depth + 1)
            return c.emit(Inst(.roundStart, arg: UInt32(depth), next: entry))
        }
        var tail: Int32
        var mandatory = min
        if let max {
            tail = next
            if max > min {
                for _ in 0..<(max - min) {
                    let r = try round(&self, then: tail)
                    tail = emit(greedy ? Inst(.split, next: r, alt: next) : Inst(.split, next: next, alt: r))
                    try checkSize()
                }
            }
        } else {
            // One copy of the body: `body; split(body, exit)` for `+`, and
            // `split(body, exit)` in front of it for `*` — so nested `+`
            // loops stay linear in size.
            let loop = emit(Inst(.split))
            let r = try round(&self, then: loop)
            insts[Int(loop)].next = greedy ? r : next
            insts[Int(loop)].alt = greedy ? next : r
            if min >= 1 {
                tail = r
                mandatory = min - 1
            } else {
                tail = loop
            }
        }
        for _ in 0..<mandatory {
            tail = try round(&self, then: tail)
            try checkSize()
        }
        return tail
    }
}

extension RegexNode {
    /// The node matching the reversed strings.
    var reversed: RegexNode {
        switch self {
        case .empty, .literal, .set, .assertion: return self
        case .lineBreak(let atomic): return RegexNode.expandedLineBreak(atomic: atomic).reversed
        case .concat(let items): return .concat(items.reversed().map(\.reversed))
        case .alternation(let alts): return .alternation(alts.map(\.reversed))
        case .group(let body, _): return .group(body.reversed, capture: nil)
        case .repetition(let body, let min, let max, let greedy):
            return .repetition(body.reversed, min: min, max: max, greedy: greedy)
        }
    }

    /// Whether the node can match empty with no assertion on the way.
    var canMatchEmptyUnconditionally: Bool {
        switch self {
        case .empty: return true
        case .assertion, .literal, .set, .lineBreak: return false
        case .concat(let items): return items.allSatisfy(\.canMatchEmptyUnconditionally)
        case .alternation(let alts): return alts.contains(where: \.canMatchEmptyUnconditionally)
        case .group(let body, _): return body.canMatchEmptyUnconditionally
        case .repetition(let body, let min, _, _): return min == 0 || body.canMatchEmptyUnconditionally
        }
    }

    /// Whether some loop of two or more rounds has a body that can match
    /// empty, but only when an assertion holds.
    var hasConditionalEmptyLoop: Bool {
        switch self {
        case .empty, .assertion, .literal, .set, .lineBreak: return false
        case .concat(let items): return items.contains(where: \.hasConditionalEmptyLoop)
        case .alternation(let alts): return alts.contains(where: \.hasConditionalEmptyLoop)
        case .group(let body, _): return body.hasConditionalEmptyLoop
        case .repetition(let body, _, let max, _):
            if (max ?? 2) >= 2 && body.canMatchEmpty && !body.canMatchEmptyUnconditionally { return true }
            return body.hasConditionalEmptyLoop
        }
    }

    /// Whether every match must begin at the start of the input (`\A`, `^`).
    var startsAtTextStart: Bool {
        switch self {
        case .assertion(let a): return a == .startOfText
        case .empty, .literal, .set, .lineBreak: return false
        case .concat(let items): return items.first?.startsAtTextStart ?? false
        case .alternation(let alts): return alts.allSatisfy(\.startsAtTextStart)
        case .group(let body, _): return body.startsAtTextStart
        case .repetition(let body, let min, _, _): return min >= 1 && body.startsAtTextStart
        }
    }
}
