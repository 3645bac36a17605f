import Foundation
import Testing
import LontarTestSupport
@testable import LontarModel

/// The training loop: learning, determinism, exact resumption, checkpoints
/// that survive crashes, and a clear stop on a non-finite loss.
@Suite(.serialized) struct TrainingLoopTests {
    static let shape = LlamaShape(vocab: 32, dim: 32, layers: 2, heads: 4, kvHeads: 2, ffn: 48, normEps: 1e-5,
                                  ropeTheta: 10_000, ropeInterleaved: true, tiedEmbeddings: true)

    /// A random model whose embeddings are large enough for confident logits
    /// (the vocabulary projection is frozen and tied to them).
    static func model(seed: UInt64 = 1) throws -> TrainableLlama {
        let tensors = TrainingPassTests.tensors(shape, seed: seed)
        return try TrainableLlama.build(shape: shape, format: .f32) { tensors[$0] }
    }

    /// Sequences that follow a rule (each token = previous + step, mod 32),
    /// with a two-token prompt that is not counted.
    static func corpus(count: Int, seed: UInt64) -> [TrainingExample] {
        var rng = TrainingRNG(seed: seed)
        return (0..<count).map { _ in
            let start = rng.below(32), step = 1 + rng.below(3), length = 8 + rng.below(8)
            let ids = (0..<length).map { Int32((start + $0 * step) % 32) }
            return TrainingExample(ids: ids, lossMask: (0..<length).map { $0 >= 2 })
        }
    }

    static func config(steps: Int, lr: Double = 1e-2) -> TrainingConfig {
        TrainingConfig(lora: LoRAConfig(rank: 8, alpha: 16, dropout: 0, targets: LoRATarget.allCases),
                       optimizer: AdamWConfig(learningRate: lr, weightDecay: 0.01, maxGradNorm: 1),
                       schedule: .constant, steps: steps, seed: 3)
    }

    @Test func overfittingEightExamplesDrivesTheLossNearZero() throws {
        let data = try TrainingDataset(examples: Self.corpus(count: 8, seed: 1),
                                       config: DataConfig(sequenceLength: 16, batchSize: 8), seed: 1)
        let trainer = try Trainer(model: try Self.model(), dataset: data, config: Self.config(steps: 150, lr: 2e-2))
        let result = try trainer.run()
        #expect(result.losses[0] > 2.5, "the random model starts far from the data, got \(result.losses[0])")
        #expect(result.losses.last! < 0.05, "after 150 steps on 8 examples: \(result.losses.suffix(3))")
    }

    @Test func heldOutLossImproves() throws {
        let data = try TrainingDataset(examples: Self.corpus(count: 96, seed: 2),
                                       config: DataConfig(sequenceLength: 16, batchSize: 8, evalExamples: 16), seed: 2)
        var config = Self.config(steps: 40)
        config.evalEvery = 20
        config.schedule = .cosine
        config.warmupSteps = 4
        let trainer = try Trainer(model: try Self.model(), dataset: data, config: config)
        let before = try #require(try trainer.evaluate())
        let result = try trainer.run()
        #expect(result.evalLosses.map(\.step) == [20, 40])
        #expect(result.evalLosses.last!.loss < 0.6 * before, "held-out loss \(before) → \(result.evalLosses)")
    }

    /// Runs `steps` steps (cancelling after `cancelAfter` when given) and returns the result.
    static func run(_ config: TrainingConfig, data: TrainingDataset, dir: URL?, resume: Bool = false,
                    cancelAfter: Int? = nil) throws -> (TrainingResult, Trainer) {
        let trainer = try Trainer(model: try model(), dataset: data, config: config, checkpointDirectory: dir,
                                  resume: resume)
        let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer { flag.deallocate() }
        flag.pointee = 0
        let result = try trainer.run(cancel: flag) { p in
            if p.step == cancelAfter { flag.pointee = 1 }
        }
        return (result, trainer)
    }

    @Test(arguments: [false, true])
    func resumingGivesTheLossesOfAnUninterruptedRun(paged: Bool) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try TrainingDataset(examples: Self.corpus(count: 40, seed: 4),
                                       config: DataConfig(sequenceLength: 16, batchSize: 3, packing: true,
                                                          evalExamples: 5), seed: 4)
        var config = Self.config(steps: 12)
        config.lora.dropout = 0.1
        config.gradientAccumulation = 2
        config.schedule = .linear
        config.warmupSteps = 3
        config.evalEvery = 4
        config.checkpointEvery = 5
        config.pagedOptimizer = paged
        let (full, _) = try Self.run(config, data: data, dir: nil)
        #expect(full.status == .completed && full.losses.count == 12)

