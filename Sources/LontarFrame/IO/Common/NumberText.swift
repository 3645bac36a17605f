/// Number ↔ text conversions shared by the readers and writers.

/// Appends the decimal digits of `v` to `out`.
@inline(__always)
func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
    if v == 0 { out.append(0x30); return }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no allocation
    var n = 0
    var m = v.magnitude
    withUnsafeMutableBytes(of: &digits) { raw in
        while m > 0 {
            raw[n] = UInt8(truncatingIfNeeded: 0x30 + m % 10)
            m /= 10
            n += 1
        }
        if v < 0 { out.append(0x2D) }
        while n > 0 {
            n -= 1
            out.append(raw[n])
        }
    }
}

/// The text Python's `repr(float)` (and so `json.dumps`) gives a double: the
/// shortest digits that read back to the same value, in fixed notation when
/// the decimal exponent allows (`0.0001`, `9924595014196736.0`, always with a
/// fractional digit) and `d.ddde±XX` otherwise (`1e-05`, `1e+16`); `NaN`,
/// `Infinity`, `-Infinity` for the specials, as Python's json module writes
/// them. Swift's `description` finds the same shortest digits but switches
/// to exponents at other points, so the digits are re-laid out here.
func pythonFloatText(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    // Shortest round-trip digits and the exponent, from Swift's text.
    let text = Array(d.magnitude.description.utf8)
    var mantissa = text[...]
    var exp10 = 0
    if let e = text.firstIndex(where: { $0 == 0x65 || $0 == 0x45 }) {
        mantissa = text[..<e]
        exp10 = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
    }
    let point = mantissa.firstIndex(of: 0x2E) ?? mantissa.endIndex
    var digits = Array(mantissa[..<point]) + Array(mantissa[point...].dropFirst())
    var decpt = (point - mantissa.startIndex) + exp10  // value = 0.DIGITS × 10^decpt
    while let first = digits.first, first == 0x30 { digits.removeFirst(); decpt -= 1 }
    while let last = digits.last, last == 0x30 { digits.removeLast() }
    var out: [UInt8] = d < 0 ? [0x2D] : []
    if decpt > -4 && decpt <= 16 {
        if decpt <= 0 {
            out += [0x30, 0x2E] + Array(repeating: 0x30, count: -decpt) + digits
        } else if decpt < digits.count {
            out += digits[..<decpt] + [0x2E] + digits[decpt...]
        } else {
            out += digits + Array(repeating: 0x30, count: decpt - digits.count) + [0x2E, 0x30]
        }
    } else {
        out.append(digits[0])
        if digits.count > 1 { out += [0x2E] + digits[1...] }
        let e = decpt - 1
        out += Array((e < 0 ? "e-" : "e+").utf8)
        if abs(e) < 10 { out.append(0x30) }
        out += Array(String(abs(e)).utf8)
    }
    return String(decoding: out, as: UTF8.self)
}

/// Powers of ten a double holds exactly, for the fast decimal-to-double path.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// Converts decimal text to the nearest double. `mantissa` holds the first
/// `digitCount` significant digits exactly when `digitCount <= 19`, and
/// `exponent` is the power of ten to scale it by. When mantissa and power are
/// both exact doubles one IEEE multiply or divide rounds correctly (Clinger's
/// fast path); otherwise the text goes to the standard library's correctly
/// rounded parser.
@inline(__always)
func decimalToDouble(negative: Bool, mantissa: UInt64, digitCount: Int, exponent: Int,
                     text: UnsafeBufferPointer<UInt8>) -> Double {
    if digitCount <= 15 && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
        var v = Double(mantissa)
        v = exponent >= 0 ? v * exactPowersOfTen[exponent] : v / exactPowersOfTen[-exponent]
        return negative ? -v : v
    }
    // Slow path: rare in practice (long fractions, huge exponents).
    return Double(String(decoding: text, as: UTF8.self)) ?? .nan
}

