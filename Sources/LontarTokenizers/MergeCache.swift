#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A per-thread memo of recent merge results: piece bytes → token ids.
///
/// Pieces that are not whole tokens (rare words, numbers with odd digit
/// groups, runs of punctuation like `+------+`) recur all through a corpus;
/// running the merges again each time was half of the encoder's work. The
/// cache belongs to one thread and one model, so it needs no locks, and it
/// cannot change results: a hit returns exactly what the merges returned.
///
/// Two tables: short pieces (≤ `maxKey` bytes, ≤ `maxIDs` ids) in fixed
/// 64-byte slots, direct-mapped (a new entry replaces the old one in its
/// slot); longer pieces (≤ `maxLongKey` bytes) in slots that point into two
/// arenas, which are emptied wholesale when full.
final class MergeCache {
    static let slotCount = 8192
    static let maxKey = 24
    static let maxIDs = 7
    /// A slot is one 64-byte cache line: tag (8 bytes), key (24), ids (7 × 4).
    private static let stride = 64
    private static let keyOffset = 8
    private static let idsOffset = 32

    static let maxLongKey = 512
    private static let longSlotCount = 2048
    private static let longArenaBytes = 1 << 18
    private static let longArenaIDs = 1 << 16

    private let slots: UnsafeMutableRawPointer
    /// Long pieces: per slot, tag and (key offset, id offset, id count).
    private let longTags: UnsafeMutablePointer<UInt64>
    private let longRefs: UnsafeMutablePointer<SIMD4<Int32>>
    private let longKeys: UnsafeMutablePointer<UInt8>
    private let longIDs: UnsafeMutablePointer<Int32>
    private var longKeysUsed = 0
    private var longIDsUsed = 0

    init() {
        slots = .allocate(byteCount: MergeCache.slotCount * MergeCache.stride, alignment: 64)
        slots.initializeMemory(as: UInt8.self, repeating: 0, count: MergeCache.slotCount * MergeCache.stride)
        longTags = .allocate(capacity: MergeCache.longSlotCount)
        longTags.initialize(repeating: 0, count: MergeCache.longSlotCount)
        longRefs = .allocate(capacity: MergeCache.longSlotCount)
        longKeys = .allocate(capacity: MergeCache.longArenaBytes)
        longIDs = .allocate(capacity: MergeCache.longArenaIDs)
    }

    deinit {
        slots.deallocate()
        longTags.deallocate()
        longRefs.deallocate()
        longKeys.deallocate()
        longIDs.deallocate()
    }

    /// Slot tag: the hash's upper bits, the key length (up to 12 bits) and
    /// the id count (up to 8 bits, short table only); 0 = empty.
    @inline(__always)
    private static func tag(_ hash: UInt64, _ length: Int, _ count: Int) -> UInt64 {
        (hash & ~0xF_FFFF) | UInt64(length) << 8 | UInt64(count)
    }

    @inline(__always)
    private func slot(_ hash: UInt64) -> UnsafeMutableRawPointer {
        slots + (Int(truncatingIfNeeded: hash >> 3) & (MergeCache.slotCount - 1)) * MergeCache.stride
    }

    /// Appends the cached ids of `p[0 ..< n]` (hash `hash`) to `sink`;
    /// `false` on a miss.
    @inline(__always)
    func emit<S: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64, into sink: inout S) -> Bool {
        if n > MergeCache.maxKey { return emitLong(p, n, hash: hash, into: &sink) }
        let s = slot(hash)
        let tag = s.load(as: UInt64.self)
        guard tag & ~0xFF == MergeCache.tag(hash, n, 0),
              bytesEqual((s + MergeCache.keyOffset).assumingMemoryBound(to: UInt8.self), p, n) else { return false }
        let ids = (s + MergeCache.idsOffset).assumingMemoryBound(to: Int32.self)
        for i in 0 ..< Int(tag & 0xFF) { sink.append(ids[i]) }
        return true
    }

    /// Remembers that `p[0 ..< n]` (n ≤ `maxLongKey`) encodes to `result[0 ..< count]`.
    @inline(__always)
    func store(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64, _ result: UnsafePointer<Int32>, _ count: Int) {
        if n > MergeCache.maxKey || count > MergeCache.maxIDs {
            storeLong(p, n, hash: hash, result, count)
            return
        }
        let s = slot(hash)
        (s + MergeCache.keyOffset).assumingMemoryBound(to: UInt8.self).update(from: p, count: n)
        (s + MergeCache.idsOffset).assumingMemoryBound(to: Int32.self).update(from: result, count: count)
        s.storeBytes(of: MergeCache.tag(hash, n, count), as: UInt64.self)
    }

    private func emitLong<S: TokenSink>(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64, into sink: inout S) -> Bool {
        let i = Int(truncatingIfNeeded: hash >> 3) & (MergeCache.longSlotCount - 1)
        guard longTags[i] == MergeCache.tag(hash, n, 0) else { return false }
        let ref = longRefs[i]
        guard bytesEqual(longKeys + Int(ref[0]), p, n) else { return false }
        let ids = longIDs + Int(ref[1])
        for k in 0 ..< Int(ref[2]) { sink.append(ids[k]) }
        return true
    }

    private func storeLong(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64, _ result: UnsafePointer<Int32>, _ count: Int) {
        guard n <= MergeCache.maxLongKey else { return }
        if longKeysUsed + n > MergeCache.longArenaBytes || longIDsUsed + count > MergeCache.longArenaIDs {
            // Full: forget every long entry at once (cheaper than tracking which to evict).
            longTags.update(repeating: 0, count: MergeCache.longSlotCount)
            longKeysUsed = 0
            longIDsUsed = 0
        }
        let i = Int(truncatingIfNeeded: hash >> 3) & (MergeCache.longSlotCount - 1)
        (longKeys + longKeysUsed).update(from: p, count: n)
        (longIDs + longIDsUsed).update(from: result, count: count)
        longRefs[i] = SIMD4(Int32(longKeysUsed), Int32(longIDsUsed), Int32(count), 0)
        longTags[i] = MergeCache.tag(hash, n, 0)
        longKeysUsed += n
        longIDsUsed += count
    }

    // MARK: - One cache per thread and model

    /// The caches of one thread, by model serial number (a thread rarely
    /// uses more than one or two tokenizers; the oldest is dropped beyond four).
    private final class ThreadCaches {
        var serials: [UInt64] = []
        var caches: [MergeCache] = []
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // Release the thread's caches when the thread ends.
        pthread_key_create(&key) { raw in
            #if canImport(Darwin)
            Unmanaged<ThreadCaches>.fromOpaque(raw).release()
            #else
            if let raw { Unmanaged<ThreadCaches>.fromOpaque(raw).release() }
            #endif
        }
        return key
    }()

    /// This thread's cache for the model with serial number `serial`.
    static func forCurrentThread(serial: UInt64) -> MergeCache {
        let registry: ThreadCaches
        if let raw = pthread_getspecific(key) {
            registry = Unmanaged<ThreadCaches>.fromOpaque(raw).takeUnretainedValue()
        } else {
            registry = ThreadCaches()
            pthread_setspecific(key, Unmanaged.passRetained(registry).toOpaque())
        }
        if let i = registry.serials.firstIndex(of: serial) { return registry.caches[i] }
        if registry.serials.count >= 4 {
            registry.serials.removeFirst()
            registry.caches.removeFirst()
        }
        let cache = MergeCache()
        registry.serials.append(serial)
        registry.caches.append(cache)
        return cache
    }
}
