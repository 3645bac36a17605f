import Foundation

/// Spark's `cast` in ANSI mode: a malformed string or an out-of-range double
/// is an error naming the value and the row; everything else converts.
enum Casts {
    static func cast(_ a: Operand, to target: ColumnType, expression: String, firstRow: Int) throws -> Operand {
        let n = a.count
        guard let source = a.type, !a.isNullConstant else { return .constant(.null, type: target, count: n) }
        if source == target { return a }
        let valid = a.validity()
        @inline(__always) func isValid(_ k: Int) -> Bool { valid?[k] ?? true }

        switch (source, target) {
        case (.int64, .double):
            return .computed(.double(a.doubles()), valid: valid)
        case (.int64, .bool):
            return .computed(.bool(a.ints().map { $0 != 0 }), valid: valid)
        case (.double, .bool):
            return .computed(.bool(a.doubles().map { $0 != 0 }), valid: valid)
        case (.bool, .int64):
            return .computed(.int64(a.bools().map { $0 ? 1 : 0 }), valid: valid)
        case (.bool, .double):
            return .computed(.double(a.bools().map { $0 ? 1 : 0 }), valid: valid)
        case (.double, .int64):
            let xs = a.doubles()
            var out = [Int64](repeating: 0, count: n)
            for k in 0 ..< n where isValid(k) {
                // Spark: truncate toward zero; NaN, ±∞ and values beyond the
                // 64-bit range are CAST_OVERFLOW.
                let x = xs[k]
                guard x.isFinite, x >= -9.223372036854775808e18, x < 9.223372036854775808e18 else {
                    throw FrameError.invalidCast(value: JavaDouble.string(x), to: .int64, row: firstRow + k)
                }
                out[k] = Int64(x.rounded(.towardZero))
            }
            return .computed(.int64(out), valid: valid)
        case (_, .string):
            return toString(a)
        case (.string, .int64):
            return try a.withStrings { rows in
                var out = [Int64](repeating: 0, count: n)
                for k in 0 ..< n where isValid(k) {
                    guard let v = parseInt(rows[k]) else {
                        throw FrameError.invalidCast(value: String(decoding: rows[k], as: UTF8.self), to: .int64, row: firstRow + k)
                    }
                    out[k] = v
                }
                return .computed(.int64(out), valid: valid)
            }
        case (.string, .double):
            return try a.withStrings { rows in
                var out = [Double](repeating: 0, count: n)
                for k in 0 ..< n where isValid(k) {
                    guard let v = parseDouble(rows[k]) else {
                        throw FrameError.invalidCast(value: String(decoding: rows[k], as: UTF8.self), to: .double, row: firstRow + k)
                    }
                    out[k] = v
                }
                return .computed(.double(out), valid: valid)
            }
        case (.string, .bool):
            return try a.withStrings { rows in
                var out = [Bool](repeating: false, count: n)
                for k in 0 ..< n where isValid(k) {
                    guard let v = parseBool(rows[k]) else {
                        throw FrameError.invalidCast(value: String(decoding: rows[k], as: UTF8.self), to: .bool, row: firstRow + k)
                    }
                    out[k] = v
                }
                return .computed(.bool(out), valid: valid)
            }
        default:
            throw FrameError.typeMismatch(column: expression, expected: "a type that can be cast to \(target)", actual: source)
        }
    }

    /// Spark's string forms: bigint in decimal, doubles as Java prints them,
    /// `true`/`false`, arrays as `[a, b]` (null elements as `null`).
    static func toString(_ a: Operand) -> Operand {
        let n = a.count
        let valid = a.validity()
        var out = StringColumn()
        switch a.type {
        case .int64:
            for v in a.ints() { out.append(String(v)) }
        case .double:
            for v in a.doubles() { out.append(JavaDouble.string(v)) }
        case .bool:
            for v in a.bools() { out.append(v ? "true" : "false") }
        case .stringList:
            if let (lists, rows) = a.lists() {
                for i in rows { out.append("[" + lists[i].joined(separator: ", ") + "]") }
            }
        default:
            for _ in 0 ..< n { out.append("") }
        }
        return .computed(.string(out), valid: valid)
    }

    /// Spark trims bytes ≤ 0x20 (ASCII whitespace and controls) before parsing numbers.
    private static func trimmed(_ s: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = s.count
        while lo < hi && s[lo] <= 0x20 { lo += 1 }
        while hi > lo && s[hi - 1] <= 0x20 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: s[lo ..< hi])
    }

    /// Spark's string → bigint: optional sign and decimal digits only.
    static func parseInt(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        let s = trimmed(raw)
        guard !s.isEmpty else { return nil }
        var i = 0
        var negative = false
        if s[0] == 0x2D || s[0] == 0x2B { negative = s[0] == 0x2D; i = 1 }
        guard i < s.count else { return nil }
        var value: Int64 = 0
        while i < s.count {
            let d = s[i] &- 0x30
            guard d < 10 else { return nil }
            // Accumulate negatively so that Int64.min parses.
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (r, o2) = m.subtractingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = r
            i += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// Spark's string → double: Java `Double.parseDouble` syntax (an optional
    /// `d`/`f` suffix is allowed) plus `inf`, `infinity`, `nan` in any case.
    static func parseDouble(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let s = trimmed(raw)
        guard !s.isEmpty, s.count < 400 else { return nil }
        var text = String(decoding: s, as: UTF8.self)
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        if let last = text.last, "dDfF".contains(last) { text.removeLast() }
        // Java accepts decimal and hexadecimal floating literals, nothing else:
        // refuse what Swift alone would accept ("nan(…)", "inf" spellings).
        guard text.allSatisfy({ $0.isASCII && ($0.isHexDigit || "+-.eEpPxX".contains($0)) }) else { return nil }
        return Double(text)
    }

    /// Spark's string → boolean.
    static func parseBool(_ raw: UnsafeBufferPointer<UInt8>) -> Bool? {
        let s = trimmed(raw)
        switch String(decoding: s, as: UTF8.self).lowercased() {
        case "t", "true", "y", "yes", "1": return true
        case "f", "false", "n", "no", "0": return false
        default: return nil
        }
    }
}
