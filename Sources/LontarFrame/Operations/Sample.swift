/// Seeded sampling whose result depends only on the seed and the rows, never
/// on the thread count or chunking.
///
/// Each row `i` gets a 64-bit key `SplitMix64(seed, i)` (a counter-based
/// generator: the key of a row is computed from its index, not drawn from a
/// sequence, so rows can be visited in any order and on any thread).
///
/// - `sample(fraction:)` keeps row `i` iff `key(i) < fraction · 2⁶⁴`
///   (independent Bernoulli trials, like Spark's `sample(false, fraction)`;
///   the row count is random around `fraction · n`).
/// - `sample(count:)` keeps the `count` rows with the smallest keys (ties
///   broken by row index), a uniformly random subset of exactly that size
///   ("bottom-k" sampling).
///
/// Both return the kept rows in their original order. Spark's own sampling
/// is seeded per partition, so the rows differ from Spark's for the same seed.
extension Frame {
    /// The key of row `row` under `seed`.
    static func sampleKey(seed: UInt64, row: Int) -> UInt64 {
        Hashing.mix(seed &* 0xD1B5_4A32_D192_ED03 ^ UInt64(row))
    }

    /// Rows kept with probability `fraction` each (0 ≤ fraction ≤ 1).
    public func sample(fraction: Double, seed: UInt64) throws -> Frame {
        guard fraction >= 0 && fraction <= 1 else {
            throw FrameError.invalidArgument("sample fraction must be between 0 and 1, got \(fraction)")
        }
        if fraction == 1 { return self }
        // Compare in [0, 1) with 53-bit precision: key >> 11 / 2^53 < fraction.
        let kept = try Parallel.map(count: count()) { rows in
            rows.filter { Double(Self.sampleKey(seed: seed, row: $0) >> 11) * 0x1p-53 < fraction }
        }.flatMap { $0 }
        return try gather(kept)
    }

    /// Exactly `min(count, rowCount)` rows, chosen uniformly at random.
    public func sample(count wanted: Int, seed: UInt64) throws -> Frame {
        guard wanted >= 0 else { throw FrameError.invalidArgument("sample size must be non-negative, got \(wanted)") }
        let n = count()
        if wanted >= n { return self }
        if wanted == 0 { return try limit(0) }
        let keys = try Parallel.map(count: n) { rows in rows.map { Self.sampleKey(seed: seed, row: $0) } }.flatMap { $0 }
        // The wanted-th smallest (key, row) pair is the threshold.
        var order = Array(0 ..< n)
        let threshold = Self.select(&order, rank: wanted - 1) { a, b in keys[a] < keys[b] || (keys[a] == keys[b] && a < b) }
        let tk = keys[threshold]
        let kept = (0 ..< n).filter { keys[$0] < tk || (keys[$0] == tk && $0 <= threshold) }
        return try gather(kept)
    }

    /// Quickselect: the element of rank `rank` under `less` (reorders `items`).
    private static func select(_ items: inout [Int], rank: Int, _ less: (Int, Int) -> Bool) -> Int {
        var lo = 0, hi = items.count - 1
        var state: UInt64 = 0x1234_5678
        while lo < hi {
            state = Hashing.mix(state)
            let pivot = items[lo + Int(state % UInt64(hi - lo + 1))]
            var i = lo, j = hi
            while i <= j {
                while less(items[i], pivot) { i += 1 }
                while less(pivot, items[j]) { j -= 1 }
                if i <= j { items.swapAt(i, j); i += 1; j -= 1 }
            }
            if rank <= j { hi = j } else if rank >= i { lo = i } else { return items[rank] }
        }
        return items[rank]
    }
}
