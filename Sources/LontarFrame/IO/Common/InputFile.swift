import LontarSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file read with `pread`, so several threads can read parts of
/// it at once and nothing holds the whole file in memory.
final class InputFile: @unchecked Sendable {
    let path: String
    let size: Int
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        if fd < 0 { throw FileError(path: path, message: "cannot open: \(errnoText())", kind: .io) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let text = errnoText()
            close(fd)
            throw FileError(path: path, message: "cannot stat: \(text)", kind: .io)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileError(path: path, message: "is a directory, not a file", kind: .io)
        }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads up to `count` bytes at `offset` into `buffer`; returns the bytes
    /// read (fewer only at the end of the file).
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, position: FilePosition(byteOffset: offset + done),
                                message: "read failed: \(errnoText())", kind: .io)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset`, or throws if the file is shorter.
    func readBytes(at offset: Int, count: Int) throws -> [UInt8] {
        if count == 0 { return [] }
        guard offset >= 0, count > 0, offset <= size, count <= size - offset else {
            throw FileError(path: path, position: FilePosition(byteOffset: offset),
                            message: "needs \(count) bytes at offset \(offset), but the file has \(size) bytes")
        }
        var got = 0
        let bytes = try [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            got = try read(into: buf.baseAddress!, count: count, at: offset)
            initialized = got
        }
        if got != count {
            throw FileError(path: path, position: FilePosition(byteOffset: offset + got),
                            message: "the file ended early (truncated while reading?)", kind: .io)
        }
        return bytes
    }
}

