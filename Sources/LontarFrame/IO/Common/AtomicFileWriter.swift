#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the old file or the complete new
/// one, never a half-written file: bytes go to a temporary file in the same
/// directory, which is flushed to disk (`fsync`) and then renamed over the
/// target (atomic within a file system); the directory is synced so the
/// rename itself survives a crash. If anything fails, or the writer is dropped
/// without `commit()`, the temporary file is removed and the target is untouched.
final class AtomicFileWriter {
    let path: String
    private let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private let flushSize = 1 << 20

    init(path: String) throws {
        self.path = path
        let dir = AtomicFileWriter.directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var attempt = 0
        while true {
            let candidate = "\(dir)/.\(name).lontar-tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
            let f = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if f >= 0 {
                fd = f
                temporaryPath = candidate
                break
            }
            if errno != EEXIST || attempt > 10 {
                throw FileError(path: path, message: "cannot create a temporary file in \(dir): \(errnoText())", kind: .io)
            }
            attempt += 1
        }
        buffer.reserveCapacity(flushSize + 4096)
    }

    deinit {
        if !finished { abort() }
    }

    /// The buffer writers append to; call `flushIfFull()` now and then.
    @inline(__always) func withBuffer<R>(_ body: (inout [UInt8]) throws -> R) rethrows -> R {
        try body(&buffer)
    }

    func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
    }

    func flushIfFull() throws {
        if buffer.count >= flushSize { try flush() }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: path, message: "write failed: \(errnoText())", kind: .io)
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the temporary file over the target.
    func commit() throws {
        do {
            try flush()
            if fsync(fd) != 0 { throw FileError(path: path, message: "fsync failed: \(errnoText())", kind: .io) }
            let closed = close(fd)
            fd = -1
            if closed != 0 { throw FileError(path: path, message: "close failed: \(errnoText())", kind: .io) }
            if rename(temporaryPath, path) != 0 {
                throw FileError(path: path, message: "cannot rename the finished file into place: \(errnoText())", kind: .io)
            }
            finished = true
        } catch {
            abort()
            throw error
        }
        // Make the rename durable; a failure here does not undo a complete file.
        let dirfd = open(AtomicFileWriter.directory(of: path), O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    /// Drops the temporary file; the target is left as it was.
    func abort() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
        finished = true
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}

/// `write(2)`, named apart from the methods called `write`.
@inline(__always)
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}
