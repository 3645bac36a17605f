import Foundation
import LontarFrame
import LontarTestSupport

/// Shared helpers for the IO tests: temporary files and short reads.
enum IOTest {
    /// Writes `text` to a fresh file named `name` and returns its URL.
    static func file(_ name: String, _ text: String) throws -> URL {
        try file(name, bytes: Array(text.utf8))
    }

    static func file(_ name: String, bytes: [UInt8]) throws -> URL {
        let dir = try TestSupport.temporaryDirectory()
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Reads `text` as a file of the given name (the extension picks the format).
    static func read(_ name: String, _ text: String, _ options: ReadOptions = ReadOptions()) throws -> (Frame, ReadReport) {
        try FrameReader.read(url: file(name, text), options: options)
    }

    /// The error reading `text` throws (nil if it reads).
    static func readError(_ name: String, _ text: String, _ options: ReadOptions = ReadOptions()) -> ReadError? {
        do {
            _ = try read(name, text, options)
            return nil
        } catch let e as ReadError {
            return e
        } catch {
            return ReadError(path: "?", message: "unexpected error type: \(error)")
        }
    }

    /// Every value of a column as scalars.
    static func values(_ frame: Frame, _ name: String) -> [Scalar] {
        guard let c = frame.column(named: name) else { return [] }
        return (0 ..< c.count).map { c[$0] }
    }
}
