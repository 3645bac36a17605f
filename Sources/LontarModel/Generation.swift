import Foundation

/// Why generation stopped.
public enum StopReason: String, Sendable {
    case endOfSequence, stopToken, maxTokens, callback, contextFull
}

/// One generated token, as streamed to the callback.
public struct GeneratedToken: Sendable {
    /// Which prompt of the batch it continues.
    public let sequence: Int
    /// Its position among the generated tokens (0 = first).
    public let index: Int
    public let id: Int32
    /// The text it adds, when a decoder was given (may be empty while a
    /// multi-byte character is incomplete).
    public let text: String?
}

/// The result of generating from one prompt.
public struct Generation: Sendable {
    public var prompt: [Int32]
    /// Generated ids (an end-of-sequence token that stopped generation included).
    public var tokens: [Int32]
    /// The decoded text of `tokens`, when a decoder was given.
    public var text: String?
    public var stopReason: StopReason
    /// Wall-clock seconds of the prompt pass and of the token-by-token loop.
    public var prefillSeconds: Double
    public var decodeSeconds: Double
}

extension LlamaModel {
    /// Generates a continuation of `prompt` (token ids) with a KV cache.
    /// `decode` turns ids into text (for streaming and the result's text);
    /// `onToken` is called after every token and may return false to stop.
    public func generate(prompt: [Int32], options: GenerationOptions = GenerationOptions(),
                         decode: (([Int32]) -> String)? = nil,
                         onToken: ((GeneratedToken) -> Bool)? = nil) throws -> Generation {
        try generate(prompts: [prompt], options: options, decode: decode, onToken: onToken)[0]
    }

    /// Generates continuations of several prompts at once: one forward pass
    /// per step runs every unfinished sequence together.
    public func generate(prompts: [[Int32]], options: GenerationOptions = GenerationOptions(),
                         decode: (([Int32]) -> String)? = nil,
                         onToken: ((GeneratedToken) -> Bool)? = nil) throws -> [Generation] {
        try options.validate()
        guard !prompts.isEmpty else { throw ModelError(.invalidInput, "no prompts to generate from") }
        if let empty = prompts.firstIndex(where: \.isEmpty) {
            throw ModelError(.invalidInput, "prompt \(empty) has no tokens")
        }
        let context = config.maxPositionEmbeddings ?? Int.max
        let longest = prompts.map(\.count).max()!
        guard longest < context else {
            throw ModelError(.invalidInput, "a prompt of \(longest) tokens leaves no room in the context of \(context)")
        }
        let capacity = min(context, longest + options.maxNewTokens)
        let cache = try KVCache(model: self, sequences: prompts.count, capacity: max(capacity, 1))
        var samplers = prompts.map { _ in Sampler(options: options) }
        for i in samplers.indices {  // distinct streams per sequence, reproducible from one seed
            samplers[i] = Sampler(options: { var o = options; o.seed = options.seed &+ UInt64(i) &* 0x2545_F491_4F6C_DD1D; return o }())
        }
        var results = prompts.map { Generation(prompt: $0, tokens: [], text: decode == nil ? nil : "", stopReason: .maxTokens,
                                               prefillSeconds: 0, decodeSeconds: 0) }
        var active = Array(repeating: options.maxNewTokens > 0, count: prompts.count)
        var emitted = Array(repeating: "", count: prompts.count)
        let stops = options.stopTokens.union(options.stopAtEOS ? eosTokenIds : [])

        let t0 = Date()
        var step = try forward(prompts, cache: cache, logits: .last)
        let prefill = Date().timeIntervalSince(t0)
        let t1 = Date()
        while active.contains(true) {
            var next: [[Int32]] = Array(repeating: [], count: prompts.count)
            for i in prompts.indices where active[i] {
                guard let logits = step.lastLogits(sequence: i) else { continue }
                let token = samplers[i].next(logits: logits, history: prompts[i] + results[i].tokens)
                results[i].tokens.append(token)
                var piece: String?
                if let decode {
                    let full = decode(results[i].tokens)
                    if !full.hasSuffix("\u{FFFD}"), full.hasPrefix(emitted[i]) {
                        piece = String(full.dropFirst(emitted[i].count))
                        emitted[i] = full
                    } else {
                        piece = ""
                    }
                    results[i].text = full
                }
                let keepGoing = onToken?(GeneratedToken(sequence: i, index: results[i].tokens.count - 1, id: token, text: piece)) ?? true
                if stops.contains(token) {
                    results[i].stopReason = eosTokenIds.contains(token) && options.stopAtEOS ? .endOfSequence : .stopToken
                    active[i] = false
                } else if !keepGoing {
                    results[i].stopReason = .callback
                    active[i] = false
                } else if results[i].tokens.count >= options.maxNewTokens {
                    results[i].stopReason = .maxTokens
                    active[i] = false
                } else if cache.lengths[i] >= cache.capacity {
                    results[i].stopReason = .contextFull
                    active[i] = false
                } else {
                    next[i] = [token]
                }
            }
            if !active.contains(true) { break }
            step = try forward(next, cache: cache, logits: .last)
        }
        let decodeTime = Date().timeIntervalSince(t1)
        for i in results.indices {
            results[i].prefillSeconds = prefill
            results[i].decodeSeconds = decodeTime
        }
        return results
    }
}
