import Foundation

/// Spark's arithmetic in ANSI mode (the default since Spark 4): bigint results
/// are overflow-checked, `/` always divides as doubles, and a zero divisor is
/// an error for `/` and `%` alike. Errors are raised only for valid rows.
enum Arithmetic {
    static func binary(_ op: ColumnExpression.ArithmeticOperator, _ a: Operand, _ b: Operand,
                       expression: String, firstRow: Int) throws -> Operand {
        let n = a.count
        if a.isNullConstant || b.isNullConstant {
            let type: ColumnType = op == .divide || a.type == .double || b.type == .double ? .double : .int64
            return .constant(.null, type: type, count: n)
        }
        let valid = mergeValidity([a.validity(), b.validity()])
        @inline(__always) func isValid(_ k: Int) -> Bool { valid?[k] ?? true }

        if a.type == .int64 && b.type == .int64 && op != .divide {
            let xs = a.ints(), ys = b.ints()
            var out = [Int64](repeating: 0, count: n)
            for k in 0 ..< n where isValid(k) {
                let x = xs[k], y = ys[k]
                let (r, overflow): (Int64, Bool)
                switch op {
                case .add: (r, overflow) = x.addingReportingOverflow(y)
                case .subtract: (r, overflow) = x.subtractingReportingOverflow(y)
                case .multiply: (r, overflow) = x.multipliedReportingOverflow(by: y)
                case .remainder:
                    if y == 0 { throw FrameError.divideByZero(expression: expression, row: firstRow + k) }
                    (r, overflow) = (y == -1 ? 0 : x % y, false)     // Java: MIN % -1 == 0
                case .divide: (r, overflow) = (0, false)
                }
                if overflow { throw FrameError.overflow(expression: expression, row: firstRow + k) }
                out[k] = r
            }
            return .computed(.int64(out), valid: valid)
        }

        let xs = a.doubles(), ys = b.doubles()
        var out = [Double](repeating: 0, count: n)
        switch op {
        case .add: for k in 0 ..< n { out[k] = xs[k] + ys[k] }
        case .subtract: for k in 0 ..< n { out[k] = xs[k] - ys[k] }
        case .multiply: for k in 0 ..< n { out[k] = xs[k] * ys[k] }
        case .divide, .remainder:
            for k in 0 ..< n where isValid(k) {
                if ys[k] == 0 { throw FrameError.divideByZero(expression: expression, row: firstRow + k) }
                out[k] = op == .divide ? xs[k] / ys[k] : xs[k].truncatingRemainder(dividingBy: ys[k])
            }
        }
        return .computed(.double(out), valid: valid)
    }

    static func negate(_ a: Operand, expression: String, firstRow: Int) throws -> Operand {
        if a.isNullConstant { return a }
        let valid = a.validity()
        if a.type == .int64 {
            var xs = a.ints()
            for k in 0 ..< xs.count where valid?[k] ?? true {
                if xs[k] == .min { throw FrameError.overflow(expression: expression, row: firstRow + k) }
                xs[k] = -xs[k]
            }
            return .computed(.int64(xs), valid: valid)
        }
        return .computed(.double(a.doubles().map { -$0 }), valid: valid)
    }

    static func abs(_ a: Operand, expression: String, firstRow: Int) throws -> Operand {
        if a.isNullConstant { return a }
        let valid = a.validity()
        if a.type == .int64 {
            var xs = a.ints()
            for k in 0 ..< xs.count where valid?[k] ?? true {
                if xs[k] == .min { throw FrameError.overflow(expression: expression, row: firstRow + k) }
                xs[k] = Swift.abs(xs[k])
            }
            return .computed(.int64(xs), valid: valid)
        }
        return .computed(.double(a.doubles().map { Swift.abs($0) }), valid: valid)
    }

    /// Spark `round(x, scale)` with HALF_UP. Bigints round only for negative
    /// scales; doubles round the decimal that Java prints for them.
    static func round(_ a: Operand, scale requested: Int, expression: String, firstRow: Int) throws -> Operand {
        if a.isNullConstant { return a }
        // Beyond ±400 digits every double and bigint is either kept or zeroed.
        let scale = Swift.min(Swift.max(requested, -400), 400)
        let valid = a.validity()
        if a.type == .int64 {
            var xs = a.ints()
            if scale >= 0 { return a }
            for k in 0 ..< xs.count where valid?[k] ?? true {
                guard let r = roundInteger(xs[k], digits: -scale) else {
                    throw FrameError.overflow(expression: expression, row: firstRow + k)
                }
                xs[k] = r
            }
            return .computed(.int64(xs), valid: valid)
        }
        return .computed(.double(a.doubles().map { roundDouble($0, scale: scale) }), valid: valid)
    }

    /// `x` rounded HALF_UP to a multiple of 10^digits; nil on overflow.
    static func roundInteger(_ x: Int64, digits: Int) -> Int64? {
        if digits >= 19 { return 0 }        // |x| < 10^19 / 2 always rounds to zero
        var factor: Int64 = 1
        for _ in 0 ..< digits { factor *= 10 }
        let q = x / factor, r = x % factor
        var rounded = q
        if Swift.abs(r) >= (factor + 1) / 2 && factor > 1 { rounded += x < 0 ? -1 : 1 }
        let (result, overflow) = rounded.multipliedReportingOverflow(by: factor)
        return overflow ? nil : result
    }

    /// Spark: `BigDecimal(Double.toString(x)).setScale(scale, HALF_UP).toDouble`.
    static func roundDouble(_ x: Double, scale: Int) -> Double {
        if x.isNaN || x.isInfinite || x == 0 { return x }
        var (digits, exponent) = JavaDouble.shortestDigits(Swift.abs(x))
        // Digits to keep: those at decimal positions ≥ 10^-scale.
        let keep = exponent + 1 + scale
        if keep >= digits.count { return x }
        if keep < 0 { return 0 }
        let roundUp = digits[keep] >= "5"
        digits.removeSubrange(keep...)
        var value = digits.isEmpty ? [Character("0")] : digits
        if roundUp {
            // Add one to the kept digits, carrying.
            var i = value.count - 1
            while true {
                if value[i] == "9" {
                    value[i] = "0"
                    if i == 0 { value.insert("1", at: 0); break }
                    i -= 1
                } else {
                    value[i] = Character(UnicodeScalar(value[i].asciiValue! + 1))
                    break
                }
            }
        }
        let text = String(value) + "e" + String(-scale)
        let magnitude = Double(text) ?? 0
        if magnitude == 0 { return 0 }       // BigDecimal has no negative zero
        return x < 0 ? -magnitude : magnitude
    }
}
