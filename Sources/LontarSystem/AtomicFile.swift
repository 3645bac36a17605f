import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Writes a file so that its path only ever holds the old contents or the
/// complete new ones: bytes go to a temporary file in the same folder, which
/// is flushed to disk and then renamed over the destination. If anything
/// fails (or the writer is dropped without `commit()`), the temporary file
/// is removed and the destination is untouched.
public final class AtomicFile {
    /// The final path.
    public let destination: URL
    /// The temporary file being written.
    public let temporary: URL
    /// Bytes written so far.
    public private(set) var count = 0
    private var fd: Int32
    private var committed = false

    /// Starts writing `destination` (its folder must exist; the temporary
    /// file goes beside it, so the rename stays within one file system).
    public init(destination: URL) throws {
        self.destination = destination
        let folder = destination.deletingLastPathComponent()
        temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(UUID().uuidString)")
        fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw FileSystemError(path: destination.path, "cannot create a temporary file in \(folder.path): \(errnoText())")
        }
    }

    deinit {
        if !committed {
            if fd >= 0 { close(fd) }
            unlink(temporary.path)
        }
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = systemWrite(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: destination.path, offset: count, "write failed: \(errnoText())")
            }
            p += n
            left -= n
            count += n
        }
    }

    /// Appends bytes.
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Appends `count` zero bytes (padding).
    public func writeZeros(_ count: Int) throws {
        guard count > 0 else { return }
        try write(Data(count: count))
    }

    /// Flushes the file to disk and renames it over the destination.
    public func commit() throws {
        precondition(!committed, "AtomicFile committed twice")
        if fsync(fd) != 0 {
            throw FileSystemError(path: destination.path, "fsync failed: \(errnoText())")
        }
        close(fd)
        fd = -1
        if rename(temporary.path, destination.path) != 0 {
            throw FileSystemError(path: destination.path, "cannot rename the finished file into place: \(errnoText())")
        }
        committed = true
        // Make the rename itself durable.
        let dir = open(destination.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
    }
}
