import Foundation
import LontarKernels

/// A QLoRA fine-tuning run: LoRA adapters on a frozen base model, AdamW with
/// clipping, a learning-rate schedule, gradient accumulation, held-out
/// evaluation, atomic checkpoints and exact resumption.
public final class Trainer: @unchecked Sendable {
    public let model: TrainableLlama
    public let dataset: TrainingDataset
    public let config: TrainingConfig
    public let adapters: LoRAAdapters
    public let checkpointDirectory: URL?
    public let optimizer: AdamW
    private let pass: TrainingPass

    public private(set) var step = 0
    public private(set) var losses: [Double] = []
    public private(set) var evalLosses: [EvalPoint] = []
    private var position = TrainingCheckpoint.Position(epoch: 0, batch: 0)
    private var rng: TrainingRNG
    private var epochBatches: (epoch: Int, batches: [TrainingBatch])?
    private var lastCheckpoint: URL?
    /// The step `lastCheckpoint` holds.
    private var lastCheckpointStep: Int?

    /// A new run: adapters initialised from `config.seed` as PEFT does, or
    /// copied from `initialAdapters` (e.g. a PEFT adapter to fine-tune
    /// further; its LoRA settings must equal `config.lora`).
    /// `resume` continues from the latest checkpoint in `checkpointDirectory`
    /// instead (same model, data and configuration required).
    public init(model: TrainableLlama, dataset: TrainingDataset, config: TrainingConfig,
                checkpointDirectory: URL? = nil, resume: Bool = false,
                initialAdapters: LoRAAdapters? = nil) throws {
        guard config.steps >= 1, config.gradientAccumulation >= 1, config.lora.rank >= 1,
              !config.lora.targets.isEmpty, (0..<1).contains(config.lora.dropout) else {
            throw TrainingError.invalidConfiguration(
                "steps, gradient accumulation and rank must be at least 1, targets non-empty, dropout in [0, 1)")
        }
        self.model = model
        self.dataset = dataset
        self.config = config
        self.checkpointDirectory = checkpointDirectory
        adapters = LoRAAdapters(shape: model.shape, config: config.lora)
        if let initialAdapters {
            guard initialAdapters.config == config.lora, initialAdapters.shape == model.shape else {
                throw TrainingError.invalidConfiguration(
                    "the initial adapters' LoRA settings or model shape differ from the run's")
            }
            adapters.copy(from: initialAdapters)
        } else {
            adapters.initialize(seed: config.seed)
        }
        if config.pagedOptimizer {
            let dir = checkpointDirectory ?? FileManager.default.temporaryDirectory
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent(".optimizer-\(UUID().uuidString).paged")
            optimizer = try AdamW(config: config.optimizer, count: adapters.parameterCount, pagedFile: file)
        } else {
            optimizer = AdamW(config: config.optimizer, count: adapters.parameterCount)
        }
        pass = TrainingPass(model: model, adapters: adapters, checkpointing: config.gradientCheckpointing,
                            lossChunk: config.lossChunk,
                            maxPositions: max(dataset.config.sequenceLength, 2))
        rng = TrainingRNG(seed: config.seed ^ 0xd1e5)
        if resume {
            guard let dir = checkpointDirectory else {
                throw TrainingError.checkpoint("resuming needs a checkpoint directory")
            }
            try restore(from: dir)
        }
    }

    private func restore(from dir: URL) throws {
        let (meta, state, folder) = try TrainingCheckpoint.readLatest(in: dir)
        guard meta.shape == model.shape else { throw TrainingError.checkpoint("\(folder.path) is for another model shape") }
        guard meta.config.lora == config.lora, meta.parameterCount == adapters.parameterCount else {
            throw TrainingError.checkpoint("\(folder.path) has different LoRA settings")
        }
        guard meta.data == dataset.config else { throw TrainingError.checkpoint("\(folder.path) has different data settings") }
        let n = adapters.parameterCount
        state.withUnsafeBufferPointer { adapters.parameters.pointer.update(from: $0.baseAddress!, count: n) }
        optimizer.restore(step: meta.optimizerStep, m: Array(state[n..<(2 * n)]), v: Array(state[(2 * n)...]))
        step = meta.step
        position = meta.position
        rng = meta.rng
        losses = meta.losses
        evalLosses = meta.evalLosses
        lastCheckpoint = folder
        lastCheckpointStep = meta.step
    }

