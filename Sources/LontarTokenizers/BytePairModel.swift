/// Byte-level byte-pair encoding of one piece of text.
///
/// A piece starts as one part per byte (each byte is a token of its own).
/// Repeatedly, the adjacent pair of parts with the lowest merge rank is
/// joined — the leftmost one when several pairs share that rank — until no
/// adjacent pair can merge. Two ways of ranking a pair exist:
///
/// - tiktoken's (`tokenizer.model`): the rank of a pair is the rank of the
///   concatenated bytes as a token, and a token's rank is its id;
/// - a merges list (GGUF, HF `tokenizer.json`): the rank of the pair
///   `(left, right)` is the position of `"left right"` in the list.
///
/// Both end in the same place for vocabularies built by BPE training, but not
/// in general, so each tokenizer uses its own file's rule. Either way the
/// rule is compiled into one table from pairs of ids to (rank, merged id):
/// for tiktoken ranks, every split of every token into two tokens, ranked by
/// the whole token's rank (parts are always tokens, so these are exactly the
/// concatenations tiktoken can find).
final class BytePairModel: @unchecked Sendable {
    /// How pairs are ranked, as given when loading.
    enum MergeRule {
        /// tiktoken: a pair ranks as the token its bytes join into.
        case tokenRanks
        /// A merges list, compiled into a pair table.
        case mergeList(PairMap)
    }

    /// The bytes of every id, ordinary and special.
    let store: TokenStore
    /// Byte strings encoded as a single token without running the merges:
    /// tiktoken looks every piece up whole first (HF's `ignore_merges`); for a
    /// merges list, only tokens that the merges would produce anyway are
    /// entered (checked when loading), so this is a pure shortcut.
    let whole: ByteStringMap
    /// The token of each single byte; -1 for a byte the vocabulary lacks,
    /// which is left out of the output.
    private let byteIDs: UnsafeMutablePointer<Int32>
    /// (left id, right id) → (rank, merged id).
    let pairs: PairMap
    /// Longest byte string in `whole` (longer pieces skip the look-up).
    let maxWholeLength: Int
    /// Identifies this model's per-thread merge caches.
    let serial = UInt64.random(in: 1 ... UInt64.max)

    /// Pieces up to this many bytes merge with a linear scan over a small
    /// linked list; longer ones use a heap so that a pathological piece (a
    /// megabyte of letters without a space) costs O(n log n), not O(n²).
    static let smallPieceLimit = 64

    /// - Parameters:
    ///   - store: every token's bytes.
    ///   - ordinaryIDs: ids that may result from encoding text (not specials).
    ///   - byteIDs: the token of each of the 256 bytes (-1 if none).
    ///   - rule: tiktoken ranks, or a merges list.
    ///   - verifyWhole: enter an ordinary token into the whole-piece map only
    ///     if merging its bytes yields exactly that token (needed for merges
    ///     lists, where the map is a shortcut and must not change results).
    init(store: TokenStore, ordinaryIDs: [Int32], byteIDs: [Int32], rule: MergeRule, verifyWhole: Bool) {
        precondition(byteIDs.count == 256)
        self.store = store
        self.byteIDs = .allocate(capacity: 256)
        self.byteIDs.initialize(from: byteIDs, count: 256)
        let whole = ByteStringMap(capacityFor: ordinaryIDs.count, store: store)
        var longest = 0
        if !verifyWhole {
            for id in ordinaryIDs where whole.insert(id) {
                longest = max(longest, store.pointer(of: id).1)
            }
        }
        self.whole = whole
        maxWholeLength = verifyWhole ? store.maxLength : longest
        switch rule {
        case .mergeList(let table):
            pairs = table
        case .tokenRanks:
            pairs = BytePairModel.pairsFromRanks(store: store, whole: whole, ids: ordinaryIDs)
        }
        if verifyWhole {
            var sink = ArraySink()
            for id in ordinaryIDs {
                let (p, n) = store.pointer(of: id)
                guard n > 1 else {
                    if n == 1, byteIDs[Int(p[0])] == id { whole.insert(id) }
                    continue
                }
                sink.ids.removeAll(keepingCapacity: true)
                merge(p, n, into: &sink)
                if sink.ids.count == 1, sink.ids[0] == id { whole.insert(id) }
            }
        }
    }

