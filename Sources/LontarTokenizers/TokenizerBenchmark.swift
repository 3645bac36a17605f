import Foundation

/// Throughput measurement of a tokenizer over a corpus, for
/// `scripts/bench-tokenizers` (and a future `lontar bench tokenizers`).
/// Speed targets live here, not in timed tests.
public enum TokenizerBenchmark {
    /// One timed configuration.
    public struct Measurement: Sendable {
        /// What was run, e.g. `count` or `encode`.
        public var mode: String
        public var threads: Int
        public var bytes: Int
        public var tokens: Int
        /// Median wall time over the repeats.
        public var seconds: Double
        /// Median CPU time of the process (all threads) over the repeats: on a
        /// busy machine, single-thread CPU time is steadier than wall time.
        public var cpuSeconds: Double

        public var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
        public var megabytesPerCPUSecond: Double { Double(bytes) / 1e6 / cpuSeconds }

        /// A JSON object on one line (stable keys, for scripts).
        public var json: String {
            "{\"mode\":\"\(mode)\",\"threads\":\(threads),\"bytes\":\(bytes),\"tokens\":\(tokens),"
                + String(format: "\"seconds\":%.6f,\"MB_per_s\":%.3f,\"cpu_seconds\":%.6f,\"MB_per_cpu_s\":%.3f}",
                         seconds, megabytesPerSecond, cpuSeconds, megabytesPerCPUSecond)
        }
    }

    /// Reads a corpus written by `scripts/bench-tokenizers`: the documents'
    /// UTF-8 bytes back to back, and a text file of N + 1 offsets, one a line.
    public static func loadCorpus(text: URL, offsets: URL) throws -> (bytes: [UInt8], offsets: [Int]) {
        let bytes: [UInt8]
        let offsetText: String
        do {
            bytes = [UInt8](try Data(contentsOf: text))
            offsetText = try String(contentsOf: offsets, encoding: .utf8)
        } catch {
            throw TokenizerError.unreadableFile(path: text.path, reason: error.localizedDescription)
        }
        var result: [Int] = []
        for (i, line) in offsetText.split(separator: "\n").enumerated() {
            guard let value = Int(line) else {
                throw TokenizerError.malformedLine(path: offsets.path, line: i + 1, reason: "not an integer")
            }
            result.append(value)
        }
        return (bytes, result)
    }

    /// Times counting and encoding the corpus on 1 and `threads` threads.
    /// Each configuration runs once to warm up, then `repeats` times.
    public static func measure(_ tokenizer: any Tokenizer, bytes: [UInt8], offsets: [Int],
                               threads: [Int] = [1, 2], repeats: Int = 3) throws -> [Measurement] {
        let total = (offsets.last ?? 0) - (offsets.first ?? 0)
        var results: [Measurement] = []
        for t in threads {
            for mode in ["count", "encode"] {
                var tokens = 0
                var times: [Double] = []
                var cpuTimes: [Double] = []
                for run in 0 ... max(1, repeats) {
                    let cpuStart = processCPUSeconds()
                    let start = ContinuousClock.now
                    if mode == "count" {
                        tokens = try tokenizer.countTokens(utf8: bytes, offsets: offsets, threads: t).reduce(0, +)
                    } else {
                        tokens = try tokenizer.encodeBatch(utf8: bytes, offsets: offsets, threads: t).ids.count
                    }
                    let elapsed = ContinuousClock.now - start
                    if run > 0 {
                        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                        cpuTimes.append(processCPUSeconds() - cpuStart)
                    }
                }
                times.sort()
                cpuTimes.sort()
                results.append(Measurement(mode: mode, threads: t, bytes: total, tokens: tokens,
                                           seconds: times[times.count / 2], cpuSeconds: cpuTimes[cpuTimes.count / 2]))
            }
        }
        return results
    }

    /// CPU time used by this process so far, all threads together.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
