import Foundation

/// Row-wise string functions over operands: the loops that turn a byte
/// kernel into a column, propagating nulls.
enum StringFunctions {
    /// Applies `transform` to every non-null row, producing a string column.
    static func map(_ a: Operand, _ transform: (UnsafeBufferPointer<UInt8>, inout [UInt8]) throws -> Void) rethrows -> Operand {
        if a.isNullConstant { return .constant(.null, type: .string, count: a.count) }
        let valid = a.validity()
        let n = a.count
        return try a.withStrings { rows in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(rows.totalBytes + rows.totalBytes / 8)
            var offsets = [Int](repeating: 0, count: n + 1)
            for k in 0 ..< n {
                if valid?[k] ?? true { try transform(rows[k], &bytes) }
                offsets[k + 1] = bytes.count
            }
            return .computed(.string(StringColumn(bytes: bytes, offsets: offsets)), valid: valid)
        }
    }

    /// Applies `produce` to every non-null row, producing an array column;
    /// `produce` appends the row's elements to the element column.
    static func mapToList(_ a: Operand, _ produce: (UnsafeBufferPointer<UInt8>, inout StringColumn) -> Void) -> Operand {
        if a.isNullConstant { return .constant(.null, type: .stringList, count: a.count) }
        let valid = a.validity()
        let n = a.count
        return a.withStrings { rows in
            var elements = StringColumn()
            elements.reserve(rows: n * 4, bytes: rows.totalBytes)
            var rowOffsets = [Int](repeating: 0, count: n + 1)
            for k in 0 ..< n {
                if valid?[k] ?? true { produce(rows[k], &elements) }
                rowOffsets[k + 1] = elements.count
            }
            return .computed(.stringList(StringListColumn(elements: elements, rowOffsets: rowOffsets)), valid: valid)
        }
    }

    /// A boolean per non-null row.
    static func predicate(_ a: Operand, _ test: (UnsafeBufferPointer<UInt8>) -> Bool) -> Operand {
        if a.isNullConstant { return .constant(.null, type: .bool, count: a.count) }
        let valid = a.validity()
        return a.withStrings { rows in
            var out = [Bool](repeating: false, count: rows.count)
            for k in 0 ..< rows.count where valid?[k] ?? true { out[k] = test(rows[k]) }
            return .computed(.bool(out), valid: valid)
        }
    }

    /// A boolean per row from two strings.
    static func predicate(_ a: Operand, _ b: Operand,
                          _ test: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool) -> Operand {
        if a.isNullConstant || b.isNullConstant { return .constant(.null, type: .bool, count: a.count) }
        let valid = mergeValidity([a.validity(), b.validity()])
        return a.withStrings { ra in
            b.withStrings { rb in
                var out = [Bool](repeating: false, count: ra.count)
                for k in 0 ..< ra.count where valid?[k] ?? true { out[k] = test(ra[k], rb[k]) }
                return .computed(.bool(out), valid: valid)
            }
        }
    }

    /// Spark `length`: code points.
    static func length(_ a: Operand) -> Operand {
        if a.isNullConstant { return .constant(.null, type: .int64, count: a.count) }
        let valid = a.validity()
        return a.withStrings { rows in
            var out = [Int64](repeating: 0, count: rows.count)
            for k in 0 ..< rows.count { out[k] = Int64(UTF8Scalars.countScalars(rows[k])) }
            return .computed(.int64(out), valid: valid)
        }
    }

    /// Spark `size` of an array.
    static func size(_ a: Operand) -> Operand {
        guard !a.isNullConstant, let (lists, rows) = a.lists() else { return .constant(.null, type: .int64, count: a.count) }
        let out = rows.map { Int64(lists.size($0)) }
        return .computed(.int64(out), valid: a.validity())
    }

