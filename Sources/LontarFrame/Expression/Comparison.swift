import Foundation

/// Comparisons and boolean logic with Spark's semantics.
enum Comparison {
    /// Spark's double ordering: -0.0 equals 0.0, NaN equals NaN and is larger
    /// than every other value (including +∞).
    @inline(__always)
    static func compareDoubles(_ a: Double, _ b: Double) -> Int {
        if a < b { return -1 }
        if a > b { return 1 }
        if a == b { return 0 }
        return a.isNaN ? (b.isNaN ? 0 : 1) : -1
    }

    @inline(__always)
    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    static func compare(_ op: ColumnExpression.ComparisonOperator, _ a: Operand, _ b: Operand) -> Operand {
        let n = a.count
        let va = a.validity(), vb = b.validity()
        var order = [Int8](repeating: 0, count: n)
        let type = a.type ?? b.type
        if a.isNullConstant || b.isNullConstant {
            // Every row has a null side: only <=> can say something.
        } else if a.type == .int64 && b.type == .int64 {
            let xs = a.ints(), ys = b.ints()
            for k in 0 ..< n { order[k] = xs[k] < ys[k] ? -1 : (xs[k] > ys[k] ? 1 : 0) }
        } else if type?.isNumeric == true {
            let xs = a.doubles(), ys = b.doubles()
            for k in 0 ..< n { order[k] = Int8(compareDoubles(xs[k], ys[k])) }
        } else if type == .bool {
            let xs = a.bools(), ys = b.bools()
            for k in 0 ..< n { order[k] = xs[k] == ys[k] ? 0 : (xs[k] ? 1 : -1) }
        } else if type == .string {
            a.withStrings { sa in
                b.withStrings { sb in
                    for k in 0 ..< n { order[k] = Int8(compareBytes(sa[k], sb[k])) }
                }
            }
        }
        var out = [Bool](repeating: false, count: n)
        if op == .nullSafeEqual {
            for k in 0 ..< n {
                let nullA = !(va?[k] ?? !a.isNullConstant), nullB = !(vb?[k] ?? !b.isNullConstant)
                out[k] = nullA || nullB ? nullA && nullB : order[k] == 0
            }
            return .computed(.bool(out), valid: nil)
        }
        for k in 0 ..< n {
            let o = order[k]
            switch op {
            case .equal: out[k] = o == 0
            case .notEqual: out[k] = o != 0
            case .less: out[k] = o < 0
            case .lessOrEqual: out[k] = o <= 0
            case .greater: out[k] = o > 0
            case .greaterOrEqual: out[k] = o >= 0
            case .nullSafeEqual: break
            }
        }
        return .computed(.bool(out), valid: mergeValidity([va, vb]))
    }
}


/// Three-valued logic (SQL/Spark): `false AND null` is false, `true OR null`
/// is true, everything else with a null is null.
enum Logic {
    static func and(_ a: Operand, _ b: Operand) -> Operand { combine(a, b, dominant: false) }
    static func or(_ a: Operand, _ b: Operand) -> Operand { combine(a, b, dominant: true) }

    /// `dominant` is the value that decides the result on its own (false for
    /// AND, true for OR).
    private static func combine(_ a: Operand, _ b: Operand, dominant: Bool) -> Operand {
        let n = a.count
        let xs = a.bools(), ys = b.bools()
        let va = a.validity(), vb = b.validity()
        var out = [Bool](repeating: false, count: n)
        var valid = [Bool](repeating: true, count: n)
        for k in 0 ..< n {
            let okA = va?[k] ?? true, okB = vb?[k] ?? true
            if (okA && xs[k] == dominant) || (okB && ys[k] == dominant) {
                out[k] = dominant
            } else if okA && okB {
                out[k] = !dominant
            } else {
                valid[k] = false
            }
        }
        return .computed(.bool(out), valid: valid)
    }

    static func not(_ a: Operand) -> Operand {
        if a.isNullConstant { return a }
        return .computed(.bool(a.bools().map { !$0 }), valid: a.validity())
    }

    static func isNull(_ a: Operand, negated: Bool) -> Operand {
        let n = a.count
        guard let v = a.validity() else { return .constant(.bool(negated), type: .bool, count: n) }
        return .computed(.bool(v.map { negated ? $0 : !$0 }), valid: nil)
    }

    /// The first non-null argument per row, converted to `type`.
    static func coalesce(_ args: [Operand], type: ColumnType?, count n: Int, expression: String, firstRow: Int) throws -> Operand {
        guard let type else { return .constant(.null, type: nil, count: n) }
        let converted = try args.map { a -> Operand in
            a.type == type || a.type == nil ? a : try Casts.cast(a, to: type, expression: expression, firstRow: firstRow)
        }
        let masks = converted.map { $0.validity() }
        var chosen = [Int](repeating: -1, count: n)
        for k in 0 ..< n {
            for (i, m) in masks.enumerated() where !converted[i].isNullConstant && (m?[k] ?? true) {
                chosen[k] = i
                break
            }
        }
        let valid = chosen.map { $0 >= 0 }
        switch type {
        case .int64:
            let values = converted.map { $0.ints() }
            return .computed(.int64((0 ..< n).map { chosen[$0] >= 0 ? values[chosen[$0]][$0] : 0 }), valid: valid)
        case .double:
            let values = converted.map { $0.doubles() }
            return .computed(.double((0 ..< n).map { chosen[$0] >= 0 ? values[chosen[$0]][$0] : 0 }), valid: valid)
        case .bool:
            let values = converted.map { $0.bools() }
            return .computed(.bool((0 ..< n).map { chosen[$0] >= 0 ? values[chosen[$0]][$0] : false }), valid: valid)
        case .string:
            var out = StringColumn()
            for k in 0 ..< n {
                if chosen[k] >= 0, case .string(let s) = converted[chosen[k]].scalar(k) { out.append(s) } else { out.append("") }
            }
            return .computed(.string(out), valid: valid)
        case .stringList:
            var out = StringListColumn()
            for k in 0 ..< n {
                if chosen[k] >= 0, case .list(let items) = converted[chosen[k]].scalar(k) {
                    out.append(items.map { if case .string(let s) = $0 { s } else { "" } })
                } else {
                    out.append([])
                }
            }
            return .computed(.stringList(out), valid: valid)
        }
    }
}
