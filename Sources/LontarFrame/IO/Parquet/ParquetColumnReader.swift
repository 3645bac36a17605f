/// Reads one column chunk (one column of one row group) into Lontar values:
/// walks its pages, decompresses them, decodes definition levels and values.

/// A flat leaf column as Lontar reads it.
struct ParquetLeaf: Sendable {
    var name: String
    var conversion: ParquetConversion
    /// 0 for REQUIRED columns, 1 for OPTIONAL ones (nulls allowed).
    var maxDefinitionLevel: Int
    /// Position among the file's leaf columns (the column chunk's index).
    var leafIndex: Int
}

/// One row group's worth of one column.
struct ParquetPiece: Sendable {
    var values: ParquetValues
    var valid: [Bool]?
}

struct ParquetColumnReader {
    let leaf: ParquetLeaf
    let codec: ParquetCodec

    private func fail(_ message: String) -> ParquetDecodeError {
        ParquetDecodeError(message: message)
    }

    /// Decodes the chunk's `bytes` (from its first page to its end), which
    /// must hold `rows` values. `sizeHint`, the chunk's uncompressed size,
    /// sizes the text buffer of a string column up front.
    func read(_ bytes: UnsafeBufferPointer<UInt8>, rows: Int, sizeHint: Int = 0) throws(ParquetDecodeError) -> ParquetPiece {
        let decoder = ParquetValueDecoder(conversion: leaf.conversion, column: leaf.name)
        var out = leaf.conversion.emptyValues()
        reserve(&out, rows: rows, bytes: min(sizeHint, bytes.count * 64))
        var valid: [Bool]? = nil
        var dictionary: ParquetValues?
        var pageBuffer: [UInt8] = []
        var pos = 0
        var valuesRead = 0
        while valuesRead < rows {
            guard pos < bytes.count else {
                throw fail("the column chunk ends after \(valuesRead) of its \(rows) values")
            }
            var reader = ThriftReader(bytes, at: pos)
            let header: ParquetPageHeader
            do throws(ThriftError) {
                header = try ParquetPageHeader.decode(&reader)
            } catch {
                throw fail("corrupt page header: \(error.message)")
            }
            pos = reader.pos
            let size = Int(header.compressedSize)
            guard size >= 0, size <= bytes.count - pos, header.uncompressedSize >= 0 else {
                throw fail("a page of \(size) bytes runs past the column chunk")
            }
            let body = UnsafeBufferPointer(rebasing: bytes[pos ..< pos + size])
            pos += size
            let isData = header.type == ParquetPageType.dataPage.rawValue || header.type == ParquetPageType.dataPageV2.rawValue
            if isData && (header.numValues < 0 || Int(header.numValues) > rows - valuesRead) {
                throw fail("a data page holds \(header.numValues) values, but only \(rows - valuesRead) rows remain in the row group")
            }
            switch ParquetPageType(rawValue: header.type) {
            case .dictionaryPage:
                guard header.dictionaryEncoding == ParquetEncoding.plain.rawValue
                    || header.dictionaryEncoding == ParquetEncoding.plainDictionary.rawValue else {
                    throw unsupportedEncoding(header.dictionaryEncoding, "dictionary page")
                }
                var dict = leaf.conversion.emptyValues()
                try withDecompressed(body, size: Int(header.uncompressedSize), buffer: &pageBuffer) { (d: UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) in
                    _ = try decoder.plain(d, start: 0, count: Int(header.dictionaryNumValues), into: &dict)
                }
                dictionary = dict
            case .dataPage:
                try withDecompressed(body, size: Int(header.uncompressedSize), buffer: &pageBuffer) { (d: UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) in
                    var start = 0
                    var levels: [Bool]? = nil
                    if leaf.maxDefinitionLevel > 0 {
                        guard header.definitionLevelEncoding == ParquetEncoding.rle.rawValue else {
                            throw unsupportedEncoding(header.definitionLevelEncoding, "definition levels")
                        }
                        guard d.count >= 4 else { throw fail("definition levels are cut off") }
                        let len = Int(UInt32(littleEndian: UnsafeRawPointer(d.baseAddress!).loadUnaligned(as: UInt32.self)))
                        guard len <= d.count - 4 else { throw fail("definition levels run past the page") }
                        levels = try definitionLevels(UnsafeBufferPointer(rebasing: d[4 ..< 4 + len]), count: Int(header.numValues))
                        start = 4 + len
                    }
                    try appendPage(d, start: start, count: Int(header.numValues), encoding: header.encoding,
                                   levels: levels, dictionary: dictionary, decoder: decoder, out: &out, valid: &valid)
                }
            case .dataPageV2:
                let repLen = Int(header.repetitionLevelsByteLength)
                let defLen = Int(header.definitionLevelsByteLength)
                guard repLen >= 0, defLen >= 0, repLen + defLen <= body.count else {
                    throw fail("levels of a v2 data page run past the page")
                }
                if repLen > 0 { throw fail("repetition levels in a flat column") }
                var levels: [Bool]? = nil
                if leaf.maxDefinitionLevel > 0 {
                    levels = try definitionLevels(UnsafeBufferPointer(rebasing: body[repLen ..< repLen + defLen]),
                                                  count: Int(header.numValues))
                }
                let valuesPart = UnsafeBufferPointer(rebasing: body[(repLen + defLen)...])
                let expected = Int(header.uncompressedSize) - repLen - defLen
                try withDecompressed(valuesPart, size: expected, compressed: header.isCompressed,
                                     buffer: &pageBuffer) { (d: UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) in
                    try appendPage(d, start: 0, count: Int(header.numValues), encoding: header.encoding,
                                   levels: levels, dictionary: dictionary, decoder: decoder, out: &out, valid: &valid)
                }
            case .indexPage:
                continue
            case nil:
                throw fail("unknown page type \(header.type)")
            }
            if isData { valuesRead += Int(header.numValues) }
        }
        guard out.count == rows else {
            throw fail("the column chunk holds \(out.count) values, but its row group has \(rows) rows")
        }
        return ParquetPiece(values: out, valid: valid)
    }

