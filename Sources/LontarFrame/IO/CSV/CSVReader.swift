/// Reads CSV files with a header row into frames (RFC 4180; type inference as
/// Spark's `header=true, inferSchema=true`, see `CSVColumnBuilder`).
///
/// - The first record names the columns. An empty name becomes `_c<i>`;
///   names that repeat (ignoring case) get their 0-based position appended
///   (`a0`, `a2`), as Spark does.
/// - Quoted fields may hold commas, quotes (`""`) and line breaks (Spark needs
///   `multiLine=true` for that; Lontar always allows it). Lines end in `\n`
///   or `\r\n`. Blank lines are skipped. A UTF-8 byte-order mark is ignored.
/// - A record with more or fewer fields than the header is malformed (Spark's
///   default fills or drops fields silently), as are text after a closing
///   quote, an unterminated quote and invalid UTF-8. Errors give the line,
///   the field number (as the column) and the byte offset.
/// - The file is split into blocks at record boundaries by a fast scan that
///   tracks quotes (the first pass), and the blocks are parsed in parallel
///   (the second).
enum CSVReader {
    static func read(_ file: InputFile, options: ReadOptions) throws -> (Frame, ReadReport) {
        var report = ReadReport(path: file.path, format: .csv)
        let bom = file.size >= 3 ? try file.readBytes(at: 0, count: 3) == [0xEF, 0xBB, 0xBF] : false
        var reader = BlockReader(file: file, blockSize: options.blockSize, startOffset: bom ? 3 : 0,
                                 finder: CSVBoundary())
        guard let first = try reader.next() else { return (Frame(), report) }

        // The header: the first record that is not a blank line.
        var headerEnd = 0
        var linesBefore = 0
        var headerFields: [CSVField] = []
        var headerScratch: [UInt8] = []
        var headerError: CSVRecordError?
        var names: [String] = []
        first.bytes.withUnsafeBufferPointer { buf in
            var scanner = CSVScanner(UnsafeBufferPointer(rebasing: buf[0 ..< first.count]))
            while scanner.skipBlankLine() {}
            headerError = scanner.readRecord(into: &headerFields, scratch: &headerScratch)
            headerEnd = scanner.pos
            linesBefore = scanner.line
            names = headerFields.map { f in
                let bytes = f.inScratch ? Array(headerScratch[f.start ..< f.end]) : Array(buf[f.start ..< f.end])
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        if let e = headerError {
            throw FileError(path: file.path, position: FilePosition(line: e.line + 1, column: e.field,
                            byteOffset: first.fileOffset + e.offset), message: "in the header: " + e.message)
        }
        names = sparkHeaderNames(names)
        let selected: [Int]
        if let wanted = options.columns {
            var picks: [Int] = []
            for name in wanted where !picks.contains(where: { names[$0] == name }) {
                guard let i = names.firstIndex(of: name) else {
                    throw FileError(path: file.path, message:
                        "no column '\(name)' in the file; it has: \(names.joined(separator: ", "))", kind: .usage)
                }
                picks.append(i)
            }
            selected = picks
        } else {
            selected = Array(names.indices)
        }

        let bodyStart = headerEnd
        var columns = Array(repeating: CSVColumnBuilder(), count: selected.count)
        var rows = 0
        var pendingFirst: TextBlock? = first
        var reserved = false
        let config = CSVBlockParser.Config(fieldCount: names.count, selected: selected, policy: options.onError,
                                           maxIssues: options.maxReportedIssues)
        waves: while options.limit != 0 {
            var wave: [TextBlock] = []
            if let f = pendingFirst { wave.append(f); pendingFirst = nil }
            while wave.count < options.threads, let block = try reader.next() { wave.append(block) }
            if wave.isEmpty { break }
            let cap = options.limit.map { $0 - rows }
            let results = try parse(wave, config: config, bodyStart: bodyStart, options: options, rowCap: cap)
            for (block, result) in zip(wave, results) {
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
                report.bytesRead = block.fileOffset + block.count
                linesBefore += result.lines
                for c in columns.indices { columns[c].append(contentsOf: result.columns[c]) }
                rows += result.rows
                if let limit = options.limit, rows >= limit {
                    for c in columns.indices { columns[c].truncate(to: limit) }
                    rows = limit
                    break waves
                }
            }
            for block in wave { reader.recycle(block.bytes) }
            if !reserved {
                reserved = true
                let fraction = Double(report.bytesRead) / Double(max(1, file.size))
                if fraction > 0 && fraction < 1 {
                    var expected = Int(Double(rows) * 1.1 / fraction) + 1024
                    if let limit = options.limit { expected = min(expected, limit) }
                    for c in columns.indices {
                        let perRow = Double(columns[c].text.bytes.count) / Double(max(1, rows))
                        columns[c].reserve(rows: expected, textBytes: Int(perRow * Double(expected)) + 4096)
                    }
                }
            }
        }
        var built: [Column] = []
        for (k, i) in selected.enumerated() {
            let column = columns[k]
            columns[k] = CSVColumnBuilder()  // drop the text as each column is converted
            built.append(column.finish(name: names[i]))
        }
        let frame = try Frame(columns: built)
        report.rowsRead = frame.rowCount
        return (frame, report)
    }

    /// Parses a wave of blocks, one per thread.
    private static func parse(_ blocks: [TextBlock], config: CSVBlockParser.Config, bodyStart: Int,
                              options: ReadOptions, rowCap: Int?) throws -> [CSVBlockParser.Result] {
        try Parallel.map(Array(blocks.indices)) { i in
            blocks[i].bytes.withUnsafeBufferPointer { buf in
                CSVBlockParser(config: config).parse(UnsafeBufferPointer(rebasing: buf[0 ..< blocks[i].count]),
                                                      start: blocks[i].index == 0 ? bodyStart : 0, rowCap: rowCap)
            }
        }
    }

    /// Spark's header clean-up: empty names become `_c<i>`, and names that
    /// repeat (ignoring case) get their position appended. Should that still
    /// leave two equal names (`a,a,a0`), the later ones get `_<i>` too, since
    /// a frame's column names must be unique.
    static func sparkHeaderNames(_ raw: [String]) -> [String] {
        let named = raw.enumerated().map { i, n in n.isEmpty ? "_c\(i)" : n }
        var counts: [String: Int] = [:]
        for n in named { counts[n.lowercased(), default: 0] += 1 }
        var names = named.enumerated().map { i, n in counts[n.lowercased(), default: 0] > 1 ? "\(n)\(i)" : n }
        var seen = Set<String>()
        for i in names.indices {
            while seen.contains(names[i]) { names[i] += "_\(i)" }
            seen.insert(names[i])
        }
        return names
    }
}

/// Parses the records of one CSV block.
struct CSVBlockParser {
    struct Config: Sendable {
        var fieldCount: Int
        var selected: [Int]
        var policy: ErrorPolicy
        var maxIssues: Int
    }

    struct Result: Sendable {
        var columns: [CSVColumnBuilder]
        var rows = 0
        var lines = 0
        var skipped = 0
        var issues: [LocalIssue] = []
        var failure: LocalIssue?
    }

    let config: Config

    func parse(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, rowCap: Int?) -> Result {
        var result = Result(columns: Array(repeating: CSVColumnBuilder(), count: config.selected.count))
        var sc = CSVScanner(bytes, start: start)
        var fields: [CSVField] = []
        var scratch: [UInt8] = []
        while !sc.atEnd {
            if let cap = rowCap, result.rows >= cap { break }
            if sc.skipBlankLine() { continue }
            let recordStart = sc.pos
            let recordLine = sc.line
            var problem = sc.readRecord(into: &fields, scratch: &scratch)
            if problem == nil && fields.count > config.fieldCount {
                let extra = fields[config.fieldCount]
                problem = CSVRecordError(offset: extra.rawStart - (extra.quoted ? 1 : 0), line: 0,
                                         field: config.fieldCount + 1,
                                         message: "record has \(fields.count) fields, but the header has \(config.fieldCount)")
            } else if problem == nil && fields.count < config.fieldCount {
                problem = CSVRecordError(offset: recordStart, line: 0, field: nil, message:
                    "record has \(fields.count) field\(fields.count == 1 ? "" : "s"), but the header has \(config.fieldCount)")
            }
            if problem == nil {
                for i in config.selected {
                    let f = fields[i]
                    if let bad = firstInvalidUTF8(UnsafeBufferPointer(rebasing: bytes[f.rawStart ..< f.rawEnd])) {
                        problem = CSVRecordError(offset: f.rawStart + bad, line: 0, field: i + 1,
                                                 message: "invalid UTF-8 in field \(i + 1) (is the file UTF-8?)")
                        break
                    }
                }
            }
            if let p = problem {
                // The line of the problem: the record's first line plus the line feeds before it.
                var line = recordLine
                for k in recordStart ..< min(p.offset, bytes.count) where bytes[k] == 0x0A { line += 1 }
                let issue = LocalIssue(line: line, column: p.field, offset: p.offset, message: p.message)
                if config.policy == .fail {
                    result.failure = issue
                    result.lines = sc.line
                    return result
                }
                result.skipped += 1
                if result.issues.count < config.maxIssues { result.issues.append(issue) }
                continue
            }
            scratch.withUnsafeBufferPointer { decoded in
                for (k, i) in config.selected.enumerated() {
                    let f = fields[i]
                    result.columns[k].append(UnsafeBufferPointer(rebasing: (f.inScratch ? decoded : bytes)[f.start ..< f.end]))
                }
            }
            result.rows += 1
        }
        result.lines = sc.line
        return result
    }
}
