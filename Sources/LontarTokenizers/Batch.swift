import Foundation

/// The token ids of many strings, in one buffer: row `i` is
/// `ids[offsets[i] ..< offsets[i + 1]]` (the layout of the dataframe's
/// string columns, with ids instead of bytes).
public struct TokenizedBatch: Sendable, Equatable {
    public var ids: [Int32]
    /// `count + 1` offsets into `ids`; `offsets[0] == 0`.
    public var offsets: [Int]

    public init(ids: [Int32], offsets: [Int]) {
        self.ids = ids
        self.offsets = offsets
    }

    /// Number of rows.
    public var count: Int { offsets.count - 1 }

    /// The ids of row `i`.
    public subscript(i: Int) -> ArraySlice<Int32> { ids[offsets[i] ..< offsets[i + 1]] }

    /// Number of tokens in row `i`.
    public func tokenCount(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }
}

extension Tokenizer {
    /// The number of tokens of each of N strings given as one UTF-8 buffer:
    /// string `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    ///
    /// Work is split into contiguous chunks of rows of about equal byte size,
    /// run on `threads` threads; the result does not depend on `threads`.
    ///
    /// - Parameters:
    ///   - addSpecialTokens: count BOS/EOS as `encode(_:addSpecialTokens:)` adds them.
    /// - Throws: `TokenizerError.invalidOffsets` when the offsets are not
    ///   non-decreasing positions within `bytes` (at least one offset).
    public func countTokens(utf8 bytes: [UInt8], offsets: [Int], parseSpecial: SpecialTokenParsing = .none,
                            addSpecialTokens: Bool = false, threads: Int = 2) throws -> [Int] {
        try BatchRunner.validate(bytes: bytes, offsets: offsets)
        let rows = offsets.count - 1
        let extra = addSpecialTokens ? (addsBOS && bosID != nil ? 1 : 0) + (addsEOS && eosID != nil ? 1 : 0) : 0
        var counts = [Int](repeating: 0, count: rows)
        bytes.withUnsafeBufferPointer { buffer in
            counts.withUnsafeMutableBufferPointer { out in
                let out = UncheckedSendable(out)
                let base = UncheckedSendable(buffer)
                BatchRunner.forEachChunk(offsets: offsets, threads: threads) { chunk in
                    for row in chunk {
                        let slice = UnsafeBufferPointer(rebasing: base.value[offsets[row] ..< offsets[row + 1]])
                        out.value[row] = countTokens(utf8: slice, parseSpecial: parseSpecial) + extra
                    }
                }
            }
        }
        return counts
    }

    /// The token ids of each of N strings given as one UTF-8 buffer (see
    /// `countTokens(utf8:offsets:…)`), in one flat buffer.
    public func encodeBatch(utf8 bytes: [UInt8], offsets: [Int], parseSpecial: SpecialTokenParsing = .none,
                            addSpecialTokens: Bool = false, threads: Int = 2) throws -> TokenizedBatch {
        try BatchRunner.validate(bytes: bytes, offsets: offsets)
        let rows = offsets.count - 1
        let bos: Int32? = addSpecialTokens && addsBOS ? bosID.map { Int32($0) } : nil
        let eos: Int32? = addSpecialTokens && addsEOS ? eosID.map { Int32($0) } : nil
        let chunks = BatchRunner.chunks(offsets: offsets, threads: threads)
        // Each chunk writes its own ids and per-row counts; they are joined in
        // chunk order afterwards, so the result is the same for any schedule.
        var chunkIDs = [[Int32]](repeating: [], count: chunks.count)
        var counts = [Int](repeating: 0, count: rows)
        bytes.withUnsafeBufferPointer { buffer in
            chunkIDs.withUnsafeMutableBufferPointer { idsOut in
                counts.withUnsafeMutableBufferPointer { countsOut in
                    let idsOut = UncheckedSendable(idsOut)
                    let countsOut = UncheckedSendable(countsOut)
                    let base = UncheckedSendable(buffer)
                    // Lontar's own tokenizers append straight into the chunk's buffer.
                    let engine = (self as? EngineBacked)?.engine
                    BatchRunner.run(chunks: chunks, threads: threads) { c in
                        var sink = ArraySink()
                        sink.ids.reserveCapacity((offsets[chunks[c].upperBound] - offsets[chunks[c].lowerBound]) / 3 + 16)
                        for row in chunks[c] {
                            let before = sink.ids.count
                            if let bos { sink.append(bos) }
                            let start = offsets[row], count = offsets[row + 1] - start
                            if let engine, let p = base.value.baseAddress {
                                engine.encode(p + start, count, parsing: parseSpecial, into: &sink)
                            } else {
                                let slice = UnsafeBufferPointer(rebasing: base.value[start ..< start + count])
                                sink.ids.append(contentsOf: encode(utf8: slice, parseSpecial: parseSpecial))
                            }
                            if let eos { sink.append(eos) }
                            countsOut.value[row] = sink.ids.count - before
                        }
                        idsOut.value[c] = sink.ids
                    }
                }
            }
        }
        var flat: [Int32] = []
        flat.reserveCapacity(chunkIDs.reduce(0) { $0 + $1.count })
        for ids in chunkIDs { flat.append(contentsOf: ids) }
        var rowOffsets = [Int](repeating: 0, count: rows + 1)
        for row in 0 ..< rows { rowOffsets[row + 1] = rowOffsets[row] + counts[row] }
        return TokenizedBatch(ids: flat, offsets: rowOffsets)
    }
}

