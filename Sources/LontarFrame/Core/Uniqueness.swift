import Foundation
import LontarSystem

/// Ownership checks behind in-place memory release: a column's text can only
/// be handed back to the operating system while it is being rewritten if no
/// other frame, variable or copy can still read it.

/// Whether `array`'s heap buffer is referenced by this array alone.
///
/// Swift has no public uniqueness test for arrays (only for class instances),
/// but on this platform an array is a single reference to its heap buffer, so
/// the buffer can be asked directly. `arrayUniquenessWorks` checks that
/// assumption once at run time; if it ever fails, callers treat every array as
/// shared, which only costs memory, never correctness.
func isUniquelyReferencedBuffer<T>(_ array: inout [T]) -> Bool {
    guard arrayUniquenessWorks, !array.isEmpty else { return false }
    return bufferIsUnique(&array)
}

private func bufferIsUnique<T>(_ array: inout [T]) -> Bool {
    guard MemoryLayout<[T]>.size == MemoryLayout<NativeObject>.size else { return false }
    return withUnsafeMutablePointer(to: &array) { pointer in
        pointer.withMemoryRebound(to: NativeObject.self, capacity: 1) { isKnownUniquelyReferenced(&$0.pointee) }
    }
}

/// Stands for the array's buffer object, a native Swift object: the check
/// reads only its reference count. (Asking through `AnyObject` instead
/// answers "shared" in debug builds of Swift 6.)
private final class NativeObject {}

/// The layout assumption, tested on a live array: unique alone, shared once copied.
let arrayUniquenessWorks: Bool = {
    var probe = [UInt8](repeating: 7, count: 64)
    guard bufferIsUnique(&probe) else { return false }
    let copy = probe
    return withExtendedLifetime(copy) { !bufferIsUnique(&probe) }
}()

/// Hands the pages of a buffer that will never be read again back to the
/// operating system, front to back, so a large column being rewritten
/// shrinks while its replacement grows.
///
/// Only for a buffer its caller owns alone and discards afterwards: released
/// pages read as zeros.
struct PageReleaser {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var released = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// Releases the whole pages below byte `offset` of the buffer (those not
    /// released yet).
    mutating func release(upTo offset: Int) {
        guard let base = buffer.baseAddress else { return }
        let end = min(offset, buffer.count)
        // Whole pages only: the page holding byte `end` is still being read.
        guard end - released >= memoryPageSize else { return }
        releaseWholePages(base + released, count: end - released)
        released = end - (Int(bitPattern: base + end) % memoryPageSize)
    }
}
