import Foundation
import LontarTestSupport
@testable import LontarRegex

/// Runs `Tests/oracles/RegexOracle.java` (compiled once per test process
/// with `javac`) and renders Lontar's answers in the same line format, so
/// the two can be compared exactly.
enum JavaOracle {
    struct Case {
        var pattern: String
        var input: String
        var replacement: String = "<$0>"
        var limit: Int = 0
    }

    /// Whether `java` and `javac` can be run.
    static let available: Bool = {
        let javac = try? TestSupport.run(executable: "/usr/bin/env", ["javac", "-version"])
        let java = try? TestSupport.run(executable: "/usr/bin/env", ["java", "-version"])
        return javac?.status == 0 && java?.status == 0
    }()

    /// The directory holding the compiled oracle class (removed at exit).
    private static let classDirectory: Result<URL, Error> = Result(catching: {
        let dir = try TestSupport.temporaryDirectory()
        JavaOracle.directoryToRemove.withLock { $0 = dir.path }
        atexit {
            JavaOracle.directoryToRemove.withLock { path in
                if let path { try? FileManager.default.removeItem(atPath: path) }
            }
        }
        let source = TestSupport.oracles.appendingPathComponent("RegexOracle.java").path
        let r = try TestSupport.run(executable: "/usr/bin/env", ["javac", "-encoding", "UTF-8", "-d", dir.path, source])
        guard r.status == 0 else { throw OracleError.compile(r.stderr) }
        return dir
    })

    enum OracleError: Error { case compile(String), run(String) }

    private static let directoryToRemove = LockedPath()

    /// Java's answer line for each case.
    static func run(_ cases: [Case]) throws -> [String] {
        let dir = try classDirectory.get()
        var input = ""
        for c in cases {
            input += "\(hex(c.pattern))\t\(hex(c.input))\t\(hex(c.replacement))\t\(c.limit)\n"
        }
        let r = try TestSupport.run(executable: "/usr/bin/env", ["java", "-cp", dir.path, "RegexOracle"],
                                    stdin: Data(input.utf8))
        guard r.status == 0 else { throw OracleError.run(r.stderr) }
        let lines = r.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= cases.count else { throw OracleError.run("expected \(cases.count) lines, got \(lines.count)") }
        return Array(lines.prefix(cases.count))
    }

