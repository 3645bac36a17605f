import Foundation
@testable import LontarFrame
import LontarTestSupport
import Testing

/// Throughput of the paper's preprocessing at scale (not a timed test: it
/// only runs with LONTAR_FRAME_BENCH=1, ideally in a release build):
///
///     LONTAR_FRAME_BENCH=1 LONTAR_FRAME_BENCH_ROWS=200000 swift test -c release --filter FrameBenchmark
///
/// Rows are ~2 KB of English-like text with the corpus artifacts, like the
/// paper's 1.5M arXiv/PubMed prompts and answers.
@Suite struct FrameBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["LONTAR_FRAME_BENCH"] == "1"

    static func corpus(rows: Int) -> Frame {
        var rng = SplitMix(seed: 1)
        let words = ["the", "of", "and", "in", "to", "a", "is", "we", "that", "for", "with", "model", "results", "@xcite",
                     "@xmath12", "data", "which", "are", "on", "by", "this", "cells", "patients", "energy", "field",
                     "( p < 0.05 )", "e.g.", "fig.", "1", "2010", "state", "quantum", "observed", "İstanbul", "µm", "–"]
        var a = StringColumn(), b = StringColumn()
        a.reserve(rows: rows, bytes: rows * 1100)
        b.reserve(rows: rows, bytes: rows * 1100)
        for _ in 0 ..< rows {
            for column in 0 ..< 2 {
                var s = "Suppose that you have an abstract for a scientific paper: "
                while s.utf8.count < 1000 {
                    s += words[rng.int(words.count)]
                    s += rng.int(40) == 0 ? "\n" : (rng.int(60) == 0 ? "  " : " ")
                }
                if column == 0 { a.append(s) } else { b.append(s) }
            }
        }
        return try! Frame(columns: [Column(name: "input", storage: .string(a)), Column(name: "output", storage: .string(b)),
                                    Column(name: "id", storage: .int64((0 ..< rows).map { Int64($0) }))])
    }

    static func clean(_ c: ColumnExpression) -> ColumnExpression { SparkEdgeCaseTests.clean(c) }

    @Test(.enabled(if: enabled)) func preprocessingThroughput() throws {
        let rows = Int(ProcessInfo.processInfo.environment["LONTAR_FRAME_BENCH_ROWS"] ?? "") ?? 100_000
        var t0 = Date()
        let frame = Self.corpus(rows: rows)
        let megabytes = Double(frame.columns.prefix(2).reduce(0) { acc, c in
            if case .string(let s) = c.storage { return acc + s.bytes.count } else { return acc }
        }) / 1e6
        print("corpus: \(rows) rows, \(Int(megabytes)) MB in \(Self.since(t0)) s; threads \(Parallel.threadCount)")
        // Wall time and process CPU time (the latter is steadier on a busy machine).
        func time(_ label: String, _ body: () throws -> Void) rethrows {
            t0 = Date()
            let c0 = Self.cpuSeconds()
            try body()
            let s = Date().timeIntervalSince(t0), cpu = Self.cpuSeconds() - c0
            print(String(format: "%-36@ wall %7.3f s  cpu %7.3f s  %7.1f MB/s", label as NSString, s, cpu, megabytes / s))
        }
        var counted = frame
        try time("size(tokenize) ×2") {
            counted = try frame.withColumn("n_in", .size(.tokenize(.col("input")))).withColumn("n_out", .size(.tokenize(.col("output"))))
        }
        try time("describe(n_in, n_out)") { _ = try counted.describe(["n_in", "n_out"]) }
        var cleaned = frame
        try time("clean ×2") {
            cleaned = try frame.withColumn("input", Self.clean(.col("input"))).withColumn("output", Self.clean(.col("output")))
        }
        for (pattern, replacement) in [("@xcite", ""), ("xmath[0-9]+", ""), ("\n", ""), ("[^a-z0-9\\s]", ""), ("\\s+", " ")] {
            try time("replace \(pattern.debugDescription) ×2") {
                _ = try frame.evaluate(.regexpReplace(.col("input"), pattern: pattern, replacement: replacement))
                _ = try frame.evaluate(.regexpReplace(.col("output"), pattern: pattern, replacement: replacement))
            }
        }
        try time("lower ×1") { _ = try frame.evaluate(.lower(.col("input"))) }
        try time("tokenize (materialised) ×1") { _ = try frame.evaluate(.tokenize(.col("input"))) }
        try time("top 20 words ×1") { _ = try cleaned.tokenFrequencies("input", top: 20) }
        try time("sample 10%") { _ = try frame.sample(count: rows / 10, seed: 7) }
        try time("filter length > 1050") { _ = try frame.filter(ColumnExpression.length(.col("input")).greaterThan(.lit(1050))) }
        try time("sort by n_in desc, id") { _ = try counted.sort([.desc("n_in"), .asc("id")]) }
        try time("groupBy(n_in).count") { _ = try counted.groupCount(["n_in"]) }
        // Linux: the high-water mark of resident memory.
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM") }) {
            print("peak resident memory \(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) for \(Int(megabytes)) MB of text")
        }
    }

    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func since(_ t: Date) -> String { String(format: "%.2f", Date().timeIntervalSince(t)) }
}
