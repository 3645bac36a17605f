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
        lt_set_threads(Int32(Int(Self.env["LONTAR_THREADS"] ?? "2") ?? 2))
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

    static func format(_ name: String, default value: BaseWeightFormat) -> BaseWeightFormat {
        Self.env[name].flatMap(BaseWeightFormat.init(rawValue:)) ?? value
    }

    /// Times `steps` training steps after one warm-up step; returns seconds per step.
    static func timeSteps(_ pass: TrainingPass, _ batch: TrainingBatch, optimizer: AdamW, steps: Int) throws
        -> (seconds: Double, cpu: Double, losses: [Double]) {
        var losses: [Double] = []
        func step(_ i: Int) throws {
            pass.adapters.gradients.zero()
            losses.append(try pass.trainStep(batch, normalizer: batch.countedTokens, dropoutSeed: UInt64(i)))
            optimizer.update(parameters: pass.adapters.parameters, gradients: pass.adapters.gradients,
                             learningRate: 1e-4)
        }
        try step(0)
        let start = Date(), cpu0 = cpuSeconds()
        for i in 1...steps { try step(i) }
        return (Date().timeIntervalSince(start) / Double(steps), (cpuSeconds() - cpu0) / Double(steps), losses)
    }

    static func randomBatch(vocab: Int, sequences: Int, length: Int, seed: UInt64) -> TrainingBatch {
        var rng = TrainingRNG(seed: seed)
        let tokens = (0..<(sequences * length)).map { _ in Int32(rng.below(vocab)) }
        var targets = tokens
        for r in 0..<sequences {
            for t in 0..<length { targets[r * length + t] = t + 1 < length ? tokens[r * length + t + 1] : -100 }
        }
        return TrainingBatch(sequences: sequences, length: length, tokens: tokens, targets: targets,
                             positions: (0..<(sequences * length)).map { Int32($0 % length) })
    }

    /// SmolLM2-135M, LoRA r16 on all projections, batch 4 x 256, as the
    /// PyTorch + PEFT peer runs it (scripts/bench-training-peft.py).
    @Test(.enabled(if: enabled && env["LONTAR_BENCH_SMOLLM2"] != "0")) func smolLM2Step() throws {
        let threads = Int(Self.env["LONTAR_THREADS"] ?? "2") ?? 2
        TrainingPass.setThreads(threads)
        let format = Self.format("LONTAR_BENCH_FORMAT", default: .nf4)
        let compute = ComputePrecision(rawValue: Self.env["LONTAR_BENCH_COMPUTE"] ?? "bf16") ?? .bf16
        let embedding = Self.format("LONTAR_BENCH_EMBEDDING", default: .bf16)
        let checkpointing = Self.env["LONTAR_BENCH_CHECKPOINTING"] == "1"
        let steps = Int(Self.env["LONTAR_BENCH_STEPS"] ?? "3") ?? 3
        let url = TestSupport.repoRoot.appendingPathComponent("models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
        let loadStart = Date()
        let model = try TrainableLlama.load(contentsOf: url, format: format, embeddingFormat: embedding, compute: compute)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let afterLoad = Self.currentRSS()
        Self.resetPeak()
        let lora = LoRAConfig(rank: 16, alpha: 32, dropout: 0.05, targets: LoRATarget.allCases)
        let adapters = LoRAAdapters(shape: model.shape, config: lora)
        adapters.initialize(seed: 1)
        let pass = TrainingPass(model: model, adapters: adapters, checkpointing: checkpointing, maxPositions: 256)
        let optimizer = AdamW(config: AdamWConfig(), count: adapters.parameterCount)
        let batch = Self.randomBatch(vocab: model.shape.vocab, sequences: 4, length: 256, seed: 2)
        let t = try Self.timeSteps(pass, batch, optimizer: optimizer, steps: steps)
        Self.emit(["bench": "smollm2", "threads": threads, "format": format.rawValue, "compute": compute.rawValue,
                   "embedding": embedding.rawValue, "checkpointing": checkpointing, "steps": steps,
                   "seconds_per_step": t.seconds, "cpu_seconds_per_step": t.cpu,
                   "tokens_per_second": Double(batch.rows) / t.seconds,
                   "tokens_per_cpu_second": Double(batch.rows) / t.cpu,
                   "load_seconds": loadSeconds, "weights_bytes": model.storageBytes,
                   "activation_bytes": pass.activationBytes, "rss_after_load": afterLoad,
                   "peak_rss_training": Self.peakRSS(), "losses": t.losses])
    }

    /// A Llama-3-8B-shaped model (random weights, NF4, bf16 compute, bf16
    /// embeddings), LoRA r16 on all projections, one sequence of 512 tokens,
    /// gradient checkpointing: seconds per step and peak memory.
    @Test(.enabled(if: enabled && env["LONTAR_BENCH_8B"] == "1")) func llama8BStep() throws {
        let threads = Int(Self.env["LONTAR_THREADS"] ?? "2") ?? 2
        TrainingPass.setThreads(threads)
        Self.resetPeak()
        let buildStart = Date()
        let model = try TrainableLlama.random(shape: .llama3_8B, format: .nf4, embeddingFormat: .bf16, compute: .bf16,
                                              seed: 3)
        let buildSeconds = Date().timeIntervalSince(buildStart)
        let afterLoad = Self.currentRSS(), loadPeak = Self.peakRSS()
        Self.resetPeak()
        let lora = LoRAConfig(rank: 16, alpha: 32, dropout: 0.05, targets: LoRATarget.allCases)
        let adapters = LoRAAdapters(shape: model.shape, config: lora)
        adapters.initialize(seed: 1)
        let pass = TrainingPass(model: model, adapters: adapters, checkpointing: true, lossChunk: 64, maxPositions: 512)
        let optimizer = AdamW(config: AdamWConfig(), count: adapters.parameterCount)
        let batch = Self.randomBatch(vocab: model.shape.vocab, sequences: 1, length: 512, seed: 4)
        let steps = Int(Self.env["LONTAR_BENCH_STEPS"] ?? "1") ?? 1
        let t = try Self.timeSteps(pass, batch, optimizer: optimizer, steps: steps)
        Self.emit(["bench": "llama3-8b-shape", "threads": threads, "seq": 512, "steps": steps,
                   "seconds_per_step": t.seconds, "cpu_seconds_per_step": t.cpu, "build_seconds": buildSeconds,
                   "weights_bytes": model.storageBytes, "lora_parameters": adapters.parameterCount,
                   "rss_after_build": afterLoad, "peak_rss_build": loadPeak, "peak_rss_training": Self.peakRSS(),
                   "losses": t.losses])
    }

    /// The paged optimizer's saving: resident memory of AdamW state for the
    /// Llama-3-8B LoRA (r16, all projections: 42M parameters) after a step,
    /// in memory and paged to a file.
    @Test(.enabled(if: enabled)) func pagedOptimizerResidentMemory() throws {
        let count = Int(Self.env["LONTAR_BENCH_PAGED_PARAMS"] ?? "41943040") ?? 41_943_040
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = FloatBuffer(count: count), g = FloatBuffer(count: count)
        for i in stride(from: 0, to: count, by: 1) { g[i] = Float(i % 7) * 1e-3 }
        var results: [String: Any] = ["bench": "paged-optimizer", "parameters": count,
                                      "state_bytes": 2 * count * 4]
        for paged in [false, true] {
            let before = Self.currentRSS()
            let optimizer = paged
                ? try AdamW(config: AdamWConfig(), count: count, pagedFile: dir.appendingPathComponent("state"))
                : AdamW(config: AdamWConfig(), count: count)
            let start = Date()
            for _ in 0..<3 { optimizer.update(parameters: p, gradients: g, learningRate: 1e-4) }
            let seconds = Date().timeIntervalSince(start) / 3
            let after = Self.currentRSS()
            results[paged ? "paged_rss_growth" : "memory_rss_growth"] = after - before
            results[paged ? "paged_seconds_per_update" : "memory_seconds_per_update"] = seconds
            _ = optimizer.step
        }
        Self.emit(results)
    }
}
