/// Appending text and numbers to a UTF-8 byte buffer without building `String`s.
enum ByteText {
    @inline(__always) static func append(_ s: StaticString, to buf: inout [UInt8]) {
        s.withUTF8Buffer { buf.append(contentsOf: $0) }
    }

    /// Decimal digits of `n`, with a leading `-` if negative.
    static func appendInt(_ n: Int, to buf: inout [UInt8]) {
        if n < 0 { buf.append(0x2D) }
        var m = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
                count += 1
            } while m > 0
            for i in stride(from: count - 1, through: 0, by: -1) { buf.append(d[i]) }
        }
    }

    static func powerOfTen(_ e: Int) -> Double {
        var p = 1.0
        if e >= 0 { for _ in 0 ..< e { p *= 10 } } else { for _ in 0 ..< -e { p /= 10 } }
        return p
    }

    /// `x` rounded half away from zero to `decimals` digits (0 ... 9),
    /// as `12.40`; never `-0.0`.
    static func appendFixed(_ x: Double, decimals: Int, to buf: inout [UInt8]) {
        let d = min(max(decimals, 0), 9)
        var scale = 1
        for _ in 0 ..< d { scale *= 10 }
        let scaled = Int((abs(x) * Double(scale)).rounded())
        if x < 0 && scaled != 0 { buf.append(0x2D) }
        appendInt(scaled / scale, to: &buf)
        guard d > 0 else { return }
        buf.append(0x2E)
        var frac = scaled % scale
        var place = scale / 10
        while place > 0 {
            buf.append(UInt8(truncatingIfNeeded: frac / place) + 0x30)
            frac %= place
            place /= 10
        }
    }
}
