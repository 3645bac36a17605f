import Foundation
import LontarSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read-only bytes of a model file.
///
/// Normally the file is memory-mapped (`mmap`, `PROT_READ`, `MAP_PRIVATE`), so a
/// multi-gigabyte model costs no heap and pages in on demand; the mapping lives
/// exactly as long as this object, which every reader, tensor and array that
/// points into it keeps alive. For tests and in-memory data a region can also
/// own a heap copy.
public final class ByteRegion: @unchecked Sendable {
    // @unchecked: the bytes are immutable once the region exists, and the
    // mapping is only released in deinit, when no one can reach it any more.

    /// All bytes of the file.
    public let bytes: UnsafeRawBufferPointer
    /// The name used in error messages (the path, or a label for in-memory data).
    public let name: String
    private let mapped: Bool
    /// A region this one is a view of (kept alive; nothing to release here).
    private let parent: ByteRegion?

    /// Maps `url` read-only.
    public init(mapping url: URL) throws {
        let path = url.path
        name = path
        parent = nil
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ModelFileError(.io, file: path, "cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw ModelFileError(.io, file: path, "cannot stat: \(errnoText())") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw ModelFileError(.io, file: path, "is a directory, not a file") }
        let size = Int(info.st_size)
        if size == 0 {
            // mmap rejects a zero length; an empty file is simply empty.
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw ModelFileError(.io, file: path, "cannot memory-map \(size) bytes: \(errnoText())")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        mapped = true
    }

    /// Copies `data` into a region of its own, labelled `name` in errors.
    public init(copying data: Data, name: String) {
        self.name = name
        mapped = false
        parent = nil
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 64)
        data.copyBytes(to: buffer)
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: data.count)
    }

    /// The first `count` bytes of `region`, without copying (tests use this
    /// to parse truncated files cheaply).
    init(prefixOf region: ByteRegion, count: Int, name: String) {
        precondition(count >= 0 && count <= region.count)
        self.name = name
        mapped = false
        parent = region
        bytes = UnsafeRawBufferPointer(rebasing: region.bytes[0 ..< count])
    }

    /// Drops the resident pages of `range` (whole pages inside it) from this
    /// process's memory. Only a file mapping does this: its pages were never
    /// written, so the system reads them back from the file if they are
    /// touched again. A heap copy keeps its bytes.
    public func releaseResidentPages(_ range: Range<Int>) {
        guard mapped, let base = bytes.baseAddress, !range.isEmpty else { return }
        releaseWholePages(base + range.lowerBound, count: range.count)
    }

    deinit {
        guard parent == nil, let base = bytes.baseAddress else { return }
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// Number of bytes.
    public var count: Int { bytes.count }

}