    /// Writes a checkpoint now (into `checkpointDirectory`) and returns its folder.
    @discardableResult
    public func saveCheckpoint() throws -> URL? {
        guard let dir = checkpointDirectory else { return nil }
        let meta = TrainingCheckpoint(config: config, data: dataset.config, shape: model.shape, step: step,
                                      optimizerStep: optimizer.step, position: position, rng: rng, losses: losses,
                                      evalLosses: evalLosses, parameterCount: adapters.parameterCount, stateSHA256: "")
        let folder = try TrainingCheckpoint.write(meta, parameters: adapters.parameters, optimizer: optimizer, to: dir)
        lastCheckpoint = folder
        lastCheckpointStep = step
        return folder
    }

    /// The mean held-out loss per counted token (nil without held-out examples).
    public func evaluate() throws -> Double? {
        var sum = 0.0, tokens = 0
        for batch in dataset.evalBatches() {
            let r = try pass.evaluate(batch)
            sum += r.sum
            tokens += r.tokens
        }
        return tokens > 0 ? sum / Double(tokens) : nil
    }

    /// The next micro-batch in data order, moving on to the next epoch at the end of one.
    private func nextBatch() -> TrainingBatch {
        if epochBatches?.epoch != position.epoch {
            epochBatches = (position.epoch, dataset.batches(epoch: position.epoch))
        }
        let batches = epochBatches!.batches
        let batch = batches[position.batch]
        position.batch += 1
        if position.batch == batches.count { position = .init(epoch: position.epoch + 1, batch: 0) }
        return batch
    }

    /// Trains until `config.steps` steps are done or `cancel` (when given)
    /// holds a non-zero value, calling `progress` after every step. Writes a
    /// checkpoint every `checkpointEvery` steps, on cancellation and at the
    /// end. A non-finite loss or gradient stops the run with
    /// `TrainingError.nonFiniteLoss`, leaving the last good checkpoint in place.
    public func run(cancel: UnsafePointer<Int32>? = nil,
                    progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingResult {
        let start = Date()
        var tokensSeen = 0
        let startStep = step
        while step < config.steps {
            if let cancel, cancel.pointee != 0 { return try finish(.cancelled) }
            let micro = (0..<config.gradientAccumulation).map { _ in nextBatch() }
            let normalizer = micro.reduce(0) { $0 + $1.countedTokens }
            adapters.gradients.zero()
            var loss = 0.0
            for (i, batch) in micro.enumerated() {
                let seed = config.seed &+ UInt64(step &* 1009 &+ i) &* 0x9e37_79b9_7f4a_7c15
                loss += try pass.trainStep(batch, normalizer: normalizer, dropoutSeed: seed)
                tokensSeen += batch.rows
            }
            let lr = config.learningRate(step: step + 1)
            let norm = loss.isFinite ? optimizer.update(parameters: adapters.parameters, gradients: adapters.gradients,
                                                        learningRate: lr) : .nan
            guard loss.isFinite, norm.isFinite else {
                throw TrainingError.nonFiniteLoss(step: step + 1, loss: loss.isFinite ? norm : loss,
                                                  checkpoint: lastCheckpoint?.path)
            }
            step += 1
            losses.append(loss)
            var evalLoss: Double?
            if (config.evalEvery > 0 && step % config.evalEvery == 0) || step == config.steps,
               let e = try evaluate() {
                evalLoss = e
                evalLosses.append(EvalPoint(step: step, loss: e))
            }
            if config.checkpointEvery > 0 && step % config.checkpointEvery == 0 && step < config.steps {
                try saveCheckpoint()
            }
            if let progress {
                let elapsed = Date().timeIntervalSince(start)
                let perStep = elapsed / Double(step - startStep)
                progress(TrainingProgress(step: step, totalSteps: config.steps, loss: loss, learningRate: lr,
                                          gradNorm: norm, tokensPerSecond: Double(tokensSeen) / max(elapsed, 1e-9),
                                          elapsedSeconds: elapsed, etaSeconds: perStep * Double(config.steps - step),
                                          evalLoss: evalLoss))
            }
        }
        return try finish(.completed)
    }

    private func finish(_ status: TrainingResult.Status) throws -> TrainingResult {
        // Stopped right after a checkpoint (or resumed a finished run): it is already on disk.
        let folder = lastCheckpointStep == step ? lastCheckpoint : try saveCheckpoint()
        return TrainingResult(status: status, steps: step, losses: losses, evalLosses: evalLosses,
                              checkpoint: (folder ?? lastCheckpoint)?.path)
    }
}
