import Foundation

/// Runs helper programs (pip, python's zipfile) for model fetching.
enum Subprocess {
    struct Result {
        var status: Int32
        /// stdout and stderr, interleaved as they arrived.
        var output: String
        /// The last few non-empty lines of output, for error messages.
        func tail(_ lines: Int = 6) -> String {
            output.split(whereSeparator: \.isNewline).suffix(lines).joined(separator: "\n")
        }
    }

    /// Runs `arguments[0]` (looked up on PATH) with the rest as arguments,
    /// passing each line of output to `onLine` as it arrives. Throws only when
    /// the program cannot be started at all.
    static func run(_ arguments: [String], environment: [String: String]? = nil,
                    onLine: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read on this thread until EOF (the child closed its ends), so no
        // output is lost and nothing blocks.
        var collected = Data()
        var pending = Data()
        let handle = pipe.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            collected.append(chunk)
            guard let onLine else { continue }
            pending.append(chunk)
            while let newline = pending.firstIndex(where: { $0 == 10 || $0 == 13 }) {
                let line = String(decoding: pending[pending.startIndex ..< newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex ... newline)
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { onLine(trimmed) }
            }
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: collected, as: UTF8.self))
    }
}
