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
/// shortest digits that read back to the same value; fixed notation with at
/// least one fractional digit when the decimal exponent is in -4 ..< 16,
/// otherwise `d.ddde±XX`; `NaN`, `Infinity`, `-Infinity` for the specials (as
/// Python's json module writes them). Swift's `description` already follows
/// these rules for finite values; the tests check it against Python.
func pythonFloatText(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    return d.description
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
