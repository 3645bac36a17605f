import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LontarFrame
import LontarTestSupport

/// Shared helpers for the IO tests: temporary files and short reads.
enum IOTest {
    /// Writes `text` to a fresh file named `name` and returns its URL.
    static func file(_ name: String, _ text: String) throws -> URL {
        try file(name, bytes: Array(text.utf8))
    }

    static func file(_ name: String, bytes: [UInt8]) throws -> URL {
        // Tests run in parallel: each file gets its own folder, all under one
        // folder per test process that is removed when the process exits.
        let dir = directory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// This process's folder of test files.
    static let directory: URL = {
        let url = URL(fileURLWithPath: processDirectoryPath())
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: processDirectoryPath()) }
        return url
    }()

    /// Reads `text` as a file of the given name (the extension picks the format).
    static func read(_ name: String, _ text: String, _ options: ReadOptions = ReadOptions()) throws -> (Frame, ReadReport) {
        try FrameReader.read(url: file(name, text), options: options)
    }

    /// The error reading `text` throws (nil if it reads).
    static func readError(_ name: String, _ text: String, _ options: ReadOptions = ReadOptions()) -> FileError? {
        do {
            _ = try read(name, text, options)
            return nil
        } catch let e as FileError {
            return e
        } catch {
            return FileError(path: "?", message: "unexpected error type: \(error)")
        }
    }

    /// Every value of a column as scalars.
    static func values(_ frame: Frame, _ name: String) -> [Scalar] {
        guard let c = frame.column(named: name) else { return [] }
        return (0 ..< c.count).map { c[$0] }
    }
}

extension IOTest {
    /// The first difference between two frames' contents (names, types, and
    /// each row's value, with nulls compared as nulls whatever lies under them
    /// and doubles compared bit for bit), or nil if they hold the same data.
    static func difference(_ a: Frame, _ b: Frame) -> String? {
        if a.columnNames != b.columnNames { return "columns \(a.columnNames) vs \(b.columnNames)" }
        if a.rowCount != b.rowCount { return "rows \(a.rowCount) vs \(b.rowCount)" }
        for (x, y) in zip(a.columns, b.columns) {
            if x.type != y.type { return "column \(x.name): \(x.type) vs \(y.type)" }
            for i in 0 ..< x.count {
                let u = x[i], v = y[i]
                if case .double(let p) = u, case .double(let q) = v {
                    if p.bitPattern != q.bitPattern { return "column \(x.name) row \(i): \(p) vs \(q)" }
                } else if u != v {
                    return "column \(x.name) row \(i): \(u) vs \(v)"
                }
            }
        }
        return nil
    }
}

/// `lontar-io-tests-<pid>` in the temporary folder.
private func processDirectoryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("lontar-io-tests-\(getpid())").path
}
