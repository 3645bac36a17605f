/// Writes frames as JSON Lines: one compact object per row,
/// `{"id":1,"input":"…"}`, keys in column order.
///
/// The text is exactly what Python's
/// `json.dumps(row, ensure_ascii=False, separators=(",", ":"))` writes
/// (the tests check it against Python):
/// - strings: `"` and `\` are escaped, as are control characters (`\b \f \n
///   \r \t`, others `\u00XX` in lowercase hex); everything else, non-ASCII
///   included, is written as UTF-8;
/// - doubles: the shortest text that reads back to the same double (`1.0`,
///   `0.1`, `1e+16`), `NaN`, `Infinity`, `-Infinity`;
/// - nulls are written as `null` (Spark leaves the key out; writing it keeps
///   every column in every row);
/// - `array<string>` columns are JSON arrays of strings.
///
/// Reading the file back gives the same frame, except that a column whose
/// every value is null reads back as a string column, and an `array<string>`
/// column reads back as its JSON text (see `JSONLinesReader`).
enum JSONLinesWriter {
    static func write(_ frame: Frame, to out: AtomicFileWriter) throws {
        let keys: [[UInt8]] = frame.columns.enumerated().map { i, c in
            var k: [UInt8] = i == 0 ? [0x7B] : [0x2C]
            appendJSONString(Array(c.name.utf8), to: &k)
            k.append(0x3A)
            return k
        }
        for row in 0 ..< frame.rowCount {
            out.withBuffer { buf in
                if frame.columns.isEmpty { buf.append(0x7B) }
                for (i, column) in frame.columns.enumerated() {
                    buf.append(contentsOf: keys[i])
                    appendJSONValue(column, row, to: &buf)
                }
                buf.append(0x7D)
                buf.append(0x0A)
            }
            try out.flushIfFull()
        }
    }

    static func appendJSONValue(_ column: Column, _ row: Int, to buf: inout [UInt8]) {
        if column.isNull(row) {
            buf.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // null
            return
        }
        switch column.storage {
        case .int64(let v): appendDecimal(v[row], to: &buf)
        case .double(let v): buf.append(contentsOf: pythonFloatText(v[row]).utf8)
        case .bool(let v): buf.append(contentsOf: v[row] ? Array("true".utf8) : Array("false".utf8))
        case .string(let s): s.withBytes(row) { appendJSONString($0, to: &buf) }
        case .stringList(let l):
            buf.append(0x5B)
            for e in l.rowOffsets[row] ..< l.rowOffsets[row + 1] {
                if e > l.rowOffsets[row] { buf.append(0x2C) }
                l.elements.withBytes(e) { appendJSONString($0, to: &buf) }
            }
            buf.append(0x5D)
        }
    }
}

/// Appends `bytes` (valid UTF-8) as a quoted JSON string, escaping as
/// Python's json module does with `ensure_ascii=False`. Runs that need no
/// escaping (almost all text) are found eight bytes at a time and copied whole.
func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>, to buf: inout [UInt8]) {
    buf.append(0x22)
    guard let base = bytes.baseAddress else {
        buf.append(0x22)
        return
    }
    let n = bytes.count
    var runStart = 0
    var i = 0
    while i < n {
        #if _endian(little)
        while i + 8 <= n {
            let m = JSONScanner.specialBytes(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                & ~(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))  // non-ASCII needs no escape here
            if m != 0 {
                i += m.trailingZeroBitCount >> 3
                break
            }
            i += 8
        }
        #endif
        while i < n {
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { break }
            i += 1
        }
        if i >= n { break }
        let b = base[i]
        if i > runStart { buf.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
        switch b {
        case 0x22: buf.append(0x5C); buf.append(0x22)
        case 0x5C: buf.append(0x5C); buf.append(0x5C)
        case 0x0A: buf.append(0x5C); buf.append(0x6E)
        case 0x0D: buf.append(0x5C); buf.append(0x72)
        case 0x09: buf.append(0x5C); buf.append(0x74)
        case 0x08: buf.append(0x5C); buf.append(0x62)
        case 0x0C: buf.append(0x5C); buf.append(0x66)
        default:
            let hex: StaticString = "0123456789abcdef"
            buf.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex.utf8Start[Int(b >> 4)], hex.utf8Start[Int(b & 15)]])
        }
        i += 1
        runStart = i
    }
    if n > runStart { buf.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart)) }
    buf.append(0x22)
}

func appendJSONString(_ bytes: [UInt8], to buf: inout [UInt8]) {
    bytes.withUnsafeBufferPointer { appendJSONString($0, to: &buf) }
}