/// A tokenizer built on `BPEEngine`, which batch work can drive directly.
protocol EngineBacked {
    var engine: BPEEngine { get }
}

extension TiktokenTokenizer: EngineBacked {}
extension GGUFTokenizer: EngineBacked {}

/// A value that is sent to worker threads which touch disjoint parts of it.
struct UncheckedSendable<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// Chunking and scheduling of batch work.
enum BatchRunner {
    /// Chunks per thread: enough that unequal rows even out.
    static let chunksPerThread = 16

    static func validate(bytes: [UInt8], offsets: [Int]) throws {
        guard let first = offsets.first else {
            throw TokenizerError.invalidOffsets(index: 0, reason: "no offsets (N strings need N + 1)")
        }
        guard first >= 0 else { throw TokenizerError.invalidOffsets(index: 0, reason: "\(first) is negative") }
        for i in 1 ..< offsets.count where offsets[i] < offsets[i - 1] {
            throw TokenizerError.invalidOffsets(index: i, reason: "\(offsets[i]) is less than offsets[\(i - 1)] = \(offsets[i - 1])")
        }
        if let last = offsets.last, last > bytes.count {
            throw TokenizerError.invalidOffsets(index: offsets.count - 1,
                                                reason: "\(last) is past the end of the \(bytes.count) bytes")
        }
    }

    /// Contiguous row ranges of roughly equal byte size.
    static func chunks(offsets: [Int], threads: Int) -> [Range<Int>] {
        let rows = offsets.count - 1
        guard rows > 0 else { return [] }
        let total = offsets[rows] - offsets[0]
        let wanted = max(1, min(rows, max(1, threads) * chunksPerThread))
        let target = max(1, total / wanted)
        var chunks: [Range<Int>] = []
        var start = 0
        for row in 0 ..< rows where offsets[row + 1] - offsets[start] >= target || row == rows - 1 {
            chunks.append(start ..< row + 1)
            start = row + 1
        }
        return chunks
    }

    /// Runs `body(c)` for every chunk index on `threads` threads (chunk `c`
    /// goes to thread `c % threads`).
    static func run(chunks: [Range<Int>], threads: Int, _ body: @Sendable (Int) -> Void) {
        let threads = max(1, min(threads, chunks.count))
        if threads == 1 {
            for c in chunks.indices { body(c) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var c = t
            while c < chunks.count {
                body(c)
                c += threads
            }
        }
    }

    static func forEachChunk(offsets: [Int], threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = chunks(offsets: offsets, threads: threads)
        run(chunks: chunks, threads: threads) { body(chunks[$0]) }
    }
}