    private func reserve(_ out: inout ParquetValues, rows: Int, bytes: Int) {
        switch out {
        case .ints(var v): out = .ints([]); v.reserveCapacity(rows); out = .ints(v)
        case .doubles(var v): out = .doubles([]); v.reserveCapacity(rows); out = .doubles(v)
        case .bools(var v): out = .bools([]); v.reserveCapacity(rows); out = .bools(v)
        case .strings(var s):
            out = .strings(StringColumn())
            s.reserve(rows: rows, bytes: max(0, bytes - 4 * rows))  // PLAIN text is 4 length bytes + the string
            out = .strings(s)
        }
    }

    /// Definition levels (bit width 1 for a flat optional column) as validity.
    private func definitionLevels(_ data: UnsafeBufferPointer<UInt8>, count: Int) throws(ParquetDecodeError) -> [Bool] {
        var levels = [Bool](repeating: false, count: count)
        var bad = false
        var decoder = RLEHybridDecoder(data, bitWidth: 1)
        try decoder.decode(count: count) { i, level in
            if level > 1 { bad = true }
            levels[i] = level == 1
        }
        if bad { throw fail("definition level above the column's maximum") }
        return levels
    }

    /// Decodes one data page's values and appends them, with nulls where the
    /// definition levels say so.
    private func appendPage(_ data: UnsafeBufferPointer<UInt8>, start: Int, count: Int, encoding: Int32,
                            levels: [Bool]?, dictionary: ParquetValues?, decoder: ParquetValueDecoder,
                            out: inout ParquetValues, valid: inout [Bool]?) throws(ParquetDecodeError) {
        let present = levels.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? count
        let hasNulls = present < count
        if hasNulls && valid == nil { valid = Array(repeating: true, count: out.count) }
        // Pages without nulls decode straight into the column; others decode
        // densely, then spread out around the nulls.
        var dense = hasNulls ? leaf.conversion.emptyValues() : out
        if !hasNulls { out = leaf.conversion.emptyValues() }
        switch ParquetEncoding(rawValue: encoding) {
        case .plain:
            try decoder.plain(data, start: start, count: present, into: &dense)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw fail("dictionary-encoded page without a dictionary page") }
            try decoder.dictionaryIndices(data, start: start, count: present, dictionary: dictionary, into: &dense)
        case .deltaBinaryPacked:
            try decoder.deltaBinaryPacked(data, start: start, count: present, into: &dense)
        case .deltaLengthByteArray:
            try decoder.deltaLengthByteArray(data, start: start, count: present, into: &dense)
        case .deltaByteArray:
            try decoder.deltaByteArray(data, start: start, count: present, into: &dense)
        case .byteStreamSplit:
            try decoder.byteStreamSplit(data, start: start, count: present, into: &dense)
        case .rle where leaf.conversion.isBoolean:
            try decoder.rleBooleans(data, start: start, count: present, into: &dense)
        default:
            throw unsupportedEncoding(encoding, "values")
        }
        guard hasNulls, let levels else {
            out = dense
            valid?.append(contentsOf: repeatElement(true, count: count))
            return
        }
        valid?.append(contentsOf: levels)
        spread(dense, levels: levels, into: &out)
    }

    /// Appends `dense` values at the `true` positions of `levels`, and
    /// placeholders at the others.
    private func spread(_ dense: ParquetValues, levels: [Bool], into out: inout ParquetValues) {
        var k = 0
        switch (dense, out) {
        case (.ints(let d), .ints(var v)):
            out = .ints([])
            for l in levels { if l { v.append(d[k]); k += 1 } else { v.append(0) } }
            out = .ints(v)
        case (.doubles(let d), .doubles(var v)):
            out = .doubles([])
            for l in levels { if l { v.append(d[k]); k += 1 } else { v.append(0) } }
            out = .doubles(v)
        case (.bools(let d), .bools(var v)):
            out = .bools([])
            for l in levels { if l { v.append(d[k]); k += 1 } else { v.append(false) } }
            out = .bools(v)
        case (.strings(let d), .strings(var s)):
            out = .strings(StringColumn())
            d.bytes.withUnsafeBufferPointer { bytes in
                for l in levels {
                    if l {
                        s.append(bytes: UnsafeBufferPointer(rebasing: bytes[d.offsets[k] ..< d.offsets[k + 1]]))
                        k += 1
                    } else {
                        s.appendNullPlaceholders()
                    }
                }
            }
            out = .strings(s)
        default:
            assertionFailure("mismatched value kinds")
        }
    }

    /// Calls `body` with the page's uncompressed bytes: the page itself when
    /// it is not compressed, else `buffer` (reused from page to page).
    private func withDecompressed<R>(_ page: UnsafeBufferPointer<UInt8>, size: Int, compressed: Bool = true,
                                     buffer: inout [UInt8],
                                     _ body: (UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) -> R) throws(ParquetDecodeError) -> R {
        if codec == .uncompressed || !compressed {
            guard page.count == size else { throw fail("uncompressed page of \(page.count) bytes, its header says \(size)") }
            return try body(page)
        }
        guard codec == .snappy else { throw fail("unsupported: compression \(codec.name)") }
        do throws(Snappy.Failure) {
            try Snappy.decompress(page, expectedLength: size, into: &buffer)
        } catch {
            throw fail("corrupt snappy page: \(error.message)")
        }
        return try buffer.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(ParquetDecodeError) -> R in
            try body(UnsafeBufferPointer(rebasing: b[0 ..< size]))
        }
    }

    private func unsupportedEncoding(_ raw: Int32, _ what: String) -> ParquetDecodeError {
        ParquetDecodeError(message: "unsupported: \(what) encoded with \(ParquetEncoding.name(raw))")
    }
}
