import Foundation
import Testing
import LontarKernels
import LontarModel
import LontarTestSupport

/// Training benchmarks, run by scripts/bench-training (LONTAR_BENCH=1, a
/// release build). They print one JSON line each; they assert nothing about
/// speed (timings belong in benchmarks, not tests).
@Suite(.serialized) struct TrainingBenchmarkTests {
    static let enabled = ProcessInfo.processInfo.environment["LONTAR_BENCH"] != nil
    static var env: [String: String] { ProcessInfo.processInfo.environment }

    /// Peak resident memory of this process so far (VmHWM), in bytes.
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return 0
    }

    static func currentRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return 0
    }

    /// Resets VmHWM to the current RSS.
    static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

    static func emit(_ fields: [String: Any]) {
        if let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) {
            print("BENCH " + String(decoding: data, as: UTF8.self))
        }
    }

    /// CPU seconds used by this process (all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    @Test(.enabled(if: enabled)) func gemmThroughput() {
        lt_train_set_threads(Int32(Int(Self.env["LONTAR_THREADS"] ?? "2") ?? 2))
        let M = 1024, K = 576, N = 1536
        var rng = TrainingRNG(seed: 1)
        let a = (0..<(M * N)).map { _ in Float(rng.unit() - 0.5) }, w = (0..<(N * K)).map { _ in Float(rng.unit() - 0.5) }
        var c = [Float](repeating: 0, count: M * N)
        for bf16 in [0, 1] as [Int32] {
            for transposed in [1, 0] as [Int32] {
                // forward: [M,K] x W[N,K]^T -> [M,N]; backward: [M,N] x W[N,K] -> [M,K]
                let (kk, nn) = transposed == 1 ? (K, N) : (N, K)
                lt_train_gemm(a, M, kk, nn, w, K, lt_train_load_f32, transposed, &c, 0, bf16)
                let start = Date(), cpu0 = Self.cpuSeconds()
                let reps = 5
                for _ in 0..<reps {
                    lt_train_gemm(a, M, kk, nn, w, K, lt_train_load_f32, transposed, &c, 0, bf16)
                }
                let s = Date().timeIntervalSince(start) / Double(reps), cpu = (Self.cpuSeconds() - cpu0) / Double(reps)
                Self.emit(["bench": "gemm", "bf16": bf16, "transposed": transposed,
                           "gflops_wall": 2.0 * Double(M * K * N) / s / 1e9,
                           "gflops_per_cpu_second": 2.0 * Double(M * K * N) / cpu / 1e9])
            }
        }
    }
}
