/// Which part of a paper a text is.
enum PaperTextKind {
    /// An abstract: background, aim, methods, results, conclusion.
    case abstract
    /// The first lines of the paper: an introduction.
    case opening
}

/// Writes synthetic scientific prose straight into a UTF-8 byte buffer,
/// sentence by sentence, until it holds about a target number of words.
///
/// Words are counted as Spark's `Tokenizer` counts them: the text split on
/// every single whitespace character, so a double space or a tab next to a
/// space adds an (empty) word. The count is exact for what is written.
struct PaperWriter {
    var rng: GeneratorRandom
    /// Per-row picks of sticky word lists (-1: not picked yet).
    private var stickyPicks: [Int]
    /// `@xmath` numbering, per text.
    private var mathIndex = 0
    /// The current sentence's quantity and its two values (low ≤ high).
    private var quantity = -1
    private var values = (0.0, 0.0)

    /// Options each choice has used in the current text, valid when the
    /// stamp equals `textNumber` (so starting a text clears them in O(1)).
    private var used: [(stamp: Int, mask: UInt64)]
    private var textNumber = 0
    /// Outline sentences written in the current text (they go in order).
    private var outlineIndex = 0

    init(rng: GeneratorRandom) {
        self.rng = rng
        stickyPicks = [Int](repeating: -1, count: PaperTemplates.stickyLists.count)
        used = [(stamp: Int, mask: UInt64)](repeating: (-1, 0), count: PaperField.maxChoiceCount)
    }

    /// Starts a new paper: sticky picks are forgotten.
    mutating func startPaper() {
        for i in stickyPicks.indices { stickyPicks[i] = -1 }
    }

    /// Starts a new paper drawing from `rng`.
    mutating func startPaper(rng: GeneratorRandom) {
        self.rng = rng
        startPaper()
    }

    /// Appends a text of `kind` with close to `targetWords` words: exactly
    /// that many when it is shorter than the first sentence (which is then
    /// cut), otherwise whole sentences, stopping at the sentence boundary
    /// nearest the target, but never past `limit` words. Returns the number
    /// of words written.
    @discardableResult
    mutating func write(_ kind: PaperTextKind, field: PaperField, targetWords: Int, limit: Int = .max,
                        into buf: inout [UInt8]) -> Int {
        let target = max(targetWords, 1)
        let limit = max(limit, target)
        mathIndex = 0
        outlineIndex = 0
        textNumber += 1
        let start = buf.count
        var planner = SentencePlanner(kind, field: field, targetWords: target, rng: &rng)
        var words = 0
        var index = 0
        while true {
            let mark = buf.count
            let before = words
            if index > 0 { separator(&buf) }
            sentence(planner.next(wordsSoFar: words), field: field, into: &buf)
            words = before + (index == 0 ? 1 : 0) + Self.whitespaceCount(buf, from: mark)
            index += 1
            guard words >= target else { continue }
            if index == 1 {
                if words > target { words = Self.cut(&buf, from: start, words: target) }
            } else if words > limit || target - before < words - target {
                buf.removeLast(buf.count - mark)  // the text was closer to the target without this sentence
                words = before
            }
            return words
        }
    }

    // MARK: Emission

    /// Between sentences: usually a space, sometimes a newline (the datasets
    /// join sentences with `\n`), now and then a double space or a tab.
    private mutating func separator(_ buf: inout [UInt8]) {
        let r = rng.below(100)
        switch r {
        case 0 ..< 85: buf.append(0x20)
        case 85 ..< 95: buf.append(0x0A)
        case 95 ..< 97: buf.append(contentsOf: [0x20, 0x20])
        case 97 ..< 98: buf.append(0x09)
        case 98 ..< 99: buf.append(contentsOf: [0x20, 0x09])
        default: buf.append(contentsOf: [0x20, 0x0A])
        }
    }

    private mutating func sentence(_ kind: SentenceKind, field: PaperField, into buf: inout [UInt8]) {
        let p = field.program
        var kind = kind
        if p.choices[Int(p.sentenceChoices[kind.rawValue])].count == 0 { kind = .background }
        let templates = Int(p.sentenceChoices[kind.rawValue])
        if kind == .outline && outlineIndex >= Int(p.choices[templates].count) { kind = .background }
        quantity = -1
        let start = buf.count
        if kind == .outline {
            emitSpan(p.choices[templates].first + Int32(outlineIndex), p, field, into: &buf)
            outlineIndex += 1
        } else {
            let choice = Int(p.sentenceChoices[kind.rawValue])
            emitSpan(p.choices[choice].first + Int32(choose(choice, p)), p, field, into: &buf)
        }
        if field.sentenceCase, start < buf.count, (0x61 ... 0x7A).contains(buf[start]) {
            buf[start] -= 0x20  // capitalize an ASCII first letter
        }
    }

