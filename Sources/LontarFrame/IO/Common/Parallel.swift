import Dispatch
import Foundation

/// Runs `body(0) … body(count - 1)` on up to `threads` threads and returns the
/// results in index order. Work is handed out one index at a time, so uneven
/// jobs (Parquet column chunks of different sizes) still balance.
func parallelMap<T: Sendable>(count: Int, threads: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    if count == 0 { return [] }
    if threads <= 1 || count == 1 { return try (0 ..< count).map(body) }
    let results = ResultSlots<T>(count: count)
    let next = Counter()
    let workers = min(threads, count)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let i = next.take(below: count) {
            results.set(i, Result { try body(i) })
        }
    }
    return try results.values().map { try $0.get() }
}

/// Hands out 0, 1, 2… to competing threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if value >= limit { return nil }
        value += 1
        return value - 1
    }
}

/// One slot per job; each slot is written by exactly one thread, and read only
/// after `concurrentPerform` has returned (which orders the writes before the reads).
private final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<T, any Error>) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    func values() -> [Result<T, any Error>] { slots.map { $0! } }
}
