/// Reads JSON Lines files into frames.
///
/// The file is read in blocks of whole lines (`ReadOptions.blockSize`), never
/// as one string; each wave of blocks is parsed on `ReadOptions.threads`
/// threads and merged in file order, so memory holds the growing frame plus a
/// few blocks. Rules (Spark's `spark.read.json` unless noted):
///
/// - Each non-blank line is one JSON object; blank lines are ignored. A UTF-8
///   byte-order mark at the start of the file is ignored.
/// - Columns are the union of the keys, in order of first appearance (Spark
///   sorts them by name; first appearance round-trips Lontar's own files).
///   A key missing from a record is null there.
/// - Types are inferred across all rows; see `JSONColumnBuilder`.
/// - Strings support every JSON escape. A `\u` surrogate pair decodes to its
///   character; a lone surrogate (`"\ud800"`) becomes `?`, as in Spark (Java's
///   UTF-8 encoder substitutes `?`; Python keeps an unencodable surrogate).
///   The report counts them.
/// - `NaN`, `Infinity` and `-Infinity` are doubles (Python's json writes them;
///   Spark accepts them). Integers beyond Int64 are doubles (Spark: decimal).
/// - Malformed records (Lontar is stricter than Spark, like Python's json):
///   a line that is not one object, trailing text after the object, a
///   duplicate key, invalid UTF-8, an unescaped control character, leading
///   zeros. In `.fail` mode the error gives file, line, column and byte
///   offset; in `.skip` mode the record is dropped and counted.
enum JSONLinesReader {
    static func read(_ file: InputFile, options: ReadOptions) throws -> (Frame, ReadReport) {
        var report = ReadReport(path: file.path, format: .jsonLines)
        if options.limit == 0 { return (Frame(), report) }
        let selection = options.columns.map(Set.init)
        let start = try startsWithByteOrderMark(file) ? 3 : 0
        var reader = BlockReader(file: file, blockSize: options.blockSize, startOffset: start,
                                 finder: LineFeedBoundary())
        var merged = JSONMerge()
        var linesBefore = 0
        var reserved = false
        var spareBuilders: [[JSONColumnBuilder]] = []
        waves: while true {
            var blocks: [TextBlock] = []
            while blocks.count < options.threads, let block = try reader.next() { blocks.append(block) }
            if blocks.isEmpty { break }
            let cap = options.limit.map { $0 - merged.rows }
            let reuse = blocks.indices.map { _ in spareBuilders.popLast() ?? [] }
            var results = try parse(blocks, reuse: reuse, selection: selection, options: options, rowCap: cap)
            for (i, block) in blocks.enumerated() {
                let result = results[i]
                func place(_ issue: LocalIssue) -> FilePosition {
                    FilePosition(line: linesBefore + issue.line + 1, column: issue.column,
                                 byteOffset: block.fileOffset + issue.offset)
                }
                if let failure = result.failure {
                    throw FileError(path: file.path, position: place(failure), message: failure.message)
                }
                for issue in result.issues where report.issues.count < options.maxReportedIssues {
                    report.issues.append(ReadIssue(position: place(issue), message: issue.message))
                }
                report.rowsSkipped += result.skipped
                report.loneSurrogates += result.loneSurrogates
                report.bytesRead = block.fileOffset + block.count
                linesBefore += result.lines
                merged.append(result)
                if let limit = options.limit, merged.rows >= limit {
                    merged.truncate(to: limit)
                    break waves
                }
            }
            if !reserved {
                // Size the big buffers once from the first wave, so they do not
                // double (and briefly need twice their size) as the frame grows.
                reserved = true
                merged.reserve(fraction: Double(report.bytesRead) / Double(max(1, file.size)), limit: options.limit)
            }
            // Hand the blocks' buffers back for the next wave.
            for i in results.indices {
                var builders = results[i].columns
                results[i].columns = []
                for b in builders.indices { builders[b].reset() }
                spareBuilders.append(builders)
            }
            for block in blocks { reader.recycle(block.bytes) }
        }
        let frame = try merged.frame(selecting: options.columns, path: file.path)
        report.rowsRead = frame.rowCount
        return (frame, report)
    }

    /// Parses a wave of blocks, one per thread.
    private static func parse(_ blocks: [TextBlock], reuse: [[JSONColumnBuilder]], selection: Set<String>?,
                              options: ReadOptions, rowCap: Int?) throws -> [JSONBlockResult] {
        try Parallel.map(Array(blocks.indices)) { i in
            let parser = JSONBlockParser(selection: selection, policy: options.onError,
                                         maxIssues: options.maxReportedIssues, reuse: reuse[i])
            return blocks[i].bytes.withUnsafeBufferPointer {
                parser.parse(UnsafeBufferPointer(rebasing: $0[0 ..< blocks[i].count]), rowCap: rowCap)
            }
        }
    }

    private static func startsWithByteOrderMark(_ file: InputFile) throws -> Bool {
        guard file.size >= 3 else { return false }
        return try file.readBytes(at: 0, count: 3) == [0xEF, 0xBB, 0xBF]
    }
}

/// The columns of all blocks merged so far, in file order.
struct JSONMerge {
    private(set) var columns: [JSONColumnBuilder] = []
    private var index: [String: Int] = [:]
    private(set) var rows = 0

    mutating func append(_ block: JSONBlockResult) {
        var seen = Array(repeating: false, count: columns.count)
        for column in block.columns {
            if let i = index[column.name] {
                columns[i].append(contentsOf: column)
                seen[i] = true
            } else {
                var fresh = JSONColumnBuilder(name: column.name, key: column.key, selected: column.selected,
                                              nulls: rows)
                fresh.append(contentsOf: column)
                index[column.name] = columns.count
                columns.append(fresh)
            }
        }
        for i in seen.indices where !seen[i] { columns[i].appendNulls(block.rows) }
        rows += block.rows
    }

    mutating func truncate(to n: Int) {
        for i in columns.indices { columns[i].truncate(to: n) }
        rows = min(rows, n)
    }

    /// Reserves room for the whole file, given that the rows so far came from
    /// `fraction` of it.
    mutating func reserve(fraction: Double, limit: Int?) {
        guard fraction > 0, fraction < 1 else { return }
        let scale = 1.1 / fraction
        var expectedRows = Int(Double(rows) * scale) + 1024
        if let limit { expectedRows = min(expectedRows, limit) }
        for i in columns.indices {
            let perRow = Double(columns[i].textBytes) / Double(max(1, rows))
            columns[i].reserve(rows: expectedRows, textBytes: Int(perRow * Double(expectedRows)) + 4096)
        }
    }

    /// The frame: every column, or the `selecting` ones in that order.
    func frame(selecting names: [String]?, path: String) throws -> Frame {
        guard let names else { return try Frame(columns: columns.map { $0.finish() }) }
        var picked: [Column] = []
        var done = Set<String>()
        for name in names where !done.contains(name) {
            done.insert(name)
            guard let i = index[name] else {
                let available = columns.map(\.name).joined(separator: ", ")
                throw FileError(path: path, message:
                    "no column '\(name)' in the file; it has: \(available.isEmpty ? "(no columns)" : available)",
                    kind: .usage)
            }
            picked.append(columns[i].finish())
        }
        return try Frame(columns: picked)
    }
}
