/// Everything that determines a fine-tuning run (together with the base
/// model and the data): the same configuration and seed give the same
/// losses bit for bit, whatever the thread count.
public struct TrainingConfig: Codable, Sendable, Equatable {
    public var lora: LoRAConfig
    public var optimizer: AdamWConfig
    public var schedule: LRSchedule
    public var warmupSteps: Int
    /// Optimizer steps to take in all.
    public var steps: Int
    /// Micro-batches summed into each optimizer step.
    public var gradientAccumulation: Int
    /// Keep only each layer's input and recompute its activations during the backward pass.
    public var gradientCheckpointing: Bool
    /// Seeds the adapters' initialisation, the data order and dropout.
    public var seed: UInt64
    /// Evaluate the held-out loss every this many steps (0: only at the end).
    public var evalEvery: Int
    /// Write a checkpoint every this many steps (0: only on cancellation and at the end).
    public var checkpointEvery: Int
    /// Keep the optimizer state in a memory-mapped file (see `AdamW`).
    public var pagedOptimizer: Bool
    /// Tokens per chunk of the vocabulary projection and cross-entropy.
    public var lossChunk: Int

    public init(lora: LoRAConfig = LoRAConfig(), optimizer: AdamWConfig = AdamWConfig(), schedule: LRSchedule = .constant,
                warmupSteps: Int = 0, steps: Int = 100, gradientAccumulation: Int = 1,
                gradientCheckpointing: Bool = false, seed: UInt64 = 42, evalEvery: Int = 0, checkpointEvery: Int = 0,
                pagedOptimizer: Bool = false, lossChunk: Int = 256) {
        self.lora = lora
        self.optimizer = optimizer
        self.schedule = schedule
        self.warmupSteps = warmupSteps
        self.steps = steps
        self.gradientAccumulation = gradientAccumulation
        self.gradientCheckpointing = gradientCheckpointing
        self.seed = seed
        self.evalEvery = evalEvery
        self.checkpointEvery = checkpointEvery
        self.pagedOptimizer = pagedOptimizer
        self.lossChunk = lossChunk
    }

    /// The learning rate of optimizer step `step` (1-based), as transformers'
    /// LambdaLR gives it: the schedule evaluated after step - 1 scheduler steps.
    public func learningRate(step: Int) -> Double {
        optimizer.learningRate * schedule.factor(step: step - 1, warmup: warmupSteps, total: steps)
    }
}

/// One step's report to the progress callback.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var loss: Double
    public var learningRate: Double
    public var gradNorm: Double
    /// Tokens (all rows' tokens, padding included) processed per second, this run.
    public var tokensPerSecond: Double
    public var elapsedSeconds: Double
    public var etaSeconds: Double
    /// The held-out loss, on steps where it was evaluated.
    public var evalLoss: Double?
}

/// How a run ended.
public struct TrainingResult: Sendable {
    public enum Status: String, Sendable { case completed, cancelled }
    public var status: Status
    /// Steps taken in all (including those before a resume).
    public var steps: Int
    /// The loss of every step, from step 1.
    public var losses: [Double]
    /// Held-out losses: (step, loss).
    public var evalLosses: [EvalPoint]
    /// Where the last checkpoint was written, if any.
    public var checkpoint: String?

    public var finalLoss: Double? { losses.last }
}

public struct EvalPoint: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Double
}
