/// A set of Unicode scalars as Java regex character classes describe them:
/// a bitmap for ASCII plus sorted ranges for the rest, optionally negated.
struct ScalarSet: Sendable, Equatable {
    private var asciiLow: UInt64 = 0        // scalars 0..<64
    private var asciiHigh: UInt64 = 0       // scalars 64..<128
    private var ranges: [ClosedRange<UInt32>] = []   // non-ASCII members
    private(set) var negated = false

    init() {}

    static func single(_ s: UInt32) -> ScalarSet {
        var set = ScalarSet()
        set.insert(s ... s)
        return set
    }

    /// Java's `\s` = `[ \t\n\x0B\f\r]`.
    static let javaSpace: ScalarSet = {
        var s = ScalarSet()
        s.insert(0x09 ... 0x0D); s.insert(0x20 ... 0x20)
        return s
    }()
    /// Java's `\d` = `[0-9]`.
    static let javaDigit: ScalarSet = {
        var s = ScalarSet()
        s.insert(0x30 ... 0x39)
        return s
    }()
    /// Java's `\w` = `[a-zA-Z_0-9]`.
    static let javaWord: ScalarSet = {
        var s = ScalarSet()
        s.insert(0x30 ... 0x39); s.insert(0x41 ... 0x5A); s.insert(0x5F ... 0x5F); s.insert(0x61 ... 0x7A)
        return s
    }()
    /// Java's `.` without DOTALL: anything but the line terminators.
    static let javaDot: ScalarSet = {
        var s = ScalarSet()
        s.insert(0x0A ... 0x0A); s.insert(0x0D ... 0x0D); s.insert(0x85 ... 0x85); s.insert(0x2028 ... 0x2029)
        return s.inverted()
    }()

    mutating func insert(_ r: ClosedRange<UInt32>) {
        precondition(!negated, "insert before negating")
        var lo = r.lowerBound
        while lo <= r.upperBound && lo < 128 {
            if lo < 64 { asciiLow |= 1 << UInt64(lo) } else { asciiHigh |= 1 << UInt64(lo - 64) }
            lo += 1
        }
        if lo <= r.upperBound { ranges.append(lo ... r.upperBound) }
    }

    /// Adds every member of `other` (which must not be negated).
    mutating func formUnion(_ other: ScalarSet) {
        precondition(!other.negated && !negated)
        asciiLow |= other.asciiLow
        asciiHigh |= other.asciiHigh
        ranges += other.ranges
    }

    func inverted() -> ScalarSet {
        var s = self
        s.negated.toggle()
        return s
    }

    /// Whether the set matches no non-ASCII scalar (so a byte scan can skip
    /// bytes ≥ 0x80 without decoding).
    var isASCIIOnly: Bool { !negated && ranges.isEmpty }

    /// Whether exactly one scalar is a member; returns it.
    var singleScalar: UInt32? {
        if negated { return nil }
        if ranges.isEmpty {
            if asciiLow.nonzeroBitCount + asciiHigh.nonzeroBitCount != 1 { return nil }
            return asciiLow != 0 ? UInt32(asciiLow.trailingZeroBitCount) : UInt32(64 + asciiHigh.trailingZeroBitCount)
        }
        if asciiLow == 0 && asciiHigh == 0 && ranges.count == 1 && ranges[0].count == 1 { return ranges[0].lowerBound }
        return nil
    }

    @inline(__always)
    func containsASCII(_ b: UInt8) -> Bool {
        let hit = b < 64 ? (asciiLow >> UInt64(b)) & 1 != 0 : (asciiHigh >> UInt64(b - 64)) & 1 != 0
        return hit != negated
    }

    @inline(__always)
    func contains(_ s: UInt32) -> Bool {
        if s < 128 { return containsASCII(UInt8(s)) }
        var hit = false
        for r in ranges where r.contains(s) { hit = true; break }
        return hit != negated
    }
}
