import Dispatch

/// A synthetic stand-in for the paper's instruction data: scientific
/// abstracts and paper openings in the style of the arXiv and PubMed
/// summarization datasets, as `id`, `input` (a prompt), `output` (the answer).
///
/// Two prompt templates, chosen per row with equal odds:
/// - `Suppose that you have an abstract for a scientific paper: <abstract> And
///   you have to write the first line of the paper.` → output: the paper's opening;
/// - `Write the first line of an abstract of a paper which starts with:
///   <opening>` → output: the paper's abstract.
///
/// The prose comes from templates and word lists over six fields (physics,
/// astrophysics, computer science, mathematics, medicine, biology) with
/// background, aim, method, result (numbers with units, p-values) and
/// conclusion sentences, and it carries the artifacts the paper cleans:
/// `@xcite`, `@xmath7`, newlines inside text, spaced punctuation, non-ASCII
/// (é, µm, Greek letters, °C), doubled spaces and tabs.
///
/// Word counts (Spark `Tokenizer`) follow the paper's Table 3 (see
/// `PaperLengths`). A seed always gives the same rows, whatever the thread
/// count, and the first N rows of a larger corpus are the N-row corpus.
public enum PaperCorpus {
    public static let abstractPromptPrefix = "Suppose that you have an abstract for a scientific paper: "
    public static let abstractPromptSuffix = " And you have to write the first line of the paper."
    public static let openingPromptPrefix = "Write the first line of an abstract of a paper which starts with: "

    /// The column names, in order.
    public static let columnNames = ["id", "input", "output"]

    /// Rows generated per task; part of no result (rows are seeded one by one).
    static let chunkRows = 2048

    /// Generates `rows` rows from `seed`: `id` (bigint, 0-based row number),
    /// `input` and `output` (string). Uses all cores; `threads` limits that.
    public static func generate(rows: Int, seed: UInt64, threads: Int? = nil) throws -> Frame {
        guard rows >= 0 else { throw PaperCorpusError.negativeRows(rows) }
        let chunks = (rows + chunkRows - 1) / chunkRows
        let results = ChunkSlots(count: chunks)
        defer { results.release() }
        let workers = max(1, min(threads ?? ProcessInfoCores.count, max(chunks, 1)))
        if workers == 1 {
            for c in 0 ..< chunks { results.set(c, generateChunk(c, rows: rows, seed: seed)) }
        } else {
            // Workers take chunks in order from a shared counter; which worker
            // makes a chunk does not change its bytes.
            let next = ChunkCounter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let c = next.take()
                    if c >= chunks { return }
                    results.set(c, generateChunk(c, rows: rows, seed: seed))
                }
            }
        }
        var input = StringColumn()
        var output = StringColumn()
        let all = (0 ..< chunks).map { results.get($0) }
        input.reserve(rows: rows, bytes: all.reduce(0) { $0 + $1.input.bytes.count })
        output.reserve(rows: rows, bytes: all.reduce(0) { $0 + $1.output.bytes.count })
        for chunk in all {
            input.appendChunk(chunk.input)
            output.appendChunk(chunk.output)
        }
        return try Frame(columns: [
            Column(name: "id", storage: .int64((0 ..< rows).map { Int64($0) })),
            Column(name: "input", storage: .string(input)),
            Column(name: "output", storage: .string(output)),
        ])
    }

    /// The rows of chunk `c`.
    static func generateChunk(_ c: Int, rows: Int, seed: UInt64) -> (input: StringColumn, output: StringColumn) {
        let first = c * chunkRows
        let last = min(first + chunkRows, rows)
        var input = StringColumn()
        var output = StringColumn()
        input.reserve(rows: last - first, bytes: (last - first) * 1800)
        output.reserve(rows: last - first, bytes: (last - first) * 800)
        var writer = PaperWriter(rng: GeneratorRandom(seed: seed))
        for row in first ..< last {
            writeRow(row, seed: seed, writer: &writer, input: &input.bytes, output: &output.bytes)
            input.offsets.append(input.bytes.count)
            output.offsets.append(output.bytes.count)
        }
        return (input, output)
    }

    /// Words the prompt templates add to the embedded text's words: every
    /// whitespace character in them separates one more word.
    static let abstractPromptWords = spaces(abstractPromptPrefix) + spaces(abstractPromptSuffix)
    static let openingPromptWords = spaces(openingPromptPrefix)

    static func spaces(_ s: String) -> Int { s.utf8.filter { PaperWriter.isSpace($0) }.count }

    /// Appends row `row`'s input and output text.
    static func writeRow(_ row: Int, seed: UInt64, writer: inout PaperWriter, input: inout [UInt8], output: inout [UInt8]) {
        writer.startPaper(rng: GeneratorRandom(seed: seed, row: row, stream: 1))
        let field = PaperField.all[writer.rng.below(PaperField.all.count)]
        let abstractPrompt = writer.rng.below(2) == 0
        let inputWords = PaperLengths.input.draw(&writer.rng)
        let outputWords = PaperLengths.output.draw(&writer.rng)
        let inputLimit = PaperLengths.input.max
        let outputLimit = PaperLengths.output.max
        if abstractPrompt {
            input.append(contentsOf: abstractPromptPrefix.utf8)
            writer.write(.abstract, field: field, targetWords: inputWords - abstractPromptWords,
                         limit: inputLimit - abstractPromptWords, into: &input)
            input.append(contentsOf: abstractPromptSuffix.utf8)
            writer.write(.opening, field: field, targetWords: outputWords, limit: outputLimit, into: &output)
        } else {
            input.append(contentsOf: openingPromptPrefix.utf8)
            writer.write(.opening, field: field, targetWords: inputWords - openingPromptWords,
                         limit: inputLimit - openingPromptWords, into: &input)
            writer.write(.abstract, field: field, targetWords: outputWords, limit: outputLimit, into: &output)
        }
    }
}

/// Errors from `PaperCorpus.generate`.
public enum PaperCorpusError: Error, Equatable, CustomStringConvertible {
    case negativeRows(Int)

    public var description: String {
        switch self {
        case .negativeRows(let n): "the number of rows must be 0 or more, got \(n)"
        }
    }
}

extension StringColumn {
    /// Appends every row of `other`.
    mutating func appendChunk(_ other: StringColumn) {
        let base = bytes.count
        bytes.append(contentsOf: other.bytes)
        offsets.append(contentsOf: other.offsets.dropFirst().lazy.map { $0 + base })
    }
}
