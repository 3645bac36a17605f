import Foundation
import LontarSystem

/// A buffered writer for frame files on top of `AtomicFile`: readers see
/// either the old file or the complete new one, never a half-written file.
/// If anything fails, or the writer is dropped without `commit()`, the
/// temporary file is removed and the target is untouched. Failures become
/// `FileError`s naming the target.
final class AtomicFileWriter {
    let path: String
    private var file: AtomicFile?
    private var buffer: [UInt8] = []
    private let flushSize = 1 << 20

    init(path: String) throws {
        self.path = path
        file = try Self.io(path) { try AtomicFile(destination: URL(fileURLWithPath: path)) }
        buffer.reserveCapacity(flushSize + 4096)
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
        guard let file else { throw FileError(path: path, message: "the file was already finished", kind: .io) }
        try Self.io(path) { try buffer.withUnsafeBytes { try file.write($0) } }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the temporary file over the target.
    func commit() throws {
        defer { file = nil }
        try flush()
        try Self.io(path) { try file?.commit() }
    }

    /// Drops the temporary file; the target is left as it was.
    func abort() {
        file = nil
    }

    private static func io<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FileSystemError {
            throw FileError(path: path, message: error.message, kind: .io)
        }
    }
}
