import Foundation

/// The trainable LoRA matrices of a model: for each layer and target
/// projection, A: [r, in] and B: [out, r]. All parameters live in one flat
/// buffer (and their gradients in another of the same layout), so the
/// optimizer, clipping and checkpoints treat them as a single vector.
public final class LoRAAdapters: @unchecked Sendable {
    /// Where one adapter's matrices sit in the flat buffers.
    public struct Slot: Sendable {
        public let layer: Int
        public let target: LoRATarget
        public let inFeatures: Int, outFeatures: Int
        public let aOffset: Int, bOffset: Int
        public var aCount: Int { inFeatures * rankCount }
        public var bCount: Int { outFeatures * rankCount }
        let rankCount: Int
    }

    public let config: LoRAConfig
    public let shape: LlamaShape
    public let slots: [Slot]
    public let parameters: FloatBuffer
    public let gradients: FloatBuffer
    private let slotIndex: [Int: Int]

    /// Zero-filled adapters for every layer and `config.targets`.
    public init(shape: LlamaShape, config: LoRAConfig) {
        self.shape = shape
        self.config = config
        var slots: [Slot] = []
        var offset = 0
        for layer in 0..<shape.layers {
            for target in config.targets {
                let (out, inF) = shape.features(target)
                let a = offset, b = offset + config.rank * inF
                offset = b + out * config.rank
                slots.append(Slot(layer: layer, target: target, inFeatures: inF, outFeatures: out,
                                  aOffset: a, bOffset: b, rankCount: config.rank))
            }
        }
        self.slots = slots
        parameters = FloatBuffer(count: offset)
        gradients = FloatBuffer(count: offset)
        var index: [Int: Int] = [:]
        for (i, s) in slots.enumerated() { index[Self.key(s.layer, s.target)] = i }
        slotIndex = index
    }

    private static func key(_ layer: Int, _ target: LoRATarget) -> Int {
        layer * 16 + LoRATarget.allCases.firstIndex(of: target)!
    }

    /// The adapter on `target` of `layer`, if there is one.
    public func slot(_ layer: Int, _ target: LoRATarget) -> Slot? {
        slotIndex[Self.key(layer, target)].map { slots[$0] }
    }

    public var parameterCount: Int { parameters.count }

    /// PEFT's initialisation: A from Kaiming-uniform with a = sqrt(5), which is
    /// U(-1/sqrt(in), 1/sqrt(in)); B zero, so training starts at the base model.
    /// Draws layer by layer, target by target, row-major, from `seed`.
    public func initialize(seed: UInt64) {
        var rng = TrainingRNG(seed: seed)
        parameters.zero()
        for s in slots {
            let bound = 1 / Double(s.inFeatures).squareRoot()
            for i in 0..<s.aCount { parameters[s.aOffset + i] = Float((2 * rng.unit() - 1) * bound) }
        }
    }

    /// A's values [r * in] of a slot.
    public func a(_ s: Slot) -> [Float] { Array(UnsafeBufferPointer(start: parameters.at(s.aOffset), count: s.aCount)) }
    /// B's values [out * r] of a slot.
    public func b(_ s: Slot) -> [Float] { Array(UnsafeBufferPointer(start: parameters.at(s.bOffset), count: s.bCount)) }

    /// Replaces a slot's A or B values.
    public func set(_ s: Slot, a: [Float]? = nil, b: [Float]? = nil) {
        if let a {
            precondition(a.count == s.aCount)
            a.withUnsafeBufferPointer { parameters.at(s.aOffset).update(from: $0.baseAddress!, count: a.count) }
        }
        if let b {
            precondition(b.count == s.bCount)
            b.withUnsafeBufferPointer { parameters.at(s.bOffset).update(from: $0.baseAddress!, count: b.count) }
        }
    }
}