    /// Emits the nodes of span `index`.
    private mutating func emitSpan(_ index: Int32, _ p: TemplateProgram, _ field: PaperField, into buf: inout [UInt8]) {
        let span = p.spans[Int(index)]
        for i in Int(span.start) ..< Int(span.start + span.count) {
            let node = p.nodes[i]
            switch node.op {
            case .text:
                buf.append(contentsOf: UnsafeBufferPointer(start: p.bytes + Int(node.a), count: Int(node.b)))
            case .choice:
                let c = p.choices[Int(node.a)]
                var pick: Int
                if c.stickySlot >= 0 {
                    pick = stickyPicks[Int(c.stickySlot)]
                    if pick < 0 || pick >= Int(c.count) {
                        pick = rng.below(Int(c.count))
                        stickyPicks[Int(c.stickySlot)] = pick
                    }
                } else {
                    pick = choose(Int(node.a), p)
                }
                emitSpan(c.first + Int32(pick), p, field, into: &buf)
            case .optional:
                if rng.chance(Int(node.a)) { emitSpan(node.b, p, field, into: &buf) }
            case .number:
                number(p.numbers[Int(node.a)], into: &buf)
            case .math:
                ByteText.append("@xmath", to: &buf)
                ByteText.appendInt(mathIndex, to: &buf)
                mathIndex += 1
            case .cite:
                cite(field, into: &buf)
            case .quantity:
                quantityPart(QuantityPart(rawValue: node.a) ?? .name, p, field, into: &buf)
            case .greek:
                // Every letter in the table is two bytes of UTF-8.
                let k = rng.below(Self.greekCount)
                buf.append(contentsOf: UnsafeBufferPointer(start: Self.greek + 2 * k, count: 2))
            }
        }
    }

    /// A random option of choice `index` not yet used in this text (all are
    /// available again once each has been used).
    private mutating func choose(_ index: Int, _ p: TemplateProgram) -> Int {
        let n = Int(p.choices[index].count)
        guard n > 1, n <= 64 else { return rng.below(n) }
        let full: UInt64 = n == 64 ? ~0 : (1 << UInt64(n)) - 1
        var mask = used[index].stamp == textNumber ? used[index].mask : 0
        if mask == full { mask = 0 }
        var free = full & ~mask
        for _ in 0 ..< rng.below(free.nonzeroBitCount) { free &= free &- 1 }  // drop the lowest free options
        let pick = free.trailingZeroBitCount
        used[index] = (textNumber, mask | (1 << UInt64(pick)))
        return pick
    }

