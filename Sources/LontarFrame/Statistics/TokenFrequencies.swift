/// Which tokenizer `tokenFrequencies` applies to a string column.
public enum TokenizerKind: Sendable, Hashable {
    /// Spark ML `Tokenizer` (lowercase, split on Java `\s`).
    case spark
    /// Spark ML `RegexTokenizer` with these options.
    case regex(RegexTokenizerOptions)
}

extension Frame {
    /// The `top` most frequent tokens of a column, as a frame with `word`
    /// (string) and `count` (bigint), sorted by count descending then word
    /// (UTF-8 byte order) ascending — Spark's
    /// `explode(tokens).groupBy("word").count().orderBy(desc("count"), "word").limit(top)`.
    ///
    /// An `array<string>` column is counted as is; a string column is
    /// tokenized on the fly (`tokenizer`), chunk by chunk, without keeping the
    /// tokens. Empty tokens (which Spark's `Tokenizer` produces for leading or
    /// doubled separators) are counted like any other, as Spark does.
    public func tokenFrequencies(_ name: String, top: Int, tokenizer: TokenizerKind = .spark) throws -> Frame {
        guard top >= 0 else { throw FrameError.invalidArgument("top must be non-negative, got \(top)") }
        let c = try requireColumn(name)
        var regex: (RegexTokenizerOptions, JavaPattern)? = nil
        switch c.type {
        case .stringList: break
        case .string:
            if case .regex(let options) = tokenizer { regex = (options, try JavaPattern.compile(options.pattern)) }
        default:
            throw FrameError.typeMismatch(column: name, expected: "string or array<string>", actual: c.type)
        }
        let partial = try Parallel.map(count: count()) { rows -> TokenCountTable in
            var table = TokenCountTable()
            switch c.storage {
            case .stringList(let l):
                l.elements.bytes.withUnsafeBufferPointer { b in
                    for row in rows where !c.isNull(row) {
                        for e in l.rowOffsets[row] ..< l.rowOffsets[row + 1] {
                            table.add(UnsafeBufferPointer(rebasing: b[l.elements.offsets[e] ..< l.elements.offsets[e + 1]]), count: 1)
                        }
                    }
                }
            case .string(let s):
                var tokens = StringColumn()
                var scratch: [UInt8] = []
                let kernels = regex.map { RegexKernels($0.1) }
                for row in rows where !c.isNull(row) {
                    tokens.bytes.removeAll(keepingCapacity: true)
                    tokens.offsets.removeAll(keepingCapacity: true)
                    tokens.offsets.append(0)
                    s.withBytes(row) { text in
                        if let (options, _) = regex {
                            SparkRegexTokenizer.tokenize(text, options: options, kernels: kernels!, scratch: &scratch, into: &tokens)
                        } else {
                            SparkTokenizer.tokenize(text, into: &tokens, scratch: &scratch)
                        }
                    }
                    tokens.bytes.withUnsafeBufferPointer { b in
                        for k in 0 ..< tokens.count {
                            table.add(UnsafeBufferPointer(rebasing: b[tokens.offsets[k] ..< tokens.offsets[k + 1]]), count: 1)
                        }
                    }
                }
            default:
                break
            }
            return table
        }
        var total = TokenCountTable()
        for t in partial { total.merge(t) }
        let top = total.top(top)
        var words = StringColumn()
        var counts: [Int64] = []
        for (word, n) in top {
            word.withUnsafeBufferPointer { words.append(bytes: $0) }
            counts.append(n)
        }
        return try Frame(columns: [Column(name: "word", storage: .string(words)), Column(name: "count", storage: .int64(counts))])
    }
}

/// Counts of byte strings in an open-addressing table; the strings are
/// stored once in an arena.
struct TokenCountTable {
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var counts: [Int64] = []
    private var hashes: [UInt64] = []
    private var slots = [Int32](repeating: -1, count: 1024)

    var entryCount: Int { counts.count }

    mutating func add(_ token: UnsafeBufferPointer<UInt8>, count: Int64) {
        add(token, hash: Hashing.bytes(token), count: count)
    }

    mutating func add(_ token: UnsafeBufferPointer<UInt8>, hash h: UInt64, count: Int64) {
        if (counts.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = slots[s]
            if e < 0 {
                slots[s] = Int32(counts.count)
                starts.append(arena.count)
                lengths.append(token.count)
                arena.append(contentsOf: token)
                counts.append(count)
                hashes.append(h)
                return
            }
            let i = Int(e)
            if hashes[i] == h && lengths[i] == token.count && equal(i, token) {
                counts[i] += count
                return
            }
            s = (s + 1) & mask
        }
    }

    private func equal(_ i: Int, _ token: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { a in
            Comparison.compareBytes(UnsafeBufferPointer(rebasing: a[starts[i] ..< starts[i] + lengths[i]]), token) == 0
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (i, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    mutating func merge(_ other: TokenCountTable) {
        other.arena.withUnsafeBufferPointer { a in
            for i in 0 ..< other.counts.count {
                add(UnsafeBufferPointer(rebasing: a[other.starts[i] ..< other.starts[i] + other.lengths[i]]),
                    hash: other.hashes[i], count: other.counts[i])
            }
        }
    }

    /// The `n` entries with the highest counts (ties: byte order of the token).
    func top(_ n: Int) -> [([UInt8], Int64)] {
        arena.withUnsafeBufferPointer { a in
            func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: a[starts[i] ..< starts[i] + lengths[i]])
            }
            var order = Array(0 ..< counts.count)
            order.sort { i, j in
                if counts[i] != counts[j] { return counts[i] > counts[j] }
                return Comparison.compareBytes(bytes(i), bytes(j)) < 0
            }
            return order.prefix(n).map { (Array(bytes($0)), counts[$0]) }
        }
    }
}
