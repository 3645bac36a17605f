import Foundation

/// Java's `Double.toString`, which Spark uses whenever a double becomes a
/// string (`cast(x as string)`, every cell of `describe()`).
///
/// The digits are the shortest decimal that reads back as the same double
/// (Java 19+ specifies exactly this, JDK-4511638); Swift's `description`
/// computes the same shortest digits, so only the layout is Java's:
///
/// - `NaN`, `Infinity`, `-Infinity`, `0.0`, `-0.0`;
/// - `10⁻³ ≤ |x| < 10⁷`: plain notation with at least one fractional digit
///   (`100.0`, `0.001`, `282.37`);
/// - otherwise computerized scientific notation, one digit before the point and
///   at least one after (`1.0E7`, `1.0E-4`, `2.5E-310`).
///
/// One rule of Java's spec goes beyond "shortest": when a single digit would
/// do, Java still prefers the closest two-digit decimal if that one also reads
/// back as `x` (this only happens for subnormals: `Double.MIN_VALUE` prints as
/// `4.9E-324`, not `5.0E-324`).
///
/// Java 17's older algorithm sometimes printed one or two extra digits for
/// integral values between 10¹⁶ and 10¹⁹ (e.g. `2.28499949373096576E17`); the
/// spec-conforming shortest form is produced here.
public enum JavaDouble {
    public static func string(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        var (digits, exponent) = shortestDigits(abs(x))
        if digits.count == 1, let two = closerTwoDigits(abs(x)) {
            (digits, exponent) = two
        }
        let sign = x < 0 ? "-" : ""
        let a = abs(x)
        if a >= 1e-3 && a < 1e7 {
            return sign + plain(digits, exponent)
        }
        let head = String(digits.first!)
        var tail = String(digits.dropFirst())
        if tail.isEmpty { tail = "0" }
        return sign + head + "." + tail + "E" + String(exponent)
    }

    /// Shortest round-tripping significant digits (no leading/trailing zeros)
    /// and the decimal exponent of the first digit: x = d.ddd × 10^exponent.
    static func shortestDigits(_ a: Double) -> (digits: [Character], exponent: Int) {
        // Swift prints the shortest round-trip form, e.g. "1e-05", "0.0001",
        // "12345.678", "1e+16", "5e-324".
        let text = a.description
        var mantissa = Substring(text)
        var exp10 = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exp10 = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [Character] = []
        var pointPosition = mantissa.count          // digits before the point
        if let dot = mantissa.firstIndex(of: ".") {
            pointPosition = mantissa.distance(from: mantissa.startIndex, to: dot)
        }
        for ch in mantissa where ch != "." { digits.append(ch) }
        // Strip leading zeros (0.00123) and trailing zeros (100.0).
        var leading = 0
        while leading < digits.count - 1 && digits[leading] == "0" { leading += 1 }
        digits.removeFirst(leading)
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        let exponent = exp10 + pointPosition - 1 - leading
        return (digits, exponent)
    }

    /// Java's two-digit preference for one-digit results (see above): the
    /// closest two-digit decimal, if it differs from the one-digit one and
    /// still reads back as `a`.
    private static func closerTwoDigits(_ a: Double) -> (digits: [Character], exponent: Int)? {
        let text = String(format: "%.1e", a)          // correctly rounded by libc
        guard Double(text) == a else { return nil }
        let (digits, exponent) = shortestDigits(Double(text)!)
        guard let e = text.firstIndex(of: "e"), let exp = Int(text[text.index(after: e)...]) else { return nil }
        let raw = Array(text[..<e].filter { $0 != "." })
        if raw.count == 2 && raw[1] != "0" { return (raw, exp) }
        return digits.count == 2 ? (digits, exponent) : nil
    }

    /// Plain notation for 10⁻³ ≤ x < 10⁷.
    private static func plain(_ digits: [Character], _ exponent: Int) -> String {
        if exponent < 0 {
            return "0." + String(repeating: "0", count: -exponent - 1) + String(digits)
        }
        var intPart = String(digits.prefix(exponent + 1))
        if digits.count < exponent + 1 {
            intPart += String(repeating: "0", count: exponent + 1 - digits.count)
        }
        var frac = String(digits.dropFirst(exponent + 1))
        if frac.isEmpty { frac = "0" }
        return intPart + "." + frac
    }
}
