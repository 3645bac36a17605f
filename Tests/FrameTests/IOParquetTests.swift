import Foundation
import Testing
import LontarFrame
import LontarTestSupport

/// Lontar's Parquet reader against DuckDB and Spark: the peers write files
/// (both compressions Lontar reads, every encoding they use, data pages v1
/// and v2, several row groups) and say what is in them; Lontar must read
/// exactly that.
@Suite("Parquet reader against DuckDB and Spark")
struct IOParquetTests {
    static let duckdbUsable = TestSupport.peersRequired || TestSupport.peerAvailable(["duckdb"])

    /// The oracle's files, written once per test run (immutable once made).
    nonisolated(unsafe) static let fixture: Result<(URL, [String: Any]), any Error> = Result {
        let dir = IOTest.directory.appendingPathComponent("duckdb-parquet")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = TestSupport.oracles.appendingPathComponent("parquet_oracle.py").path
        let run = try TestSupport.runPython([script, dir.path])
        guard run.status == 0 else {
            throw FileError(path: script, message: "parquet oracle failed: \(run.stderr.suffix(2000))")
        }
        let data = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (dir, json)
    }

    @Test(.enabled(if: duckdbUsable, "duckdb is not installed (LONTAR_REQUIRE_PEERS=1 makes this a failure)"))
    func readsWhatDuckDBWrote() throws {
        let (dir, expected) = try Self.fixture.get()
        let files = try #require(expected["files"] as? [String: [String: Any]])
        #expect(files.count == 4)
        try Self.compare(files, in: dir)
    }

    static let sparkUsable = TestSupport.peersRequired || TestSupport.peerAvailable(["pyspark"])