        let (first, _) = try Self.run(config, data: data, dir: dir, cancelAfter: 7)
        #expect(first.status == .cancelled)
        #expect(first.steps == 7)
        #expect(first.checkpoint?.hasSuffix("checkpoint-000007") == true)
        let (second, resumed) = try Self.run(config, data: data, dir: dir, resume: true)
        #expect(second.status == .completed)
        #expect(second.losses == full.losses, "resumed \(second.losses) vs \(full.losses)")
        #expect(second.evalLosses == full.evalLosses)
        #expect(resumed.optimizer.step == 12)
        // The paged state has no name on disk, even while the trainer is alive,
        // so a killed run leaves nothing behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        withExtendedLifetime(resumed) { #expect(!names.contains { $0.hasPrefix(".optimizer") }) }
    }

    @Test func trainingContinuesFromAPEFTAdapter() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try TrainingDataset(examples: Self.corpus(count: 16, seed: 9),
                                       config: DataConfig(sequenceLength: 16, batchSize: 4), seed: 9)
        let config = Self.config(steps: 5)
        let (first, trained) = try Self.run(config, data: data, dir: nil)
        try trained.adapters.savePEFT(to: dir)
        let loaded = try LoRAAdapters.loadPEFT(from: dir, shape: Self.shape)
        let continued = try Trainer(model: try Self.model(), dataset: data, config: config, initialAdapters: loaded)
        #expect(continued.adapters.parameters.array == trained.adapters.parameters.array)
        let second = try continued.run()
        #expect(second.losses[0] < first.losses[0], "starts where the first run left off: \(second.losses[0]) vs \(first.losses[0])")
        var other = config
        other.lora.rank = 4
        #expect(throws: TrainingError.self) {
            try Trainer(model: try Self.model(), dataset: data, config: other, initialAdapters: loaded)
        }
    }

    @Test func sameSeedSameLossesDifferentSeedDifferentLosses() throws {
        let data = try TrainingDataset(examples: Self.corpus(count: 20, seed: 5),
                                       config: DataConfig(sequenceLength: 16, batchSize: 4), seed: 5)
        var config = Self.config(steps: 4)
        config.lora.dropout = 0.2
        let a = try Self.run(config, data: data, dir: nil).0.losses
        let b = try Self.run(config, data: data, dir: nil).0.losses
        config.seed = 4
        let c = try Self.run(config, data: data, dir: nil).0.losses
        #expect(a == b)
        #expect(a != c)
    }

    @Test func threadCountDoesNotChangeTheLosses() throws {
        let data = try TrainingDataset(examples: Self.corpus(count: 24, seed: 8),
                                       config: DataConfig(sequenceLength: 16, batchSize: 4, packing: true), seed: 8)
        var config = Self.config(steps: 3)
        config.lora.dropout = 0.1
        config.gradientCheckpointing = true
        var runs: [[Double]] = []
        for threads in [1, 2, 3] {
            TrainingPass.setThreads(threads)
            runs.append(try Self.run(config, data: data, dir: nil).0.losses)
        }
        TrainingPass.setThreads(1)
        #expect(runs[0] == runs[1] && runs[1] == runs[2], "\(runs)")
    }

    @Test func aNonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try TrainingDataset(examples: Self.corpus(count: 16, seed: 6),
                                       config: DataConfig(sequenceLength: 16, batchSize: 4), seed: 6)
        var config = Self.config(steps: 10)
        config.checkpointEvery = 2
        let trainer = try Trainer(model: try Self.model(), dataset: data, config: config, checkpointDirectory: dir)
        var caught: TrainingError?
        do {
            _ = try trainer.run { p in
                if p.step == 3 { trainer.adapters.parameters[0] = .nan }  // poison the adapters
            }
        } catch let e as TrainingError { caught = e }
        guard case let .nonFiniteLoss(step, _, checkpoint)? = caught else {
            Issue.record("expected nonFiniteLoss, got \(String(describing: caught))")
            return
        }
        #expect(step == 4)
        #expect(checkpoint?.hasSuffix("checkpoint-000002") == true)
        #expect(caught!.description.contains("last good checkpoint"))
        // The checkpoint is intact and resumable.
        let resumed = try Trainer(model: try Self.model(), dataset: data, config: config, checkpointDirectory: dir,
                                  resume: true)
        #expect(resumed.step == 2)
        #expect(resumed.adapters.parameters[0].isFinite)
    }

    @Test func anInterruptedCheckpointWriteLeavesTheLastOneUsable() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try TrainingDataset(examples: Self.corpus(count: 16, seed: 7),
                                       config: DataConfig(sequenceLength: 16, batchSize: 4), seed: 7)
        var config = Self.config(steps: 3)
        config.checkpointEvery = 2
        _ = try Self.run(config, data: data, dir: dir, cancelAfter: 2)
        let fm = FileManager.default
        // What a kill -9 in the middle of writing step 3 leaves: a temporary
        // folder with a truncated state and a stray temporary `latest`.
        let partial = dir.appendingPathComponent(".checkpoint-000003.tmp-999")
        try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: partial.appendingPathComponent("state.bin"))
        try Data("checkpoint-000003".utf8).write(to: dir.appendingPathComponent(".latest.tmp-999"))
        let resumed = try Trainer(model: try Self.model(), dataset: data, config: config, checkpointDirectory: dir,
                                  resume: true)
        #expect(resumed.step == 2)

        // A damaged state file is detected, not loaded.
        let state = dir.appendingPathComponent("checkpoint-000002/state.bin")
        var bytes = try Data(contentsOf: state)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: state)
        #expect(throws: TrainingError.self) {
            try Trainer(model: try Self.model(), dataset: data, config: config, checkpointDirectory: dir, resume: true)
        }
        #expect(throws: TrainingError.self) {
            try Trainer(model: try Self.model(), dataset: data, config: config,
                        checkpointDirectory: dir.appendingPathComponent("nothing-here"), resume: true)
        }
    }
}
