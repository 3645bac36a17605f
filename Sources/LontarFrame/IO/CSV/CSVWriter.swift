/// Writes frames as CSV (RFC 4180): a header row, then one record per row,
/// separated by `,` and ended by `\n`.
///
/// A field is quoted (`"…"`, with `"` doubled) when it holds a comma, a quote,
/// a line feed or a carriage return. Nulls are empty fields; an empty string
/// is written `""` (as Spark writes it; note that Spark's reader, and Lontar's,
/// read both back as null). Doubles use the same shortest text as the JSON
/// writer; booleans are `true`/`false`. CSV has no arrays, so an
/// `array<string>` column is an error.
enum CSVWriter {
    static func write(_ frame: Frame, to out: AtomicFileWriter) throws {
        for column in frame.columns {
            if case .stringList = column.storage {
                throw FileError(path: out.path, message:
                    "column '\(column.name)' is array<string>, which CSV cannot hold; write JSON Lines, or join the lists into strings first",
                    kind: .usage)
            }
        }
        out.withBuffer { buf in
            for (i, column) in frame.columns.enumerated() {
                if i > 0 { buf.append(0x2C) }
                appendCSVField(Array(column.name.utf8), to: &buf)
            }
            buf.append(0x0A)
        }
        for row in 0 ..< frame.rowCount {
            out.withBuffer { buf in
                for (i, column) in frame.columns.enumerated() {
                    if i > 0 { buf.append(0x2C) }
                    if column.isNull(row) { continue }
                    switch column.storage {
                    case .int64(let v): appendDecimal(v[row], to: &buf)
                    case .double(let v): buf.append(contentsOf: pythonFloatText(v[row]).utf8)
                    case .bool(let v): buf.append(contentsOf: v[row] ? Array("true".utf8) : Array("false".utf8))
                    case .string(let s): s.withBytes(row) { appendCSVField($0, to: &buf) }
                    case .stringList: break
                    }
                }
                buf.append(0x0A)
            }
            try out.flushIfFull()
        }
    }
}

/// Appends a text field, quoted only when it must be (or when empty, so an
/// empty string differs from a null in the file).
func appendCSVField(_ bytes: UnsafeBufferPointer<UInt8>, to buf: inout [UInt8]) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else {
        buf.append(contentsOf: [0x22, 0x22])
        return
    }
    let n = bytes.count
    let needsQuotes = indexOfEither(0x2C, 0x22, base, from: 0, to: n) < n
        || indexOfEither(0x0A, 0x0D, base, from: 0, to: n) < n
    guard needsQuotes else {
        buf.append(contentsOf: bytes)
        return
    }
    buf.append(0x22)
    // Copy up to and including each quote, then write it a second time.
    var start = 0
    while start < n {
        let q = indexOfByte(0x22, base, from: start, to: n)
        if q == n {
            buf.append(contentsOf: UnsafeBufferPointer(start: base + start, count: n - start))
            break
        }
        buf.append(contentsOf: UnsafeBufferPointer(start: base + start, count: q + 1 - start))
        buf.append(0x22)
        start = q + 1
    }
    buf.append(0x22)
}

func appendCSVField(_ bytes: [UInt8], to buf: inout [UInt8]) {
    bytes.withUnsafeBufferPointer { appendCSVField($0, to: &buf) }
}
