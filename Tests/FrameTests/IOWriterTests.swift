import Foundation
import Testing
import LontarFrame
import LontarTestSupport

@Suite("Writers")
struct IOWriterTests {
    static let pythonUsable = TestSupport.peersRequired || TestSupport.peerAvailable(["json"])

    /// Python writes random rows with every escape form; Lontar reads them and
    /// writes them back, and must produce exactly Python's
    /// `json.dumps(row, ensure_ascii=False, separators=(",", ":"))`.
    @Test(.enabled(if: pythonUsable, "python3 is not available"))
    func jsonLinesMatchPythonByteForByte() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = TestSupport.oracles.appendingPathComponent("json_lines_oracle.py").path
        let run = try TestSupport.runPython([script, dir.path, "20260525", "3000"])
        try #require(run.status == 0, "oracle failed: \(run.stderr)")
        let (frame, report) = try FrameReader.read(url: dir.appendingPathComponent("input.jsonl"),
                                                   options: ReadOptions(threads: 3, blockSize: 64 << 10))
        #expect(report.rowsRead == 3000)
        #expect(frame.columns.map(\.type) == [.int64, .double, .string, .bool, .string])
        let out = dir.appendingPathComponent("out.jsonl")
        try FrameWriter.write(frame, to: out)
        let expected = try Data(contentsOf: dir.appendingPathComponent("expected.jsonl"))
        let written = try Data(contentsOf: out)
        if written != expected {
            let a = String(decoding: written, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let b = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let i = (0 ..< min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record("line \(i + 1) differs:\nlontar: \(i < a.count ? String(a[i]) : "<none>")\npython: \(i < b.count ? String(b[i]) : "<none>")")
        }
    }

    static func sampleFrame(rows: Int) throws -> Frame {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab \"\\/\n\r\t\u{0}\u{1f}\u{7f}é中😀\u{2028},")
        func text() -> String { String((0 ..< Int.random(in: 0 ... 12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
        func double() -> Double {
            switch Int.random(in: 0 ..< 4, using: &rng) {
            case 0: return Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng) & ~(0x7FF << 52) | (UInt64.random(in: 0 ..< 0x7FF, using: &rng) << 52))
            case 1: return Double(Int.random(in: -1000 ... 1000, using: &rng))
            case 2: return [0.0, -0.0, .infinity, -.infinity, 5e-324, .greatestFiniteMagnitude, 1e16, 1e-5].randomElement(using: &rng)!
            default: return Double.random(in: -1 ... 1, using: &rng) * 1e10
            }
        }
        let valid = (0 ..< rows).map { _ in Int.random(in: 0 ..< 5, using: &rng) != 0 }
        return try Frame(columns: [
            Column(name: "id", storage: .int64((0 ..< rows).map { _ in Int64.random(in: .min ... .max, using: &rng) })),
            Column(name: "x \"quoted\" key", storage: .double((0 ..< rows).map { _ in double() }), valid: valid),
            Column(name: "flag", storage: .bool((0 ..< rows).map { _ in Bool.random(using: &rng) }), valid: valid.reversed()),
            Column(name: "text", storage: .string(StringColumn((0 ..< rows).map { _ in text() })), valid: valid.shuffled(using: &rng)),
            Column(name: "é", storage: .string(StringColumn((0 ..< rows).map { _ in text() }))),
        ])
    }

    @Test func jsonLinesRoundTripExactly() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let frame = try Self.sampleFrame(rows: 2000)
        let url = dir.appendingPathComponent("rt.jsonl")
        try FrameWriter.write(frame, to: url)
        let (back, _) = try FrameReader.read(url: url, options: ReadOptions(threads: 2, blockSize: 4096))
        // Doubles keep every bit, the sign of zero included.
        #expect(IOTest.difference(back, frame) == nil)
    }

    @Test func jsonLinesTextForEachType() throws {
        let frame = try Frame(columns: [
            Column(name: "i", storage: .int64([1, -5, .min])),
            Column(name: "d", storage: .double([1, 0.1, .nan]), valid: [true, false, true]),
            Column(name: "s", storage: .string(StringColumn(["a\"b\\c\nd\u{1}", "", "é😀"]))),
            Column(name: "l", storage: .stringList(StringListColumn(elements: StringColumn(["x", "y\"", "z"]), rowOffsets: [0, 2, 2, 3]))),
            Column(name: "b", storage: .bool([true, false, true])),
        ])
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("t.jsonl")
        try FrameWriter.write(frame, to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == #"""
        {"i":1,"d":1.0,"s":"a\"b\\c\nd\u0001","l":["x","y\""],"b":true}
        {"i":-5,"d":null,"s":"","l":[],"b":false}
        {"i":-9223372036854775808,"d":NaN,"s":"é😀","l":["z"],"b":true}

        """#)
    }

    @Test func csvQuotesOnlyWhenNeededAndReadsBack() throws {
        let frame = try Frame(columns: [
            Column(name: "id", storage: .int64([1, 2, 3])),
            Column(name: "text, with comma", storage: .string(StringColumn(["plain", "a,b \"q\"\nline", ""])), valid: [true, true, true]),
            Column(name: "x", storage: .double([1.5, 1e20, -0.0]), valid: [true, false, true]),
            Column(name: "ok", storage: .bool([true, false, true])),
        ])
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("t.csv")
        try FrameWriter.write(frame, to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == """
        id,"text, with comma",x,ok
        1,plain,1.5,true
        2,"a,b ""q""
        line",,false
        3,"",-0.0,true

        """)
        let (back, _) = try FrameReader.read(url: url)
        #expect(back.columnNames == frame.columnNames)
        #expect(IOTest.values(back, "text, with comma") == [.string("plain"), .string("a,b \"q\"\nline"), .null])
        #expect(IOTest.values(back, "x") == [.double(1.5), .null, .double(-0.0)])
        #expect(IOTest.values(back, "ok") == [.bool(true), .bool(false), .bool(true)])
        // Lists have no CSV form: a clear error, and no file.
        let lists = try Frame(columns: [Column(name: "tokens", storage: .stringList(StringListColumn()))])
        let bad = dir.appendingPathComponent("lists.csv")
        #expect(throws: FileError.self) { try FrameWriter.write(lists, to: bad) }
        #expect(!FileManager.default.fileExists(atPath: bad.path))
    }

    @Test func writesAreAtomic() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("data.csv")
        try Data("old contents\n".utf8).write(to: url)
        // A write that fails part-way leaves the old file and no temporary file.
        let lists = try Frame(columns: [
            Column(name: "a", storage: .int64([1])),
            Column(name: "tokens", storage: .stringList(StringListColumn(elements: StringColumn(["x"]), rowOffsets: [0, 1]))),
        ])
        #expect(throws: FileError.self) { try FrameWriter.write(lists, to: url) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old contents\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["data.csv"])
        // A write that succeeds replaces it whole, and leaves nothing else behind.
        let frame = try Self.sampleFrame(rows: 50_000)  // several buffer flushes
        try FrameWriter.write(frame, to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["data.csv"])
        let jsonURL = dir.appendingPathComponent("data.jsonl")
        try FrameWriter.write(frame, to: jsonURL)
        let (back, _) = try FrameReader.read(url: jsonURL)
        #expect(IOTest.difference(back, frame) == nil)
        // A directory that does not exist is an I/O error naming the path.
        do {
            try FrameWriter.write(frame, to: dir.appendingPathComponent("missing/x.jsonl"))
            Issue.record("wrote into a missing directory")
        } catch let e as FileError {
            #expect(e.kind == .io)
            #expect(e.description.contains("missing/x.jsonl"))
        }
        #expect(throws: FileError.self) { try FrameWriter.write(frame, to: dir.appendingPathComponent("x.parquet")) }
    }
}
