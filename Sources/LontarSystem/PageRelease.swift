import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's memory page size in bytes.
public let memoryPageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

/// Hands the whole pages inside `count` bytes at `start` back to the
/// operating system (`madvise(MADV_DONTNEED)`); partial pages at either end
/// are kept. Afterwards anonymous memory reads as zeros and a read-only file
/// mapping reads the file again: only for bytes their owner is done with.
public func releaseWholePages(_ start: UnsafeRawPointer, count: Int) {
    let page = memoryPageSize
    let first = (Int(bitPattern: start) + page - 1) / page * page
    let last = (Int(bitPattern: start) + count) / page * page
    guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
    _ = madvise(pointer, last - first, Int32(MADV_DONTNEED))
}