    /// Java's general category of every code point, as runs (first code point, name).
    static func categoryRuns() throws -> [(UInt32, String)] {
        let dir = try classDirectory.get()
        let r = try TestSupport.run(executable: "/usr/bin/env", ["java", "-cp", dir.path, "RegexOracle", "categories"])
        guard r.status == 0 else { throw OracleError.run(r.stderr) }
        return r.text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 2, let cp = UInt32(f[0], radix: 16) else { return nil }
            return (cp, String(f[1]))
        }
    }

    /// Lontar's answer line for a case (same format as the oracle), using
    /// the default matching path or, with `pikeOnly`, only the Pike VM.
    static func lontar(_ c: Case, pikeOnly: Bool = false) -> String {
        let pattern: RegexPattern
        do {
            pattern = try RegexPattern(c.pattern)
        } catch {
            return "ERR\t" + hex(error.message)
        }
        let unreliable = pattern.historyDependentGroups
        let engine = MatchEngine(pattern.compiled)
        engine.pikeOnly = pikeOnly
        var bytes = Array(c.input.utf8)
        return bytes.withUnsafeMutableBufferPointer { mbuf -> String in
            let text = UnsafeBufferPointer(mbuf)
            var fields = ["OK"]
            var finds: [String] = []
            var slots: [Int] = []
            engine.forEachMatch(text, from: 0) { m in
                engine.groups(of: m, in: text, into: &slots)
                finds.append(stride(from: 0, to: slots.count, by: 2).map {
                    unreliable.contains($0 / 2) ? "?" : "\(slots[$0]),\(slots[$0 + 1])"
                }.joined(separator: ";"))
                return true
            }
            fields.append(finds.joined(separator: "|"))
            var out: [UInt8] = []
            do throws(RegexError) {
                try engine.replaceAll(text, with: RegexReplacement(c.replacement, for: pattern), into: &out)
                fields.append("R" + hex(out))
            } catch {
                // Refusing a group Java reports from backtracking history is
                // a documented limitation, not a difference.
                fields.append(error.message.contains("left over from backtracking") ? "?" : "E" + hex(error.message))
            }
            let pieces = engine.split(text, limit: c.limit)
            fields.append("\(pieces.count):" + pieces.map { hex(Array(text[$0])) }.joined(separator: ","))
            fields.append(engine.matchesWhole(text) ? "1" : "0")
            fields.append(engine.contains(text) ? "1" : "0")
            return fields.joined(separator: "\t")
        }
    }

    /// Compares Java's and Lontar's lines; nil when they agree. Error
    /// messages are not compared (only that both sides fail), and cases
    /// where Java reports a position inside a surrogate pair are skipped.
    static func difference(java: String, lontar: String) -> String? {
        let j = java.split(separator: "\t", omittingEmptySubsequences: false)
        let l = lontar.split(separator: "\t", omittingEmptySubsequences: false)
        if j.first == "ERR" || l.first == "ERR" {
            if j.first == l.first { return nil }
            // Java may or may not crash on these, depending on the input;
            // Lontar refuses them (see ParserClasses).
            if l.first == "ERR" && unhex(String(l[1])).contains("NullPointerException") { return nil }
            let what = j.first == "ERR" ? "Java rejects it: \(unhex(String(j[1])))"
                                        : "Lontar rejects it: \(unhex(String(l[1])))"
            return what
        }
        if j.count != 6 || l.count != 6 { return "malformed lines" }
        if j[1].contains("X") { return nil }
        let names = ["", "finds", "replaceAll", "split", "matches", "find"]
        var diffs: [String] = []
        for i in 1..<6 {
            var a = j[i], b = l[i]
            if i == 2 && b == "?" { continue }
            if i == 1 && b.contains("?") {
                // Compare all but the groups Lontar marks as history-dependent.
                let ja = a.split(separator: "|", omittingEmptySubsequences: false)
                let lb = b.split(separator: "|", omittingEmptySubsequences: false)
                let same = ja.count == lb.count && zip(ja, lb).allSatisfy { x, y in
                    let xs = x.split(separator: ";"), ys = y.split(separator: ";")
                    return xs.count == ys.count && zip(xs, ys).allSatisfy { $1 == "?" || $0 == $1 }
                }
                if !same { diffs.append("finds: java \(a.debugDescription) lontar \(b.debugDescription)") }
                continue
            }
            if i == 2 && a.first == "E" && b.first == "E" { continue }
            if i == 2 {
                if a.first == "R" { a = Substring("R " + unhex(String(a.dropFirst()))) }
                if b.first == "R" { b = Substring("R " + unhex(String(b.dropFirst()))) }
            }
            if a != b { diffs.append("\(names[i]): java \(a.debugDescription) lontar \(b.debugDescription)") }
        }
        return diffs.isEmpty ? nil : diffs.joined(separator: "; ")
    }

    static func hex(_ s: String) -> String { hex(Array(s.utf8)) }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func unhex(_ h: String) -> String {
        var bytes: [UInt8] = []
        var i = h.startIndex
        while i < h.endIndex, let j = h.index(i, offsetBy: 2, limitedBy: h.endIndex) {
            bytes.append(UInt8(h[i..<j], radix: 16) ?? 0x3F)
            i = j
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A path guarded by a lock, readable from an `atexit` handler.
final class LockedPath: @unchecked Sendable {
    private var path: String?
    private let lock = NSLock()

    func withLock<T>(_ body: (inout String?) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&path)
    }
}
