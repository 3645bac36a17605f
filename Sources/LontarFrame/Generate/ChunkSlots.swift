import Foundation

/// Results of parallel chunk generation: one slot per chunk, each written by
/// exactly one worker and read after all workers finish.
final class ChunkSlots: @unchecked Sendable {
    typealias Chunk = (input: StringColumn, output: StringColumn)
    private let slots: UnsafeMutableBufferPointer<Chunk?>

    init(count: Int) {
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil)
    }

    func set(_ i: Int, _ chunk: Chunk) { slots[i] = chunk }

    func get(_ i: Int) -> Chunk { slots[i] ?? (StringColumn(), StringColumn()) }

    func release() {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}

/// A shared counter handing out chunk numbers.
final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// Cores available to this process.
enum ProcessInfoCores {
    static var count: Int { ProcessInfo.processInfo.activeProcessorCount }
}
