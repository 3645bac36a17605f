/// The two read-only hash tables on the encoder's hot path: "which token are
/// these bytes?" and "what do these two adjacent tokens merge into?".
///
/// Both are open-addressing tables with linear probing, built once when a
/// tokenizer loads and never changed afterwards, so any number of threads
/// may read them at once.

/// Hashes a short byte string (a token or a piece of text).
///
/// Eight bytes at a time, multiply-and-fold mixing; the tail is read with
/// overlapping loads instead of a byte loop. Quality only has to be good
/// enough for a table that is at most half full.
@inline(__always)
func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    let raw = UnsafeRawPointer(p)
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: n &+ 1)
    var i = 0
    while i + 8 <= n {
        h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        i += 8
    }
    let rest = n - i
    if rest > 0 {
        var w: UInt64
        if n >= 8 {
            // The last 8 bytes overlap bytes already hashed; that is fine.
            w = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if rest >= 4 {
            let lo = UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            let hi = UInt64(raw.loadUnaligned(fromByteOffset: rest - 4, as: UInt32.self))
            w = lo | (hi << 32)
        } else {
            // 1…3 bytes: first, middle and last byte.
            w = UInt64(p[0]) | (UInt64(p[rest >> 1]) << 8) | (UInt64(p[rest - 1]) << 16)
        }
        h = mix(h ^ w)
    }
    return h
}

@inline(__always)
func mix(_ x: UInt64) -> UInt64 {
    var x = x &* 0xBF58_476D_1CE4_E5B9
    x ^= x >> 31
    x = x &* 0x94D0_49BB_1331_11EB
    return x ^ (x >> 29)
}

/// Maps byte strings to token ids. The keys themselves are not copied: they
/// are the byte strings of a `TokenStore`, and a slot holds only a 32-bit
/// hash check and the id.
final class ByteStringMap: @unchecked Sendable {
    /// `(hash >> 32) << 32 | (id + 1)`; 0 marks an empty slot.
    private let slots: UnsafeMutablePointer<UInt64>
    private let mask: Int
    let store: TokenStore

    init(capacityFor count: Int, store: TokenStore) {
        var size = 16
        while size < count * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        mask = size - 1
        self.store = store
    }

    deinit { slots.deallocate() }

    /// Inserts `id` (whose bytes are `store.bytes(of: id)`) unless a token with
    /// the same bytes is already present; returns whether it was inserted.
    @discardableResult
    func insert(_ id: Int32) -> Bool {
        let (p, n) = store.pointer(of: id)
        if find(p, n) >= 0 { return false }
        let h = hashBytes(p, n)
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(id + 1))
        return true
    }

    /// The id whose bytes are `p[0 ..< n]`, or -1.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        find(p, n, hash: hashBytes(p, n))
    }

    /// `find` with the key's `hashBytes` already computed.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32 {
        var i = Int(truncatingIfNeeded: h) & mask
        let check = h & 0xFFFF_FFFF_0000_0000
        while true {
            let slot = slots[i]
            if slot == 0 { return -1 }
            if slot & 0xFFFF_FFFF_0000_0000 == check {
                let id = Int32(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if store.equals(id, p, n) { return id }
            }
            i = (i + 1) & mask
        }
    }
}

/// Maps a pair of adjacent token ids to the merge that joins them: its rank
/// (lower merges first) and the id of the merged token. Key and value share
/// a 16-byte slot, so a look-up touches one cache line.
final class PairMap: @unchecked Sendable {
    /// Slot `i` is `slots[2i]` (key) and `slots[2i + 1]` (value).
    private let slots: UnsafeMutablePointer<UInt64>
    private let mask: Int
    static let empty = UInt64.max
    /// What `find` returns for a pair that never merges.
    static let none = UInt64.max

    init(capacityFor count: Int) {
        var size = 16
        while size < count + count / 2 { size <<= 1 }
        slots = .allocate(capacity: 2 * size)
        slots.initialize(repeating: PairMap.empty, count: 2 * size)
        mask = size - 1
    }

    deinit { slots.deallocate() }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Records the merge of `left` and `right`; an existing (lower) rank for
    /// the same pair is kept, as a merges list read top-down would.
    func insert(left: Int32, right: Int32, rank: Int32, merged: Int32) {
        let k = PairMap.key(left, right)
        var i = Int(truncatingIfNeeded: mix(k)) & mask
        while slots[2 * i] != PairMap.empty {
            if slots[2 * i] == k { return }
            i = (i + 1) & mask
        }
        slots[2 * i] = k
        slots[2 * i + 1] = UInt64(UInt32(rank)) << 32 | UInt64(UInt32(merged))
    }

    /// `rank << 32 | merged`, or `PairMap.none` when the pair never merges.
    @inline(__always)
    func find(_ left: Int32, _ right: Int32) -> UInt64 {
        let k = PairMap.key(left, right)
        var i = Int(truncatingIfNeeded: mix(k)) & mask
        while true {
            let key = slots[2 * i]
            if key == k { return slots[2 * i + 1] }
            if key == PairMap.empty { return PairMap.none }
            i = (i + 1) & mask
        }
    }
}
