/// RFC 4180 record scanning for CSV: fields separated by `,`, records ended by
/// a line feed (a `\r` before it is dropped), fields optionally in double
/// quotes, inside which `""` is a quote and commas and line breaks are text.
///
/// Lenient where Spark is: a quote inside an unquoted field is an ordinary
/// character (`5'10"`). Strict where RFC 4180 is: text after a closing quote
/// (`"a"b`) is an error. `CSVBoundary` follows exactly the same states, so
/// blocks split for parallel parsing always end where the parser ends a record.

/// One field of a record: either bytes of the block, or (for quoted fields
/// with `""` in them) bytes of the scratch buffer.
struct CSVField {
    var start: Int
    var end: Int
    var inScratch: Bool
    var quoted: Bool
    /// Where the field's text sits in the block (inside the quotes, `""` undecoded).
    var rawStart: Int
    var rawEnd: Int
}

/// A problem in a record, at a byte of the block.
struct CSVRecordError {
    var offset: Int
    var line: Int
    /// 1-based field number, when the problem is in one field.
    var field: Int?
    var message: String
}

struct CSVScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos: Int
    /// Line feeds passed so far (0-based line of `pos` within the block).
    var line = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>, start: Int = 0) {
        base = buffer.baseAddress ?? jsonEmptyLine
        end = buffer.count
        pos = start
    }

    var atEnd: Bool { pos >= end }

    /// True (and past it) if the cursor is at an empty line, which is not a
    /// record (Spark skips blank lines).
    mutating func skipBlankLine() -> Bool {
        if pos < end && base[pos] == 0x0A { pos += 1; line += 1; return true }
        if pos + 1 < end && base[pos] == 0x0D && base[pos + 1] == 0x0A { pos += 2; line += 1; return true }
        if pos + 1 == end && base[pos] == 0x0D { pos += 1; return true }
        return false
    }

    /// Reads one record into `fields` (decoding `""` into `scratch`), leaving
    /// the cursor at the next record. Returns the first error in the record, if
    /// any; the record is still read to its end so the next one starts right.
    mutating func readRecord(into fields: inout [CSVField], scratch: inout [UInt8]) -> CSVRecordError? {
        fields.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        var error: CSVRecordError?
        while true {
            let fieldNumber = fields.count + 1
            if pos < end && base[pos] == 0x22 {
                let open = pos
                let openLine = line
                pos += 1
                var segment = pos
                var field = CSVField(start: pos, end: pos, inScratch: false, quoted: true, rawStart: pos, rawEnd: pos)
                var closed = false
                while pos < end {
                    // Jump to the next quote, counting the line feeds passed.
                    let q = indexOfByte(0x22, base, from: pos, to: end)
                    line += countOfByte(0x0A, base, from: pos, to: q)
                    pos = q
                    if pos >= end { break }
                    if pos + 1 < end && base[pos + 1] == 0x22 {
                        // "" inside quotes: one quote. Move the field to scratch.
                        if !field.inScratch {
                            field.inScratch = true
                            field.start = scratch.count
                        }
                        scratch.append(contentsOf: UnsafeBufferPointer(start: base + segment, count: pos + 1 - segment))
                        pos += 2
                        segment = pos
                        continue
                    }
                    closed = true
                    break
                }
                if field.inScratch {
                    scratch.append(contentsOf: UnsafeBufferPointer(start: base + segment, count: pos - segment))
                    field.end = scratch.count
                } else {
                    field.end = pos
                }
                field.rawEnd = pos
                fields.append(field)
                if !closed {
                    if error == nil {
                        error = CSVRecordError(offset: open, line: openLine, field: fieldNumber,
                                               message: "unterminated quoted field (its opening quote is never closed)")
                    }
                    return error
                }
                pos += 1  // past the closing quote
                if pos < end {
                    let b = base[pos]
                    let crlf = b == 0x0D && (pos + 1 == end || base[pos + 1] == 0x0A)
                    if b != 0x2C && b != 0x0A && !crlf {
                        if error == nil {
                            error = CSVRecordError(offset: pos, line: line, field: fieldNumber, message:
                                "unexpected \(describeByte(b)) after the closing quote of field \(fieldNumber); a quote inside a quoted field must be doubled (\"\")")
                        }
                        skipUnquoted()
                    } else if crlf {
                        pos += 1
                    }
                }
            } else {
                let start = pos
                skipUnquoted()
                var stop = pos
                if stop > start && base[stop - 1] == 0x0D && (stop == end || base[stop] == 0x0A) { stop -= 1 }
                fields.append(CSVField(start: start, end: stop, inScratch: false, quoted: false, rawStart: start, rawEnd: stop))
            }
            // At a delimiter, the end of the line, or the end of the block.
            if pos >= end { return error }
            if base[pos] == 0x2C {
                pos += 1
                if pos >= end {
                    fields.append(CSVField(start: pos, end: pos, inScratch: false, quoted: false, rawStart: pos, rawEnd: pos))
                    return error
                }
                continue
            }
            // base[pos] == '\n' (or '\r' at the very end).
            if base[pos] == 0x0A { line += 1 }
            pos += 1
            return error
        }
    }

    /// Moves to the next `,` or line feed (or the end).
    @inline(__always)
    private mutating func skipUnquoted() {
        pos = indexOfEither(0x2C, 0x0A, base, from: pos, to: end)
    }
}

/// Finds record boundaries for `BlockReader` with the scanner's own states,
/// so a line feed inside quotes never splits a block.
struct CSVBoundary: RecordBoundaryFinder {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    private var state = State.fieldStart
    private var scanned = 0
    private var last: Int?

    mutating func lastBoundary(in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = buffer.baseAddress else { return last }
        var s = state
        var i = scanned
        let n = buffer.count
        while i < n {
            switch s {
            case .fieldStart:
                let b = base[i]
                if b == 0x22 { s = .quoted } else if b == 0x0A { last = i + 1 } else if b != 0x2C { s = .unquoted }
                i += 1
            case .unquoted:
                // Only a comma or a line feed ends an unquoted field.
                i = indexOfEither(0x2C, 0x0A, base, from: i, to: n)
                if i < n {
                    if base[i] == 0x0A { last = i + 1 }
                    s = .fieldStart
                    i += 1
                }
            case .quoted:
                i = indexOfByte(0x22, base, from: i, to: n)
                if i < n {
                    s = .quoteInQuoted
                    i += 1
                }
            case .quoteInQuoted:
                let b = base[i]
                if b == 0x22 { s = .quoted } else if b == 0x2C { s = .fieldStart }
                else if b == 0x0A { s = .fieldStart; last = i + 1 } else { s = .unquoted }
                i += 1
            }
        }
        state = s
        scanned = n
        return last
    }

    mutating func reset() {
        state = .fieldStart
        scanned = 0
        last = nil
    }
}
