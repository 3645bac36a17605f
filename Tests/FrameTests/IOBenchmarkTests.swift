import Foundation
import Testing
import LontarFrame
import LontarTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Reader throughput and peak memory on a large file. A benchmark, not a
/// check: it runs only when `LONTAR_BENCH_JSONL` names a file, e.g.
///
///     python3 Tests/oracles/make_bench_jsonl.py /tmp/arxiv_1m.jsonl
///     LONTAR_BENCH_JSONL=/tmp/arxiv_1m.jsonl swift test -c release \
///         -Xswiftc -enable-testing --filter IOBenchmark
///
/// It prints MB/s and the process's peak resident memory against the file size.
@Suite("IO benchmark")
struct IOBenchmarkTests {
    static let path = ProcessInfo.processInfo.environment["LONTAR_BENCH_JSONL"]

    @Test(.enabled(if: path != nil, "set LONTAR_BENCH_JSONL to a large .jsonl file"))
    func readLargeJSONLines() throws {
        let url = URL(fileURLWithPath: Self.path!)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        let threads = Int(ProcessInfo.processInfo.environment["LONTAR_BENCH_THREADS"] ?? "") ?? ReadOptions.defaultThreads
        let before = Self.peakRSS()
        let cpuBefore = Self.cpuSeconds()
        let start = Date()
        let (frame, report) = try FrameReader.read(url: url, options: ReadOptions(threads: threads))
        let seconds = Date().timeIntervalSince(start)
        let cpu = Self.cpuSeconds() - cpuBefore
        let peak = Self.peakRSS()
        let mb = Double(size) / 1e6
        // CPU seconds say what the reader costs even on a busy machine, where
        // wall time depends on what else runs.
        print(String(format: "IOBENCH read %@: %.0f MB, %d rows, %d columns, %d threads: %.2f s wall, %.0f MB/s; %.2f CPU s, %.0f MB per CPU s; peak RSS %.0f MB (%.2f× file; %.0f MB before)",
                     url.lastPathComponent, mb, frame.rowCount, frame.columns.count, threads, seconds, mb / seconds,
                     cpu, mb / cpu, Double(peak) / 1e6, Double(peak) / Double(max(1, size)), Double(before) / 1e6))
        #expect(report.rowsRead == frame.rowCount)

        // Writing it back, as JSON Lines and as CSV, and reading the CSV.
        let dir = url.deletingLastPathComponent().appendingPathComponent("lontar-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for format in [FileFormat.jsonLines, .csv] {
            let out = dir.appendingPathComponent("out.\(format == .csv ? "csv" : "jsonl")")
            let t0 = Date()
            try FrameWriter.write(frame, to: out, format: format)
            let written = try FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int ?? 0
            let dt = Date().timeIntervalSince(t0)
            print(String(format: "IOBENCH write %@: %.0f MB in %.2f s, %.0f MB/s", format.description,
                         Double(written) / 1e6, dt, Double(written) / 1e6 / dt))
            if format == .csv {
                let c0 = Self.cpuSeconds(), t1 = Date()
                let (back, _) = try FrameReader.read(url: out, options: ReadOptions(threads: threads))
                let rt = Date().timeIntervalSince(t1), rc = Self.cpuSeconds() - c0
                print(String(format: "IOBENCH read csv: %.0f MB, %d rows: %.2f s wall, %.0f MB/s; %.2f CPU s, %.0f MB per CPU s",
                             Double(written) / 1e6, back.rowCount, rt, Double(written) / 1e6 / rt, rc, Double(written) / 1e6 / rc))
                #expect(back.rowCount == frame.rowCount)
            }
            try FileManager.default.removeItem(at: out)
        }
    }

    static let csvPath = ProcessInfo.processInfo.environment["LONTAR_BENCH_CSV"]

    /// CSV: `LONTAR_BENCH_CSV` names a file with a header row.
    @Test(.enabled(if: csvPath != nil, "set LONTAR_BENCH_CSV to a large .csv file"))
    func readLargeCSV() throws {
        let url = URL(fileURLWithPath: Self.csvPath!)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        let c0 = Self.cpuSeconds(), t0 = Date()
        let (frame, _) = try FrameReader.read(url: url)
        let dt = Date().timeIntervalSince(t0), cpu = Self.cpuSeconds() - c0
        print(String(format: "IOBENCH read csv %@: %.0f MB, %d rows: %.2f s wall, %.0f MB/s; %.2f CPU s, %.0f MB per CPU s; peak RSS %.0f MB",
                     url.lastPathComponent, Double(size) / 1e6, frame.rowCount, dt, Double(size) / 1e6 / dt,
                     cpu, Double(size) / 1e6 / cpu, Double(Self.peakRSS()) / 1e6))
    }

    static let parquetPath = ProcessInfo.processInfo.environment["LONTAR_BENCH_PARQUET"]

    /// Parquet: `LONTAR_BENCH_PARQUET` names a file (e.g. the JSON Lines file
    /// converted by DuckDB: `COPY (FROM read_json('x.jsonl')) TO 'x.parquet'`).
    @Test(.enabled(if: parquetPath != nil, "set LONTAR_BENCH_PARQUET to a large .parquet file"))
    func readLargeParquet() throws {
        let url = URL(fileURLWithPath: Self.parquetPath!)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        let c0 = Self.cpuSeconds(), t0 = Date()
        let (frame, _) = try FrameReader.read(url: url)
        let dt = Date().timeIntervalSince(t0), cpu = Self.cpuSeconds() - c0
        let bytes = frame.columns.reduce(0) { n, c in if case .string(let s) = c.storage { n + s.bytes.count } else { n + 8 * c.count } }
        print(String(format: "IOBENCH read parquet %@: %.0f MB file, %.0f MB of values, %d rows: %.2f s wall, %.0f MB values/s; %.2f CPU s; peak RSS %.0f MB",
                     url.lastPathComponent, Double(size) / 1e6, Double(bytes) / 1e6, frame.rowCount, dt,
                     Double(bytes) / 1e6 / dt, cpu, Double(Self.peakRSS()) / 1e6))
    }

    /// User plus system CPU time of the process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// Peak resident set size in bytes (VmHWM).
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }
}
