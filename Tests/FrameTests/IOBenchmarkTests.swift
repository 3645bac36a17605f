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
