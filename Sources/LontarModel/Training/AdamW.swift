import Foundation
import LontarKernels

/// AdamW hyperparameters (torch.optim.AdamW's names and defaults, with
/// transformers' Trainer defaults for clipping).
public struct AdamWConfig: Codable, Sendable, Equatable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    /// Global gradient-norm clipping threshold (0 disables it).
    public var maxGradNorm: Double

    public init(learningRate: Double = 2e-4, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, maxGradNorm: Double = 1) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.maxGradNorm = maxGradNorm
    }
}

/// AdamW over one flat parameter vector. Its moments live either in memory
/// or, "paged", in a memory-mapped file: after each step the pages are
/// written back (msync) and dropped from the process (madvise DONTNEED), so
/// between steps the state costs no resident memory and the kernel can evict
/// it under pressure instead of failing — the CPU counterpart of QLoRA's
/// paged optimizer, which moves state to CPU memory when the GPU runs short.
public final class AdamW: @unchecked Sendable {
    public let config: AdamWConfig
    public let count: Int
    /// Optimizer steps taken.
    public private(set) var step: Int = 0
    private let storage: UnsafeMutablePointer<Float>  // m then v, 2 * count floats
    private let mapping: (base: UnsafeMutableRawPointer, bytes: Int, fd: Int32)?

    public var m: UnsafeMutablePointer<Float> { storage }
    public var v: UnsafeMutablePointer<Float> { storage + count }
    public var isPaged: Bool { mapping != nil }

    /// In-memory state.
    public init(config: AdamWConfig, count: Int) {
        self.config = config
        self.count = count
        storage = .allocate(capacity: max(1, 2 * count))
        storage.initialize(repeating: 0, count: max(1, 2 * count))
        mapping = nil
    }

    /// State paged to the file at `url` (created or truncated, zero-filled).
    public init(config: AdamWConfig, count: Int, pagedFile url: URL) throws {
        self.config = config
        self.count = count
        let bytes = max(1, 2 * count) * 4
        let fd = open(url.path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw TrainingError.checkpoint("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        guard ftruncate(fd, off_t(bytes)) == 0,
              let base = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw TrainingError.checkpoint("cannot map \(url.path): \(message)")
        }
        // The mapping keeps the file alive; without a name, a killed process
        // leaves nothing behind (the system frees it with the last mapping).
        unlink(url.path)
        mapping = (base, bytes, fd)
        storage = base.bindMemory(to: Float.self, capacity: 2 * count)
    }

    deinit {
        if let mapping {
            munmap(mapping.base, mapping.bytes)
            close(mapping.fd)
        } else {
            storage.deallocate()
        }
    }

    /// The global L2 norm of a gradient vector (summed in double).
    public static func norm(_ g: FloatBuffer) -> Double { lt_train_sum_squares(g.pointer, g.count).squareRoot() }

    /// Clips (as torch.nn.utils.clip_grad_norm_: scale by max/(norm+1e-6)
    /// when above max), then takes one AdamW step at learning rate `lr`.
    /// Returns the gradient norm before clipping. A non-finite norm leaves
    /// everything untouched (the caller stops training).
    @discardableResult
    public func update(parameters p: FloatBuffer, gradients g: FloatBuffer, learningRate lr: Double) -> Double {
        precondition(p.count == count && g.count == count)
        let norm = Self.norm(g)
        guard norm.isFinite else { return norm }
        if config.maxGradNorm > 0 {
            let coef = config.maxGradNorm / (norm + 1e-6)
            if coef < 1 { lt_train_scale(g.pointer, count, Float(coef)) }
        }
        step += 1
        lt_train_adamw(p.pointer, g.pointer, m, v, count, Float(lr), Float(config.beta1), Float(config.beta2),
                       Float(config.epsilon), Float(config.weightDecay), Int64(step))
        if let mapping {
            // Write the state back and give its pages up until the next step.
            msync(mapping.base, mapping.bytes, MS_ASYNC)
            madvise(mapping.base, mapping.bytes, MADV_DONTNEED)
        }
        return norm
    }

    /// The state for checkpoints.
    public func snapshot() -> (step: Int, m: [Float], v: [Float]) {
        (step, Array(UnsafeBufferPointer(start: m, count: count)), Array(UnsafeBufferPointer(start: v, count: count)))
    }

    /// Restores a checkpointed state.
    public func restore(step: Int, m: [Float], v: [Float]) {
        precondition(m.count == count && v.count == count)
        self.step = step
        m.withUnsafeBufferPointer { self.m.update(from: $0.baseAddress!, count: count) }
        v.withUnsafeBufferPointer { self.v.update(from: $0.baseAddress!, count: count) }
    }
}
