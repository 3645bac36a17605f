#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error inside a block, before it is placed in the file.
struct LocalIssue: Sendable {
    /// 0-based line within the block.
    var line: Int
    /// 1-based character column within the line (JSON), or field number (CSV).
    var column: Int?
    /// Byte offset within the block.
    var offset: Int
    var message: String
}

/// What one block of a JSON Lines file parsed to.
struct JSONBlockResult: Sendable {
    var columns: [JSONColumnBuilder] = []
    var rows = 0
    /// Lines looked at (a failure stops the count at the failing line).
    var lines = 0
    var skipped = 0
    var issues: [LocalIssue] = []
    /// In `.fail` mode, the first error; parsing stopped there.
    var failure: LocalIssue?
    var loneSurrogates = 0
}

/// A value parsed from a record, held until the whole record has parsed, so
/// a malformed record leaves no trace in the columns (nor in their types).
private enum PendingValue {
    case null
    case int(Int64, negativeZero: Bool)
    case double(Double, start: Int, end: Int)  // text in the line
    case bool(Bool)
    case decoded(start: Int, end: Int)         // in the row's scratch buffer
    case direct(start: Int)                    // already in the column's text, from `start`
    case json(start: Int, end: Int)            // a nested value's text in the line
}

/// Parses the records of one block into column builders. One parser per
/// block; blocks run on different threads and merge afterwards.
struct JSONBlockParser {
    let selection: Set<String>?
    let policy: ErrorPolicy
    let maxIssues: Int

    private var result = JSONBlockResult()
    private var lookup: [[UInt8]: Int] = [:]
    /// The builder of each field of the previous record, to guess the next
    /// record's keys without hashing (JSON Lines files repeat their key order).
    private var previousKeys: [Int] = []
    private var currentKeys: [Int] = []
    /// Per builder: the record number that last set it (catches duplicate keys).
    private var stamp: [Int] = []
    private var recordNumber = 0
    private var pending: [(Int, PendingValue)] = []
    private var scratch: [UInt8] = []
    private var keyBytes: [UInt8] = []
    /// Per builder, copies of what the hot loop asks about (reading them
    /// through `result.columns[b]` made Swift copy whole builders).
    private var keys: [[UInt8]] = []
    private var selected: [Bool] = []
    private var takesText: [Bool] = []
    /// Per builder, its row count (to pad the columns a record lacks).
    private var counts: [Int] = []

    /// `reuse`: emptied builders from an earlier block, whose buffers (and
    /// keys) this block starts with.
    init(selection: Set<String>?, policy: ErrorPolicy, maxIssues: Int, reuse: [JSONColumnBuilder] = []) {
        self.selection = selection
        self.policy = policy
        self.maxIssues = maxIssues
        result.columns = reuse
        for (i, b) in reuse.enumerated() {
            lookup[b.key] = i
            keys.append(b.key)
            selected.append(b.selected)
            takesText.append(b.takesTextDirectly)
            counts.append(b.count)
        }
        stamp = Array(repeating: 0, count: reuse.count)
    }

    /// Parses `bytes` (whole lines), stopping after `rowCap` records.
    consuming func parse(_ bytes: UnsafeBufferPointer<UInt8>, rowCap: Int?) -> JSONBlockResult {
        guard let base = bytes.baseAddress else { return result }
        let n = bytes.count
        var lineStart = 0
        while lineStart < n {
            if let cap = rowCap, result.rows >= cap { break }
            let nl = memchr(base + lineStart, 0x0A, n - lineStart)
            let lineEnd = nl.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? n
            let line = UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
            do {
                try parseRecord(line)
            } catch {
                let column = scalarCount(UnsafeBufferPointer(rebasing: line[0 ..< min(error.offset, line.count)])) + 1
                let issue = LocalIssue(line: result.lines, column: column, offset: lineStart + error.offset,
                                       message: error.message)
                if policy == .fail {
                    result.failure = issue
                    break
                }
                result.skipped += 1
                if result.issues.count < maxIssues { result.issues.append(issue) }
            }
            result.lines += 1
            lineStart = lineEnd + 1
        }
        return result
    }

    /// Parses one line; commits its values only if all of it is valid.
    private mutating func parseRecord(_ line: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        var sc = JSONScanner(line)
        sc.skipWhitespace()
        if sc.atEnd { return }  // blank lines are not records (as in Spark)
        guard sc.current == 0x7B else {
            var message = "expected '{' to start a record (JSON Lines holds one object per line), found \(describeByte(sc.current))"
            if sc.current == 0x5B {
                message += "; a file holding one JSON array must be converted first, e.g. with jq -c '.[]'"
            }
            throw sc.error(message)
        }
        sc.pos += 1
        recordNumber += 1
        pending.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        currentKeys.removeAll(keepingCapacity: true)
        let buildersBefore = result.columns.count
        do throws(JSONSyntaxError) {
            sc.skipWhitespace()
            if !sc.atEnd && sc.current == 0x7D {
                sc.pos += 1
            } else {
                try parseFields(&sc)
            }
            sc.skipWhitespace()
            if !sc.atEnd {
                throw sc.error("unexpected \(describeByte(sc.current)) after the record's closing '}'")
            }
        } catch {
            for case let (b, .direct(start)) in pending { result.columns[b].dropText(from: start) }
            removeBuilders(from: buildersBefore)
            throw error
        }
        result.loneSurrogates += sc.loneSurrogates
        commit(line)
        swap(&previousKeys, &currentKeys)
    }

