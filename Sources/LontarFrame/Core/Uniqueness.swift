import Foundation

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

/// Hands whole pages of a buffer that will never be read again back to the
/// operating system (`madvise(MADV_DONTNEED)`), front to back, so a large
/// column being rewritten shrinks while its replacement grows.
///
/// Only for a buffer its caller owns alone and discards afterwards: released
/// pages read as zeros.
struct PageReleaser {
    private let base: UInt
    private let end: UInt
    private var released: UInt
    private static let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        let start = UInt(bitPattern: buffer.baseAddress)
        let page = Self.pageSize
        base = start
        end = start + UInt(buffer.count)
        released = (start + page - 1) / page * page          // first whole page
    }

    /// Releases the whole pages below byte `offset` of the buffer.
    mutating func release(upTo offset: Int) {
        guard base != 0 else { return }
        let limit = min(base + UInt(offset), end) / Self.pageSize * Self.pageSize
        guard limit > released else { return }
        if let pointer = UnsafeMutableRawPointer(bitPattern: released) {
            _ = madvise(pointer, Int(limit - released), Int32(MADV_DONTNEED))
        }
        released = limit
    }
}