    /// Greek letters, UTF-8, two bytes each, in a buffer that is never freed
    /// (a shared Swift array would be retained from every thread).
    nonisolated(unsafe) static let greek: UnsafePointer<UInt8> = {  // immutable after creation
        let letters = Array("αβγδεκλμστφωΔΓΩ".utf8)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: letters.count)
        p.initialize(from: letters, count: letters.count)
        return UnsafePointer(p)
    }()
    static let greekCount = 15

    /// `@xcite` (now and then a bare `xcite`); PubMed-style fields also cite by number.
    private mutating func cite(_ field: PaperField, into buf: inout [UInt8]) {
        let r = rng.below(100)
        if field.numberedCitations && r < 45 {
            ByteText.append("[ ", to: &buf)
            let first = rng.int(1, 60)
            ByteText.appendInt(first, to: &buf)
            if r < 12 {
                ByteText.append(" , ", to: &buf)
                ByteText.appendInt(first + rng.int(1, 9), to: &buf)
            }
            ByteText.append(" ]", to: &buf)
        } else {
            ByteText.append(r >= 98 ? "xcite" : "@xcite", to: &buf)
        }
    }

    private mutating func number(_ spec: NumberSpec, into buf: inout [UInt8]) {
        switch spec {
        case .int(let lo, let hi):
            ByteText.appendInt(rng.int(lo, hi), to: &buf)
        case .decimal(let lo, let hi, let d):
            ByteText.appendFixed(lo + rng.unit() * (hi - lo), decimals: d, to: &buf)
        case .percent:
            ByteText.appendFixed(0.5 + rng.unit() * 99, decimals: 1, to: &buf)
            ByteText.append(" %", to: &buf)
        case .pValue:
            let r = rng.below(100)
            if r < 20 {
                ByteText.append("p < 0.001", to: &buf)
            } else if r < 75 {
                ByteText.append("p = ", to: &buf)
                ByteText.appendFixed(Double(rng.int(1, 49)) / 1000, decimals: 3, to: &buf)
            } else {
                ByteText.append("p = ", to: &buf)
                ByteText.appendFixed(Double(rng.int(6, 95)) / 100, decimals: 2, to: &buf)
            }
        case .year:
            ByteText.appendInt(rng.int(1985, 2019), to: &buf)
        case .yearRange:
            let first = rng.int(1990, 2015)
            ByteText.appendInt(first, to: &buf)
            ByteText.append(" and ", to: &buf)
            ByteText.appendInt(first + rng.int(1, 8), to: &buf)
        case .ratioWithInterval:
            let ratio = 0.3 + rng.unit() * 3.2
            ByteText.appendFixed(ratio, decimals: 2, to: &buf)
            ByteText.append(" ( 95 % ci , ", to: &buf)
            ByteText.appendFixed(ratio * (0.5 + 0.4 * rng.unit()), decimals: 2, to: &buf)
            ByteText.append(" - ", to: &buf)
            ByteText.appendFixed(ratio * (1.1 + 0.7 * rng.unit()), decimals: 2, to: &buf)
            ByteText.append(" )", to: &buf)
        }
    }

    /// Parts of the sentence's quantity, picked (with its two values) on first use.
    private mutating func quantityPart(_ part: QuantityPart, _ p: TemplateProgram, _ field: PaperField,
                                       into buf: inout [UInt8]) {
        if quantity < 0 {
            quantity = rng.below(p.quantityCount)
            let q = p.quantities[quantity]
            let a = q.low + rng.unit() * (q.high - q.low)
            let b = a + rng.unit() * (q.high - a)
            values = (a, b)
        }
        let q = p.quantities[quantity]
        let d = Int(q.decimals)
        switch part {
        case .name: emitSpan(q.name, p, field, into: &buf)
        case .bareName: emitSpan(q.bareName, p, field, into: &buf)
        case .value, .secondValue, .unit:
            if part != .unit { ByteText.appendFixed(part == .value ? values.0 : values.1, decimals: d, to: &buf) }
            if !q.unitIsEmpty {
                buf.append(0x20)
                emitSpan(q.unit, p, field, into: &buf)
            }
        case .number: ByteText.appendFixed(values.0, decimals: d, to: &buf)
        case .secondNumber: ByteText.appendFixed(values.1, decimals: d, to: &buf)
        case .deviation:
            let sd = max(abs(values.0) * (0.05 + 0.3 * rng.unit()), ByteText.powerOfTen(-d))
            ByteText.appendFixed(sd, decimals: d, to: &buf)
        }
    }

    // MARK: Word counting

    /// Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    static func whitespaceCount(_ buf: [UInt8], from start: Int) -> Int {
        buf.withUnsafeBufferPointer { b in
            var n = 0
            for i in start ..< b.count {
                let x = b[i]
                // Branch-free so the loop vectorizes: 0x20, or 0x09 ... 0x0D.
                n &+= Int(truncatingIfNeeded: (x == 0x20 ? 1 : 0) | (x &- 0x09 < 5 ? 1 : 0) as UInt8)
            }
            return n
        }
    }

    /// Cuts the text starting at `start` to its first `words` words and
    /// drops any whitespace left at the end; returns the words kept.
    static func cut(_ buf: inout [UInt8], from start: Int, words: Int) -> Int {
        var seen = 0
        var i = start
        while i < buf.count {
            if isSpace(buf[i]) {
                seen += 1
                if seen == words { break }
            }
            i += 1
        }
        buf.removeLast(buf.count - i)
        while buf.count > start, isSpace(buf[buf.count - 1]) { buf.removeLast() }
        return whitespaceCount(buf, from: start) + 1
    }
}
