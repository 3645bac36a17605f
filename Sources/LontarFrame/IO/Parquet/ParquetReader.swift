/// Reads Parquet files as Hugging Face publishes data sets (pyarrow's
/// defaults) and as DuckDB and Spark write them: flat columns of BOOLEAN,
/// INT32, INT64, FLOAT, DOUBLE and UTF-8 BYTE_ARRAY, required or optional;
/// data pages v1 and v2; PLAIN, dictionary (PLAIN_DICTIONARY /
/// RLE_DICTIONARY), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
/// DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT and RLE (booleans) values;
/// UNCOMPRESSED and SNAPPY pages.
///
/// Anything else — other codecs (ZSTD, GZIP, …), other encodings (the
/// deprecated BIT_PACKED levels, …), nested columns (lists, structs, maps), decimals,
/// dates, timestamps — is a `FileError` of kind `.unsupported` whose message
/// starts `unsupported:` and names the column and the feature. Such a column
/// can be left out with `ReadOptions.columns`.
///
/// Column chunks are read and decoded in parallel, one (row group, column)
/// pair per work item; only the row groups a `limit` needs are read.
enum ParquetReader {
    static func read(_ file: InputFile, options: ReadOptions) throws -> (Frame, ReadReport) {
        var report = ReadReport(path: file.path, format: .parquet)
        let meta = try readMetadata(file)
        let top: [ParquetTopColumn]
        do throws(ParquetDecodeError) {
            top = try ParquetSchema.columns(meta.schema)
        } catch {
            throw FileError(path: file.path, message: "corrupt Parquet schema: \(error.message)")
        }

        // The columns to read, each checked to be readable.
        var leaves: [ParquetLeaf] = []
        let names = options.columns ?? top.map(\.name)
        for name in names where !leaves.contains(where: { $0.name == name }) {
            guard let column = top.first(where: { $0.name == name }) else {
                throw FileError(path: file.path, message:
                    "no column '\(name)' in the file; it has: \(top.map(\.name).joined(separator: ", "))", kind: .usage)
            }
            switch column {
            case .leaf(let l): leaves.append(l)
            case .unsupported(let name, let reason):
                let hint = options.columns == nil ? " (read the other columns by naming them in ReadOptions.columns)" : ""
                throw FileError(path: file.path, message: "unsupported: column '\(name)' \(reason)\(hint)", kind: .unsupported)
            }
        }

        // The row groups a limit needs.
        var groups: [(index: Int, rows: Int)] = []
        var rows = 0
        for (g, group) in meta.rowGroups.enumerated() {
            if let limit = options.limit, rows >= limit { break }
            guard group.numRows >= 0, group.numRows <= Int64(file.size) * 8 + 1 else {
                throw FileError(path: file.path, message: "corrupt Parquet metadata: row group \(g) claims \(group.numRows) rows")
            }
            groups.append((g, Int(group.numRows)))
            rows += Int(group.numRows)
        }

        // One work item per (row group, column): check it, then read it.
        struct Task: Sendable {
            var group: Int
            var rows: Int
            var leaf: ParquetLeaf
            var codec: ParquetCodec
            var start: Int
            var length: Int
            var uncompressed: Int
        }
        var tasks: [Task] = []
        for (g, groupRows) in groups {
            let group = meta.rowGroups[g]
            for leaf in leaves {
                guard leaf.leafIndex < group.columns.count, let chunk = group.columns[leaf.leafIndex].meta else {
                    throw FileError(path: file.path, message: "corrupt Parquet metadata: row group \(g) has no chunk for column '\(leaf.name)'")
                }
                if let external = group.columns[leaf.leafIndex].filePath {
                    throw FileError(path: file.path, message:
                        "unsupported: column '\(leaf.name)' is stored in another file ('\(external)')", kind: .unsupported)
                }
                guard let codec = ParquetCodec(rawValue: chunk.codec), codec == .uncompressed || codec == .snappy else {
                    let name = ParquetCodec(rawValue: chunk.codec)?.name ?? "codec #\(chunk.codec)"
                    throw FileError(path: file.path, message:
                        "unsupported: column '\(leaf.name)' is compressed with \(name); Lontar reads UNCOMPRESSED and SNAPPY (rewrite the file with snappy compression)",
                        kind: .unsupported)
                }
                var start = Int(chunk.dataPageOffset)
                if let dict = chunk.dictionaryPageOffset, dict > 0, dict < start { start = Int(dict) }
                let length = Int(chunk.totalCompressedSize)
                guard start >= 4, length >= 0, start <= file.size, length <= file.size - start else {
                    throw FileError(path: file.path, message:
                        "corrupt Parquet metadata: column '\(leaf.name)' in row group \(g) lies outside the file")
                }
                tasks.append(Task(group: g, rows: groupRows, leaf: leaf, codec: codec, start: start, length: length,
                                  uncompressed: Int(clamping: max(0, chunk.totalUncompressedSize))))
            }
        }

        let work = tasks
        var pieces: [ParquetPiece?] = try Parallel.map(Array(work.indices)) { i -> ParquetPiece in
            let t = work[i]
            let bytes = try file.readBytes(at: t.start, count: t.length)
            do throws(ParquetDecodeError) {
                return try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) in
                    try ParquetColumnReader(leaf: t.leaf, codec: t.codec).read(b, rows: t.rows, sizeHint: t.uncompressed)
                }
            } catch {
                let unsupported = error.message.hasPrefix("unsupported: ")
                let detail = unsupported ? String(error.message.dropFirst("unsupported: ".count)) : error.message
                throw FileError(path: file.path, position: FilePosition(byteOffset: t.start),
                                message: (unsupported ? "unsupported: " : "corrupt Parquet data: ")
                                    + "column '\(t.leaf.name)', row group \(t.group): \(detail)",
                                kind: unsupported ? .unsupported : .malformed)
            }
        }.map(Optional.some)

        // Concatenate each column's pieces in row-group order.
        var columns: [Column] = []
        for (c, leaf) in leaves.enumerated() {
            var parts: [ParquetPiece] = []
            for g in groups.indices {
                let k = g * leaves.count + c
                if let p = pieces[k] { parts.append(p) }
                pieces[k] = nil  // free each piece once it is taken
            }
            columns.append(assemble(leaf.name, &parts, limit: options.limit))
        }
        let frame = try Frame(columns: columns)
        report.rowsRead = frame.rowCount
        report.bytesRead = file.size
        return (frame, report)
    }

    /// The file's metadata, from its footer: `<metadata> <length: u32 LE> PAR1`.
    static func readMetadata(_ file: InputFile) throws -> ParquetFileMetaData {
        guard file.size >= 12 else {
            throw FileError(path: file.path, message: "not a Parquet file: only \(file.size) bytes")
        }
        let head = try file.readBytes(at: 0, count: 4)
        let tail = try file.readBytes(at: file.size - 8, count: 8)
        if Array(tail[4...]) == Array("PARE".utf8) {
            throw FileError(path: file.path, message: "unsupported: the file is encrypted", kind: .unsupported)
        }
        guard head == Array("PAR1".utf8), Array(tail[4...]) == Array("PAR1".utf8) else {
            throw FileError(path: file.path, message: "not a Parquet file: it does not start and end with 'PAR1'")
        }
        let length = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24
        guard length > 0, length <= file.size - 12 else {
            throw FileError(path: file.path, message: "corrupt Parquet footer: metadata length \(length) does not fit the file")
        }
        let bytes = try file.readBytes(at: file.size - 8 - length, count: length)
        do throws(ThriftError) {
            return try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(ThriftError) in
                var reader = ThriftReader(b)
                return try ParquetFileMetaData.decode(&reader)
            }
        } catch {
            throw FileError(path: file.path, position: FilePosition(byteOffset: file.size - 8 - length),
                            message: "corrupt Parquet footer: \(error.message)")
        }
    }

    /// Joins one column's pieces, reserving the exact size first and freeing
    /// each piece once copied, so the column is never held twice.
    private static func assemble(_ name: String, _ parts: inout [ParquetPiece], limit: Int?) -> Column {
        let total = parts.reduce(0) { $0 + $1.values.count }
        let rows = min(total, limit ?? total)
        var valid: [Bool]? = nil
        if parts.contains(where: { $0.valid != nil }) {
            var v: [Bool] = []
            v.reserveCapacity(total)
            for p in parts { v.append(contentsOf: p.valid ?? Array(repeating: true, count: p.values.count)) }
            v.removeLast(total - rows)
            valid = v.contains(false) ? v : nil
        }
        func take(_ i: Int) -> ParquetValues {
            let values = parts[i].values
            parts[i] = ParquetPiece(values: .ints([]), valid: nil)
            return values
        }
        let storage: ColumnStorage
        switch parts.first?.values {
        case .ints?:
            var all: [Int64] = []
            all.reserveCapacity(total)
            for i in parts.indices { if case .ints(let v) = take(i) { all.append(contentsOf: v) } }
            all.removeLast(total - rows)
            storage = .int64(all)
        case .doubles?:
            var all: [Double] = []
            all.reserveCapacity(total)
            for i in parts.indices { if case .doubles(let v) = take(i) { all.append(contentsOf: v) } }
            all.removeLast(total - rows)
            storage = .double(all)
        case .bools?:
            var all: [Bool] = []
            all.reserveCapacity(total)
            for i in parts.indices { if case .bools(let v) = take(i) { all.append(contentsOf: v) } }
            all.removeLast(total - rows)
            storage = .bool(all)
        case .strings?:
            var all = StringColumn()
            let bytes = parts.reduce(0) { if case .strings(let s) = $1.values { $0 + s.bytes.count } else { $0 } }
            all.reserve(rows: total, bytes: bytes)
            for i in parts.indices { if case .strings(let s) = take(i) { all.appendAllRows(of: s) } }
            all.truncateRows(to: rows)
            storage = .string(all)
        case nil:
            storage = .string(StringColumn())
        }
        return Column(name: name, storage: storage, valid: valid)
    }
}
