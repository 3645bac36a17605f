import Foundation

/// Number formatting shared by Lontar's tables and plots.
///
/// Every function is deterministic and locale-independent: the decimal point
/// is always `.`, the group separator always `,`. Not-a-number prints as
/// `NaN` and infinities as `inf` / `-inf` everywhere, so a renderer never
/// has to special-case them.
public enum NumberFormat {
    /// SI prefixes for `compact`, one per power of 1000.
    static let siSuffixes = ["", "k", "M", "G", "T", "P", "E"]

    // MARK: Thousands separators

    /// `1234567` → `"1,234,567"`, `-1000` → `"-1,000"`.
    public static func grouped<I: BinaryInteger>(_ n: I) -> String {
        let digits = String(n.magnitude)
        return (n < 0 ? "-" : "") + groupDigits(digits)
    }

    /// Inserts `,` every three digits from the right of a plain digit string.
    static func groupDigits(_ digits: String) -> String {
        let chars = Array(digits)
        guard chars.count > 3 else { return digits }
        var out = ""
        out.reserveCapacity(chars.count + chars.count / 3)
        for (i, c) in chars.enumerated() {
            if i > 0 && (chars.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    // MARK: Fixed decimals

    /// `x` rounded to exactly `decimals` digits after the point, as C's
    /// `printf("%.*f")` rounds (the exact binary value, ties to even), with
    /// optional thousands separators: `fixed(1234.5, decimals: 2, grouping: true)`
    /// → `"1,234.50"`. A result that rounds to zero never keeps a minus sign.
    public static func fixed(_ x: Double, decimals: Int, grouping: Bool = false) -> String {
        if let special = nonFinite(x) { return special }
        let d = min(max(decimals, 0), 17)
        var s = String(format: "%.\(d)f", x)
        if s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            s.removeFirst()
        }
        guard grouping else { return s }
        let negative = s.hasPrefix("-")
        let body = negative ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var out = (negative ? "-" : "") + groupDigits(String(parts[0]))
        if parts.count == 2 { out += "." + parts[1] }
        return out
    }

    // MARK: Compact SI

    /// A short human form with about `significantDigits` significant digits
    /// and trailing zeros dropped: `1_500_000` → `"1.5M"`, `12_345` → `"12.3k"`,
    /// `999_999` → `"1M"`, `0.01234` → `"0.0123"`, `42` → `"42"`.
    /// Magnitudes below 0.001 use scientific notation (`"1.5e-4"`), as do those
    /// past the largest prefix (E = 10¹⁸).
    public static func compact(_ x: Double, significantDigits: Int = 3) -> String {
        if let special = nonFinite(x) { return special }
        let sig = min(max(significantDigits, 1), 15)
        if x == 0 { return "0" }
        let sign = x < 0 ? "-" : ""
        let a = abs(x)
        if a < 0.001 { return sign + scientific(a, significantDigits: sig) }
        var power = 0
        while power + 1 < siSuffixes.count && a >= pow(1000, Double(power + 1)) { power += 1 }
        // Rounding can carry into the next prefix (999.96k → 1000k → 1M).
        while true {
            let scaled = a / pow(1000, Double(power))
            let text = trimZeros(fixed(scaled, decimals: decimalsFor(scaled, significantDigits: sig)))
            if (Double(text) ?? 0) >= 1000 {
                if power + 1 < siSuffixes.count {
                    power += 1
                    continue
                }
                return sign + scientific(a, significantDigits: sig)
            }
            return sign + text + siSuffixes[power]
        }
    }

    /// `1.5e-4` style: mantissa with trailing zeros dropped, exponent without
    /// padding or `+`.
    public static func scientific(_ x: Double, significantDigits: Int = 3) -> String {
        if let special = nonFinite(x) { return special }
        let sig = min(max(significantDigits, 1), 17)
        let raw = String(format: "%.\(sig - 1)e", x)
        guard let e = raw.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return raw }
        let mantissa = trimZeros(String(raw[..<e]))
        let exponent = Int(raw[raw.index(after: e)...]) ?? 0
        return "\(mantissa)e\(exponent)"
    }

    /// Decimals that show `significantDigits` significant digits of `a > 0`.
    static func decimalsFor(_ a: Double, significantDigits sig: Int) -> Int {
        if a >= 1 { return max(0, sig - integerDigits(a)) }
        var zeros = 0  // zeros between the point and the first significant digit
        var scaled = a * 10
        while scaled < 1 && zeros < 400 {
            zeros += 1
            scaled *= 10
        }
        return zeros + sig
    }

    /// Digits before the point of a non-negative number (1 for values below 10).
    static func integerDigits(_ a: Double) -> Int {
        var digits = 1
        var bound = 10.0
        while a >= bound && digits < 400 {
            digits += 1
            bound *= 10
        }
        return digits
    }

    /// Drops trailing zeros after a decimal point, and the point itself if bare.
    static func trimZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.last == "0" { t.removeLast() }
        if t.last == "." { t.removeLast() }
        return String(t)
    }

    static func nonFinite(_ x: Double) -> String? {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return nil
    }
}
