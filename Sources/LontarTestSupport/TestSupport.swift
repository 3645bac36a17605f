import Foundation

/// Helpers shared by Lontar's test targets: where the repository and the
/// reference data live, and how to ask a real peer (PySpark, HF tokenizers,
/// transformers, PEFT…) for the answer through Python.
public enum TestSupport {
    /// The repository root (the folder holding Package.swift).
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared/reference`, the peers' reference outputs beside the checkout.
    public static var sharedReference: URL {
        repoRoot.deletingLastPathComponent().appendingPathComponent("shared/reference")
    }

    /// `Tests/oracles`, the Python scripts that ask real peers.
    public static var oracles: URL { repoRoot.appendingPathComponent("Tests/oracles") }

    /// True in CI (`LONTAR_REQUIRE_PEERS=1`): a missing peer is then a failure,
    /// never a silent skip.
    public static var peersRequired: Bool {
        ProcessInfo.processInfo.environment["LONTAR_REQUIRE_PEERS"] == "1"
    }

    /// The Python interpreter with the peers installed (`LONTAR_PYTHON`, else `python3`).
    public static var python: String {
        ProcessInfo.processInfo.environment["LONTAR_PYTHON"] ?? "python3"
    }

    /// Whether Python can import every module named (e.g. `["pyspark"]`).
    public static func peerAvailable(_ modules: [String]) -> Bool {
        let check = modules.map { "import \($0)" }.joined(separator: "; ")
        return (try? runPython(["-c", check]))?.status == 0
    }

    /// Result of a subprocess run.
    public struct ProcessResult {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs Python with `arguments`, feeding `stdin`, and collects its output.
    public static func runPython(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        try run(executable: "/usr/bin/env", [python] + arguments, stdin: stdin)
    }

    /// Runs a program to completion, collecting stdout and stderr without deadlocking.
    public static func run(executable: String, _ arguments: [String], stdin: Data? = nil,
                           environment: [String: String]? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        group.enter()
        DispatchQueue.global().async { out = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { inPipe.fileHandleForWriting.write(stdin) }
        try? inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return ProcessResult(status: process.terminationStatus, stdout: out,
                             stderr: String(decoding: err, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller when done.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lontar-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