    private mutating func parseFields(_ sc: inout JSONScanner) throws(JSONSyntaxError) {
        while true {
            sc.skipWhitespace()
            guard !sc.atEnd, sc.current == 0x22 else { throw sc.unexpected("'\"' to start a key") }
            let keyAt = sc.pos
            keyBytes.removeAll(keepingCapacity: true)
            try sc.readString(into: &keyBytes)
            let b = builderIndex(field: currentKeys.count)
            if stamp[b] == recordNumber {
                throw sc.error("duplicate key \"\(result.columns[b].name)\" in a record", at: keyAt)
            }
            stamp[b] = recordNumber
            currentKeys.append(b)
            sc.skipWhitespace()
            try sc.expect(0x3A, "':' after a key")
            sc.skipWhitespace()
            if takesText[b] && !sc.atEnd && sc.current == 0x22 {
                // The common case: a string for a string column, decoded in place.
                let start = result.columns[b].strings.bytes.count
                pending.append((b, .direct(start: start)))
                try sc.readString(into: &result.columns[b].strings.bytes)
            } else if selected[b] {
                pending.append((b, try parseValue(&sc)))
            } else {
                try sc.skipValue(depth: 1)
            }
            sc.skipWhitespace()
            guard !sc.atEnd else { throw sc.unexpected("',' or '}' after a value") }
            if sc.current == 0x2C { sc.pos += 1; continue }
            if sc.current == 0x7D { sc.pos += 1; return }
            throw sc.unexpected("',' or '}' after a value")
        }
    }

    private mutating func parseValue(_ sc: inout JSONScanner) throws(JSONSyntaxError) -> PendingValue {
        guard !sc.atEnd else { throw sc.unexpected("a value") }
        let start = sc.pos
        switch sc.current {
        case 0x22:
            let s = scratch.count
            try sc.readString(into: &scratch)
            return .decoded(start: s, end: scratch.count)
        case 0x2D, 0x30 ... 0x39:
            let num = try sc.readNumber()
            if num.isInteger { return .int(num.int, negativeZero: num.negativeZero) }
            return .double(num.double, start: num.start, end: num.end)
        case 0x7B, 0x5B:
            try sc.skipValue(depth: 1)
            return .json(start: start, end: sc.pos)
        default:
            if sc.matchLiteral("null") { return .null }
            if sc.matchLiteral("true") { return .bool(true) }
            if sc.matchLiteral("false") { return .bool(false) }
            if sc.matchLiteral("NaN") { return .double(.nan, start: start, end: sc.pos) }
            if sc.matchLiteral("Infinity") { return .double(.infinity, start: start, end: sc.pos) }
            throw sc.unexpected("a value (string, number, object, array, true, false or null)")
        }
    }

    /// The builder for the key in `keyBytes`, the `field`-th key of the record.
    private mutating func builderIndex(field: Int) -> Int {
        if field < previousKeys.count {
            let guess = previousKeys[field]
            if keys[guess] == keyBytes { return guess }
        }
        if let b = lookup[keyBytes] { return b }
        let name = String(decoding: keyBytes, as: UTF8.self)
        let selected = selection?.contains(name) ?? true
        result.columns.append(JSONColumnBuilder(name: name, key: keyBytes, selected: selected, nulls: result.rows))
        stamp.append(0)
        keys.append(keyBytes)
        self.selected.append(selected)
        takesText.append(false)
        counts.append(result.rows)
        lookup[keyBytes] = result.columns.count - 1
        return result.columns.count - 1
    }

    /// Forgets builders a malformed record created.
    private mutating func removeBuilders(from start: Int) {
        while result.columns.count > start {
            let b = result.columns.removeLast()
            lookup[b.key] = nil
            stamp.removeLast()
            keys.removeLast()
            selected.removeLast()
            takesText.removeLast()
            counts.removeLast()
        }
    }

    /// Appends the record's values, and a null to every column it lacks.
    private mutating func commit(_ line: UnsafeBufferPointer<UInt8>) {
        let rows = result.rows + 1
        scratch.withUnsafeBufferPointer { decoded in
            result.columns.withUnsafeMutableBufferPointer { columns in
                for (b, value) in pending {
                    switch value {
                    case .null: columns[b].appendNull()
                    case let .int(v, z): columns[b].appendInt(v, negativeZero: z)
                    case let .double(v, s, e):
                        columns[b].appendDouble(v, text: UnsafeBufferPointer(rebasing: line[s ..< e]))
                    case let .bool(v): columns[b].appendBool(v)
                    case let .decoded(s, e):
                        columns[b].appendText(UnsafeBufferPointer(rebasing: decoded[s ..< e]))
                        takesText[b] = true  // text makes (or keeps) it a string column
                    case let .json(s, e):
                        columns[b].appendText(UnsafeBufferPointer(rebasing: line[s ..< e]))
                        takesText[b] = true
                    case .direct:
                        columns[b].commitText()
                    }
                    counts[b] = rows
                }
                for b in counts.indices where counts[b] < rows {
                    columns[b].appendNull()
                    counts[b] = rows
                }
            }
        }
        result.rows = rows
    }
}