    /// `size(tokenize(x))` without building the tokens.
    static func tokenCounts(_ a: Operand) -> Operand {
        if a.isNullConstant { return .constant(.null, type: .int64, count: a.count) }
        let valid = a.validity()
        return a.withStrings { rows in
            var out = [Int64](repeating: 0, count: rows.count)
            for k in 0 ..< rows.count { out[k] = Int64(SparkTokenizer.tokenCount(rows[k])) }
            return .computed(.int64(out), valid: valid)
        }
    }

    /// Spark's `trim` family: only U+0020 is removed.
    static func trimSpaces(_ s: UnsafeBufferPointer<UInt8>, leading: Bool, trailing: Bool, into out: inout [UInt8]) {
        var lo = 0, hi = s.count
        if leading { while lo < hi && s[lo] == 0x20 { lo += 1 } }
        if trailing { while hi > lo && s[hi - 1] == 0x20 { hi -= 1 } }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: s[lo ..< hi]))
    }

    static func contains(_ s: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        find(needle, in: s) != nil
    }

    static func startsWith(_ s: UnsafeBufferPointer<UInt8>, _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        prefix.count <= s.count && (prefix.isEmpty || memcmp(s.baseAddress!, prefix.baseAddress!, prefix.count) == 0)
    }

    static func endsWith(_ s: UnsafeBufferPointer<UInt8>, _ suffix: UnsafeBufferPointer<UInt8>) -> Bool {
        suffix.count <= s.count
            && (suffix.isEmpty || memcmp(s.baseAddress! + (s.count - suffix.count), suffix.baseAddress!, suffix.count) == 0)
    }

    /// Byte offset of the first occurrence of `needle` in `s`.
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in s: UnsafeBufferPointer<UInt8>) -> Int? {
        let m = needle.count, n = s.count
        if m == 0 { return 0 }
        guard m <= n, let p = s.baseAddress, let q = needle.baseAddress else { return nil }
        let first = Int32(q[0])
        var i = 0
        while i <= n - m {
            guard let hit = memchr(p + i, first, n - m - i + 1) else { return nil }
            let j = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(p + j, q, m) == 0 { return j }
            i = j + 1
        }
        return nil
    }

    /// Spark `concat` of string operands: null if any part is null.
    static func concat(_ parts: [Operand], count n: Int) -> Operand {
        if parts.contains(where: \.isNullConstant) { return .constant(.null, type: .string, count: n) }
        let valid = mergeValidity(parts.map { $0.validity() })
        var bytes: [UInt8] = []
        var offsets = [Int](repeating: 0, count: n + 1)
        // Row-major output from column-major inputs: collect per-part rows first.
        var pieces = [[UInt8]](repeating: [], count: n)
        for part in parts {
            part.withStrings { rows in
                for k in 0 ..< n where valid?[k] ?? true { pieces[k].append(contentsOf: rows[k]) }
            }
        }
        for k in 0 ..< n {
            bytes.append(contentsOf: pieces[k])
            offsets[k + 1] = bytes.count
        }
        return .computed(.string(StringColumn(bytes: bytes, offsets: offsets)), valid: valid)
    }
}

/// Spark ML's `RegexTokenizer`: optionally lowercase, then split on the
/// pattern (`gaps`) or collect its matches, keeping tokens of at least
/// `minTokenLength` UTF-16 code units.
enum SparkRegexTokenizer {
    static func tokenize(_ text: UnsafeBufferPointer<UInt8>, options: RegexTokenizerOptions, kernels: RegexKernels,
                         scratch: inout [UInt8], into out: inout StringColumn) {
        scratch.removeAll(keepingCapacity: true)
        if options.toLowercase { JavaCase.lower(text, into: &scratch) } else { scratch.append(contentsOf: text) }
        scratch.withUnsafeBufferPointer { s in
            let emit = { (r: Range<Int>) in
                let token = UnsafeBufferPointer(rebasing: s[r])
                if UTF8Scalars.utf16Length(token) >= options.minTokenLength { out.append(bytes: token) }
            }
            if options.gaps { kernels.split(s, limit: 0, emit: emit) } else { kernels.findAll(s, emit: emit) }
        }
    }
}