    /// The pair table of tiktoken ranks: every way of cutting a token into two
    /// tokens, ranked (and merging) as the whole token.
    private static func pairsFromRanks(store: TokenStore, whole: ByteStringMap, ids: [Int32]) -> PairMap {
        var found: [(left: Int32, right: Int32, id: Int32)] = []
        for id in ids {
            let (p, n) = store.pointer(of: id)
            guard n > 1 else { continue }
            for k in 1 ..< n {
                let left = whole.find(p, k)
                guard left >= 0 else { continue }
                let right = whole.find(p + k, n - k)
                if right >= 0 { found.append((left, right, id)) }
            }
        }
        let table = PairMap(capacityFor: found.count)
        for f in found { table.insert(left: f.left, right: f.right, rank: f.id, merged: f.id) }
        return table
    }

    deinit { byteIDs.deallocate() }

    /// Appends the tokens of the piece `p[0 ..< n]` (n ≥ 1) to `sink`.
    ///
    /// - Parameter cache: this thread's merge cache for this model, fetched
    ///   on the first piece that needs merging (so calls that never merge
    ///   never touch thread-local storage).
    @inline(__always)
    func encode<S: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, cache: inout MergeCache?, into sink: inout S) {
        if n == 1 {
            let id = byteIDs[Int(p[0])]
            if id >= 0 { sink.append(id) }
            return
        }
        guard n <= maxWholeLength || n <= MergeCache.maxLongKey else {
            merge(p, n, into: &sink)
            return
        }
        let hash = hashBytes(p, n)
        if n <= maxWholeLength {
            let id = whole.find(p, n, hash: hash)
            if id >= 0 {
                sink.append(id)
                return
            }
        }
        guard n <= MergeCache.maxLongKey else {
            merge(p, n, into: &sink)
            return
        }
        let memo: MergeCache
        if let cache {
            memo = cache
        } else {
            memo = MergeCache.forCurrentThread(serial: serial)
            cache = memo
        }
        if memo.emit(p, n, hash: hash, into: &sink) { return }
        if n <= BytePairModel.smallPieceLimit {
            mergeSmall(p, n, into: &sink, memo: memo, hash: hash)
        } else {
            mergeLarge(p, n, into: &sink, memo: memo, hash: hash)
        }
    }

    /// Both merge algorithms on the same piece, for tests: (linear scan, heap).
    func mergeBothWays(_ bytes: [UInt8]) -> (small: [Int32], large: [Int32]) {
        bytes.withUnsafeBufferPointer { b in
            var small = ArraySink()
            var large = ArraySink()
            mergeSmall(b.baseAddress!, b.count, into: &small, memo: nil, hash: 0)
            mergeLarge(b.baseAddress!, b.count, into: &large, memo: nil, hash: 0)
            return (small.ids, large.ids)
        }
    }

    /// Runs the merges on `p[0 ..< n]` (n ≥ 2).
    func merge<S: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, into sink: inout S) {
        if n <= BytePairModel.smallPieceLimit {
            mergeSmall(p, n, into: &sink, memo: nil, hash: 0)
        } else {
            mergeLarge(p, n, into: &sink, memo: nil, hash: 0)
        }
    }

    /// Linear-scan merging for short pieces. Parts form a linked list over
    /// byte positions; each part holds its id and a key for merging with its
    /// successor, `rank << 32 | position`, so the smallest key is the
    /// lowest-ranked pair and, among equal ranks, the leftmost.
    private func mergeSmall<S: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, into sink: inout S,
                                          memo: MergeCache?, hash: UInt64) {
        withUnsafeTemporaryAllocation(byteCount: n * 20, alignment: 8) { raw in
            let base = raw.baseAddress!
            let keys = base.bindMemory(to: UInt64.self, capacity: n)
            let ids = (base + n * 8).bindMemory(to: Int32.self, capacity: 3 * n)
            let next = ids + n
            let merged = next + n
            for i in 0 ..< n {
                ids[i] = byteIDs[Int(p[i])]
                next[i] = Int32(i + 1)
            }
            @inline(__always) func update(_ i: Int) {
                let j = Int(next[i])
                guard j < n else {
                    keys[i] = UInt64.max
                    return
                }
                let r = pairs.find(ids[i], ids[j])
                if r == PairMap.none {
                    keys[i] = UInt64.max
                } else {
                    keys[i] = (r >> 32) << 32 | UInt64(i)
                    merged[i] = Int32(truncatingIfNeeded: r)
                }
            }
            for i in 0 ..< n { update(i) }
            while true {
                var best = UInt64.max
                var at = -1
                var before = -1
                var previous = -1
                var i = 0
                while i < n {
                    let k = keys[i]
                    if k < best {
                        best = k
                        at = i
                        before = previous
                    }
                    previous = i
                    i = Int(next[i])
                }
                if at < 0 { break }
                ids[at] = merged[at]
                next[at] = next[Int(next[at])]
                update(at)
                if before >= 0 { update(before) }
            }
            // Compact the surviving parts (leaving out bytes the vocabulary
            // lacks), then remember and emit them.
            var kept = 0
            var i = 0
            while i < n {
                if ids[i] >= 0 {
                    ids[kept] = ids[i]
                    kept += 1
                }
                i = Int(next[i])
            }
            memo?.store(p, n, hash: hash, ids, kept)
            for k in 0 ..< kept { sink.append(ids[k]) }
        }
    }

    /// Heap-ordered merging for long pieces: parts form a linked list over
    /// byte positions, candidate merges sit in a min-heap keyed by
    /// `rank << 32 | position` (so ties go to the leftmost), and entries made
    /// stale by an earlier merge are skipped when popped.
    private func mergeLarge<S: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, into sink: inout S,
                                          memo: MergeCache?, hash: UInt64) {
        let ids = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let next = UnsafeMutablePointer<Int>.allocate(capacity: n)
        let prev = UnsafeMutablePointer<Int>.allocate(capacity: n)
        let pending = UnsafeMutablePointer<UInt64>.allocate(capacity: n)  // current merge of part i with its next
        var heap = MinHeap(capacity: 3 * n + 1)
        defer {
            ids.deallocate()
            next.deallocate()
            prev.deallocate()
            pending.deallocate()
            heap.deallocate()
        }
        for i in 0 ..< n {
            ids[i] = byteIDs[Int(p[i])]
            next[i] = i + 1
            prev[i] = i - 1
        }
        @inline(__always) func update(_ i: Int) {
            let j = next[i]
            guard j < n else {
                pending[i] = PairMap.none
                return
            }
            let r = pairs.find(ids[i], ids[j])
            pending[i] = r
            if r != PairMap.none { heap.push((r >> 32) << 32 | UInt64(i)) }
        }
        for i in 0 ..< n { update(i) }
        while let top = heap.pop() {
            let i = Int(top & 0xFFFF_FFFF)
            // Stale if part i has since merged (or died): its pending rank changed.
            guard pending[i] != PairMap.none, pending[i] >> 32 == top >> 32 else { continue }
            let j = next[i]
            ids[i] = Int32(truncatingIfNeeded: pending[i])
            pending[j] = PairMap.none
            next[i] = next[j]
            if next[j] < n { prev[next[j]] = i }
            update(i)
            if prev[i] >= 0 { update(prev[i]) }
        }
        // Compact the surviving parts (leaving out bytes the vocabulary
        // lacks), then remember and emit them.
        var kept = 0
        var i = 0
        while i < n {
            if ids[i] >= 0 {
                ids[kept] = ids[i]
                kept += 1
            }
            i = next[i]
        }
        memo?.store(p, n, hash: hash, ids, kept)
        for k in 0 ..< kept { sink.append(ids[k]) }
    }
}

/// A binary min-heap of `UInt64` with a fixed capacity.
struct MinHeap {
    private let items: UnsafeMutablePointer<UInt64>
    private var count = 0

    init(capacity: Int) { items = .allocate(capacity: capacity) }

    func deallocate() { items.deallocate() }

    mutating func push(_ value: UInt64) {
        var i = count
        count += 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[parent] > value else { break }
            items[i] = items[parent]
            i = parent
        }
        items[i] = value
    }

    mutating func pop() -> UInt64? {
        guard count > 0 else { return nil }
        let top = items[0]
        count -= 1
        let last = items[count]
        var i = 0
        while true {
            let left = 2 * i + 1
            guard left < count else { break }
            let child = left + 1 < count && items[left + 1] < items[left] ? left + 1 : left
            guard items[child] < last else { break }
            items[i] = items[child]
            i = child
        }
        items[i] = last
        return top
    }
}