    /// Spark (parquet-mr) writes DATA_PAGE_V2 pages, RLE booleans and
    /// DELTA_BYTE_ARRAY strings, which DuckDB never does.
    @Test(.enabled(if: sparkUsable, "pyspark is not installed (LONTAR_REQUIRE_PEERS=1 makes this a failure)"))
    func readsWhatSparkWrote() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = TestSupport.oracles.appendingPathComponent("spark_parquet_oracle.py").path
        let run = try TestSupport.runPython([script, dir.path])
        try #require(run.status == 0, "spark parquet oracle failed: \(run.stderr.suffix(2000))")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let files = try #require((json as? [String: Any])?["files"] as? [String: [String: Any]])
        #expect(files.count == 2)
        try Self.compare(files, in: dir)
    }

    /// Reads each file with Lontar and compares it, cell by cell, with the oracle's rows.
    static func compare(_ files: [String: [String: Any]], in dir: URL) throws {
        for (name, content) in files.sorted(by: { $0.key < $1.key }) {
            let schema = try #require(content["schema"] as? [[String: String]])
            let rows = try #require(content["rows"] as? [[Any]])
            let (frame, report) = try FrameReader.read(url: dir.appendingPathComponent(name),
                                                       options: ReadOptions(threads: 3))
            #expect(report.rowsRead == rows.count, "\(name)")
            #expect(frame.columnNames == schema.map { $0["name"]! }, "\(name)")
            #expect(frame.columns.map(\.type.rawValue) == schema.map { $0["type"]! }, "\(name)")
            var mismatches = 0
            for (c, column) in frame.columns.enumerated() {
                for r in 0 ..< min(column.count, rows.count) where IOSparkPeerTests.tag(column[r]) != IOSparkPeerTests.normalize(rows[r][c]) {
                    if mismatches < 5 {
                        Issue.record("\(name) column \(column.name) row \(r): \(column[r]) vs \(String(describing: rows[r][c]))")
                    }
                    mismatches += 1
                }
            }
            #expect(mismatches == 0, "\(name)")
            // Columns with and without nulls keep (or drop) their masks.
            #expect(frame.column(named: "id")?.valid == nil)
            #expect(frame.column(named: "s")?.valid?.contains(false) == true)
        }
    }

    @Test(.enabled(if: duckdbUsable, "duckdb is not installed"))
    func selectsColumnsAndReadsOnlyTheRowGroupsALimitNeeds() throws {
        let (dir, expected) = try Self.fixture.get()
        let files = try #require(expected["files"] as? [String: [String: Any]])
        let rows = try #require(files["t_snappy_v2.parquet"]?["rows"] as? [[Any]])
        let url = dir.appendingPathComponent("t_snappy_v2.parquet")
        let (frame, _) = try FrameReader.read(url: url, options: ReadOptions(columns: ["text", "id", "s"], limit: 1500))
        #expect(frame.columnNames == ["text", "id", "s"])
        #expect(frame.rowCount == 1500)  // row groups of 1024: the second one is cut
        #expect(IOSparkPeerTests.tag(frame.column(named: "s")![1499]) == IOSparkPeerTests.normalize(rows[1499][7]))
        #expect(IOSparkPeerTests.tag(frame.column(named: "text")![1499]) == IOSparkPeerTests.normalize(rows[1499][8]))
        do {
            _ = try FrameReader.read(url: url, options: ReadOptions(columns: ["nope"]))
            Issue.record("read a missing column")
        } catch let e as FileError {
            #expect(e.kind == .usage)
            #expect(e.message == "no column 'nope' in the file; it has: id, small, big, i64, d, f, b, s, text, sparse")
        }
    }

    @Test(.enabled(if: duckdbUsable, "duckdb is not installed"))
    func unsupportedFeaturesAreClearErrors() throws {
        let (dir, _) = try Self.fixture.get()
        func error(_ file: String, _ options: ReadOptions = ReadOptions()) -> FileError? {
            do {
                _ = try FrameReader.read(url: dir.appendingPathComponent(file), options: options)
                return nil
            } catch {
                return error as? FileError
            }
        }
        let zstd = try #require(error("t_zstd.parquet"))
        #expect(zstd.kind == .unsupported)
        #expect(zstd.message.hasPrefix("unsupported: column 'id' is compressed with ZSTD"))
        let gzip = try #require(error("t_gzip.parquet", ReadOptions(columns: ["s"])))
        #expect(gzip.message.hasPrefix("unsupported: column 's' is compressed with GZIP"))
        let nested = try #require(error("nested.parquet"))
        #expect(nested.kind == .unsupported)
        #expect(nested.message.hasPrefix("unsupported: column 'info' is nested (a struct)"))
        let list = try #require(error("nested.parquet", ReadOptions(columns: ["id", "tags"])))
        #expect(list.message.hasPrefix("unsupported: column 'tags' is nested (a LIST)"))
        // The flat column of the same file reads, wherever the nested ones sit.
        let (ids, _) = try FrameReader.read(url: dir.appendingPathComponent("nested.parquet"), options: ReadOptions(columns: ["id"]))
        #expect(IOTest.values(ids, "id") == (0 ..< 100).map { .int(Int64($0)) })
        let decimal = try #require(error("decimal.parquet"))
        #expect(decimal.message.hasPrefix("unsupported: column 'price' is INT"))
        #expect(decimal.message.contains("DECIMAL"))
    }

    @Test(.enabled(if: duckdbUsable, "duckdb is not installed"))
    func corruptFilesAreErrorsNotCrashes() throws {
        let (dir, _) = try Self.fixture.get()
        let original = try [UInt8](Data(contentsOf: dir.appendingPathComponent("t_snappy_v1.parquet")))
        let url = dir.appendingPathComponent("corrupt.parquet")
        // Truncated: no footer.
        try Data(original.prefix(original.count / 2)).write(to: url)
        do {
            _ = try FrameReader.read(url: url)
            Issue.record("read a truncated file")
        } catch let e as FileError {
            #expect(e.message.hasPrefix("not a Parquet file"))
        }
        // Random byte flips anywhere: every read either succeeds or throws a FileError.
        var rng = SystemRandomNumberGenerator()
        var errors = 0
        for _ in 0 ..< 150 {
            var bytes = original
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                let i = Int.random(in: 0 ..< bytes.count, using: &rng)
                bytes[i] ^= UInt8.random(in: 1 ... 255, using: &rng)
            }
            try Data(bytes).write(to: url)
            do {
                _ = try FrameReader.read(url: url, options: ReadOptions(threads: 2))
            } catch is FileError {
                errors += 1
            }
        }
        #expect(errors > 0)
        let notParquet = try IOTest.file("x.parquet", "{\"a\": 1}\n")
        #expect(throws: FileError.self) { try FrameReader.read(url: notParquet) }
    }
}
