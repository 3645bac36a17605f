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
    var needsQuotes = bytes.isEmpty
    var quotes = 0
    for b in bytes where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
        needsQuotes = true
        if b == 0x22 { quotes += 1 }
    }
    guard needsQuotes else {
        buf.append(contentsOf: bytes)
        return
    }
    buf.append(0x22)
    if quotes == 0 {
        buf.append(contentsOf: bytes)
    } else {
        for b in bytes {
            if b == 0x22 { buf.append(0x22) }
            buf.append(b)
        }
    }
    buf.append(0x22)
}

func appendCSVField(_ bytes: [UInt8], to buf: inout [UInt8]) {
    bytes.withUnsafeBufferPointer { appendCSVField($0, to: &buf) }
}