/// Parses `[+-]?[0-9]+` that fits in Int64 (Java's `Long.parseLong`, which
/// Spark's CSV type inference uses), or nil.
func parseInt64(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
    var i = 0
    let n = s.count
    var negative = false
    if i < n && (s[i] == 0x2B || s[i] == 0x2D) {
        negative = s[i] == 0x2D
        i += 1
    }
    guard i < n else { return nil }
    var m: UInt64 = 0
    while i < n {
        let d = s[i] &- 0x30
        guard d < 10 else { return nil }
        let (a, o1) = m.multipliedReportingOverflow(by: 10)
        let (b, o2) = a.addingReportingOverflow(UInt64(d))
        if o1 || o2 { return nil }
        m = b
        i += 1
    }
    if negative {
        if m == UInt64(Int64.max) + 1 { return .min }
        return m <= UInt64(Int64.max) ? -Int64(m) : nil
    }
    return m <= UInt64(Int64.max) ? Int64(m) : nil
}

/// Parses a double the way Java's `Double.parseDouble` does (which Spark's CSV
/// reader uses), hexadecimal floats aside: surrounding characters up to space
/// are ignored; then an optional sign and `NaN`, `Infinity`, or decimal
/// digits with an optional point and exponent (`1`, `1.`, `.5`, `1e5`),
/// optionally ending in `f`, `F`, `d` or `D`. Spark's own `Inf` and `-Inf`
/// are accepted too. Returns nil for anything else.
func parseJavaDouble(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
    var lo = 0, hi = s.count
    while lo < hi && s[lo] <= 0x20 { lo += 1 }
    while hi > lo && s[hi - 1] <= 0x20 { hi -= 1 }
    guard lo < hi else { return nil }
    let t = UnsafeBufferPointer(rebasing: s[lo ..< hi])
    func equals(_ lit: StaticString, from i: Int) -> Bool {
        let n = lit.utf8CodeUnitCount
        guard t.count - i == n else { return false }
        for k in 0 ..< n where t[i + k] != lit.utf8Start[k] { return false }
        return true
    }
    var i = 0
    var negative = false
    if t[0] == 0x2B || t[0] == 0x2D {
        negative = t[0] == 0x2D
        i = 1
    }
    if equals("NaN", from: i) { return .nan }
    if equals("Infinity", from: i) || equals("Inf", from: i) {
        if !negative && i == 1 && equals("Inf", from: i) { return nil }  // Spark accepts "Inf" and "-Inf", not "+Inf"
        return negative ? -.infinity : .infinity
    }
    var end = t.count
    if let last = t.last, last == 0x66 || last == 0x46 || last == 0x64 || last == 0x44 { end -= 1 }
    var mantissa: UInt64 = 0
    var digits = 0, dropped = 0, fraction = 0
    var sawDigit = false
    while i < end, t[i] &- 0x30 < 10 {
        sawDigit = true
        if digits > 0 || t[i] != 0x30 {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(t[i] - 0x30) } else { dropped += 1 }
            digits += 1
        }
        i += 1
    }
    if i < end && t[i] == 0x2E {
        i += 1
        while i < end, t[i] &- 0x30 < 10 {
            sawDigit = true
            if digits > 0 || t[i] != 0x30 {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(t[i] - 0x30); fraction += 1 }
                digits += 1
            } else {
                fraction += 1
            }
            i += 1
        }
    }
    guard sawDigit else { return nil }
    var exponent = 0
    if i < end && (t[i] == 0x65 || t[i] == 0x45) {
        i += 1
        var expNegative = false
        if i < end && (t[i] == 0x2B || t[i] == 0x2D) {
            expNegative = t[i] == 0x2D
            i += 1
        }
        let expStart = i
        while i < end, t[i] &- 0x30 < 10 {
            if exponent < 100_000 { exponent = exponent * 10 + Int(t[i] - 0x30) }
            i += 1
        }
        guard i > expStart else { return nil }
        if expNegative { exponent = -exponent }
    }
    guard i == end else { return nil }
    let text = UnsafeBufferPointer(rebasing: t[0 ..< end])
    if digits > 15 || exponent + dropped - fraction < -22 || exponent + dropped - fraction > 22 {
        // Let the standard library round it; it wants the plain decimal form.
        var plain = Array(text)
        if plain.last == 0x2E { plain.append(0x30) }
        if let dot = plain.firstIndex(of: 0x2E), dot == (plain.first == 0x2B || plain.first == 0x2D ? 1 : 0) {
            plain.insert(0x30, at: dot)
        }
        return Double(String(decoding: plain, as: UTF8.self))
    }
    return decimalToDouble(negative: negative, mantissa: mantissa, digitCount: min(digits, 19),
                           exponent: exponent + dropped - fraction, text: text)
}
