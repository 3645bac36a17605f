import Foundation

/// Row-chunked parallel execution for frame operations.
///
/// Work is cut into chunks of a fixed number of rows (`Parallel.chunkRows`),
/// never into "one piece per thread": chunk boundaries therefore do not depend
/// on how many threads run, and partial results are always combined in chunk
/// order. Every result — including floating-point sums, whose value depends on
/// the order of additions — is the same on 1, 2 or 64 threads.
public enum Parallel {
    /// Rows per chunk. Large enough to amortise scheduling, small enough that a
    /// chunk of 2 KB texts (~32 MB) keeps intermediate buffers bounded.
    public static let chunkRows = 16_384

    private static let lock = NSLock()
    nonisolated(unsafe) private static var configuredThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Worker threads used by frame operations (default: the active processor
    /// count). Changing it never changes a result, only the speed.
    public static var threadCount: Int {
        get { lock.withLock { configuredThreads } }
        set { lock.withLock { configuredThreads = max(1, newValue) } }
    }

    /// The chunk ranges covering `0 ..< count`.
    static func chunks(_ count: Int, rows: Int = chunkRows) -> [Range<Int>] {
        stride(from: 0, to: count, by: rows).map { $0 ..< min($0 + rows, count) }
    }

    /// Runs `body` on every chunk of `0 ..< count` and returns the results in
    /// chunk order. If any chunk throws, the error of the first such chunk (in
    /// chunk order, so deterministically) is rethrown.
    static func map<T>(count: Int, rows: Int = chunkRows,
                       _ body: (Range<Int>) throws -> T) throws -> [T] {
        try map(Self.chunks(count, rows: rows), body)
    }

    /// Runs `body` on every element of `items` (in parallel) and returns the
    /// results in the order of `items`.
    static func map<Item, T>(_ items: [Item], _ body: (Item) throws -> T) throws -> [T] {
        let n = items.count
        let workers = min(threadCount, n)
        if workers <= 1 { return try items.map(body) }

        let slots = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: n)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        withoutActuallyEscaping(body) { body in
            // Dispatch wants a @Sendable closure; the shared state is safe by
            // construction: `items` is read-only, each slot is written by the
            // one worker that claimed its index, and the counter is locked.
            let shared = UncheckedSendable((items: items, body: body, slots: slots, counter: Counter()))
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let s = shared.value
                while true {
                    let i = s.counter.next()
                    if i >= n { return }
                    s.slots[i] = Result { try s.body(s.items[i]) }
                }
            }
        }
        return try slots.map { try $0!.get() }
    }

    /// Runs `body` on every chunk in parallel and hands each result to
    /// `consume` in chunk order, one at a time, releasing it right after: only
    /// the few chunks finished ahead of the next one to consume are held, so
    /// assembling a large output needs no second full-size copy.
    static func mapInOrder<T>(count: Int, rows: Int = chunkRows,
                              _ body: (Range<Int>) throws -> T, consume: (T) throws -> Void) throws {
        let chunks = Self.chunks(count, rows: rows)
        let n = chunks.count
        let workers = min(threadCount, n)
        if workers <= 1 {
            for c in chunks { try consume(try body(c)) }
            return
        }
        let slots = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: n)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let cursor = ConsumptionCursor()
        withoutActuallyEscaping(body) { body in
            withoutActuallyEscaping(consume) { consume in
                // Shared state: `slots` entries and the cursor are only touched
                // under the cursor's lock; `consume` runs under it too, so results
                // are consumed strictly in order by one thread at a time.
                let shared = UncheckedSendable((chunks: chunks, body: body, consume: consume, counter: Counter(), slots: slots))
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    let s = shared.value
                    while true {
                        let i = s.counter.next()
                        if i >= n { return }
                        let result = Result { try s.body(s.chunks[i]) }
                        cursor.lock.withLock {
                            s.slots[i] = result
                            while cursor.next < n, let ready = s.slots[cursor.next] {
                                s.slots[cursor.next] = nil
                                cursor.next += 1
                                if cursor.failure != nil { continue }
                                do { try s.consume(try ready.get()) } catch { cursor.failure = error }
                            }
                        }
                    }
                }
            }
        }
        if let failure = cursor.failure { throw failure }
    }

    /// Runs `body` on every chunk for its side effects (each chunk must write
    /// only its own rows).
    static func forEach(count: Int, rows: Int = chunkRows, _ body: (Range<Int>) throws -> Void) throws {
        _ = try map(count: count, rows: rows, body)
    }
}

/// A value handed to worker threads whose thread-safety is argued at the use site.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A locked counter handing out work items.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}

/// The in-order consumption state of `Parallel.mapInOrder`, guarded by `lock`.
final class ConsumptionCursor: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var failure: Error? = nil
}
