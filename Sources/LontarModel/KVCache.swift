import LontarKernels

/// The keys and values of past tokens, per layer and per sequence, so that
/// generation computes each new token against them instead of re-running
/// the prompt. Sequence i of a batched forward uses slot i.
public final class KVCache: @unchecked Sendable {
    // @unchecked: mutated only by the forward pass that owns it.

    /// Positions each slot can hold.
    public let capacity: Int
    /// Number of sequence slots.
    public let sequences: Int
    let kvHeads: Int, headDim: Int
    /// Per layer: [sequences, kvHeads, capacity, headDim].
    let keys: [FloatBuffer]
    let values: [FloatBuffer]
    /// Tokens stored so far in each slot (the next token's position).
    public internal(set) var lengths: [Int]

    /// A cache for `model` with `sequences` slots of `capacity` positions.
    public init(model: LlamaModel, sequences: Int = 1, capacity: Int) throws {
        guard sequences > 0, capacity > 0 else {
            throw ModelError(.invalidInput, "a KV cache needs at least one sequence and one position (got \(sequences), \(capacity))")
        }
        let c = model.config
        self.capacity = capacity
        self.sequences = sequences
        kvHeads = c.numKeyValueHeads
        headDim = c.headDim
        let perLayer = sequences * kvHeads * capacity * headDim
        keys = (0..<c.numHiddenLayers).map { _ in FloatBuffer(count: perLayer) }
        values = (0..<c.numHiddenLayers).map { _ in FloatBuffer(count: perLayer) }
        lengths = [Int](repeating: 0, count: sequences)
    }

    /// Bytes held.
    public var byteCount: Int { 2 * keys.count * sequences * kvHeads * capacity * headDim * 4 }

    /// Forgets every slot's tokens.
    public func reset() { lengths = [Int](repeating: 0, count: sequences) }

    /// Forgets one slot's tokens.
    public func reset(sequence: Int) { lengths[sequence] = 0 }

    func keys(layer: Int, sequence: Int) -> UnsafeMutablePointer<Float> {
        keys[layer].pointer + sequence * kvHeads * capacity * headDim
    }

    func values(layer: Int, sequence: Int) -> UnsafeMutablePointer<Float> {
        values[layer].pointer + sequence * kvHeads * capacity * headDim
    }
}
