/// A set of Unicode code points stored as sorted, disjoint, non-adjacent
/// closed ranges — the value every character class compiles to.
///
/// Classes are built once per pattern, so the set operations favour clarity
/// over speed; lookups on the matching path go through `CompiledSet`.
struct CodePointSet: Hashable, Sendable {
    static let maxScalar: UInt32 = 0x10FFFF

    /// Flattened closed ranges: `lo0, hi0, lo1, hi1, …`, sorted, with a gap of
    /// at least one code point between consecutive ranges.
    private(set) var bounds: [UInt32]

    init() { bounds = [] }

    init(_ scalar: UInt32) { bounds = [scalar, scalar] }

    init(_ lo: UInt32, _ hi: UInt32) { bounds = lo <= hi ? [lo, hi] : [] }

    /// A set from arbitrary (possibly overlapping, unsorted) closed ranges.
    init(ranges: [ClosedRange<UInt32>]) {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var out: [UInt32] = []
        out.reserveCapacity(sorted.count * 2)
        for r in sorted {
            if let last = out.last, r.lowerBound <= last &+ 1 && last != UInt32.max {
                if r.upperBound > last { out[out.count - 1] = r.upperBound }
            } else {
                out.append(r.lowerBound)
                out.append(r.upperBound)
            }
        }
        bounds = out
    }

    /// A set of the code points in `0...maxScalar` for which `predicate` holds.
    init(where predicate: (UInt32) -> Bool) {
        var out: [UInt32] = []
        var start: UInt32? = nil
        var cp: UInt32 = 0
        while cp <= CodePointSet.maxScalar {
            if predicate(cp) {
                if start == nil { start = cp }
            } else if let s = start {
                out.append(s); out.append(cp - 1); start = nil
            }
            cp += 1
        }
        if let s = start { out.append(s); out.append(CodePointSet.maxScalar) }
        bounds = out
    }

    static let all = CodePointSet(0, maxScalar)

    var isEmpty: Bool { bounds.isEmpty }
    var rangeCount: Int { bounds.count / 2 }

    /// The ranges as Swift closed ranges.
    var ranges: [ClosedRange<UInt32>] {
        stride(from: 0, to: bounds.count, by: 2).map { bounds[$0]...bounds[$0 + 1] }
    }

    /// The number of code points in the set.
    var count: Int {
        stride(from: 0, to: bounds.count, by: 2).reduce(0) { $0 + Int(bounds[$1 + 1] - bounds[$1]) + 1 }
    }

    /// The only member, if the set has exactly one.
    var singleMember: UInt32? { bounds.count == 2 && bounds[0] == bounds[1] ? bounds[0] : nil }

    func contains(_ cp: UInt32) -> Bool {
        // Binary search for the last range starting at or below cp.
        var lo = 0, hi = bounds.count / 2
        while lo < hi {
            let mid = (lo + hi) / 2
            if bounds[2 * mid] <= cp { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && cp <= bounds[2 * (lo - 1) + 1]
    }

    var inverted: CodePointSet {
        var out: [UInt32] = []
        var next: UInt32 = 0
        var i = 0
        while i < bounds.count {
            if bounds[i] > next { out.append(next); out.append(bounds[i] - 1) }
            next = bounds[i + 1] &+ 1
            i += 2
        }
        if bounds.last.map({ $0 < CodePointSet.maxScalar }) ?? true {
            out.append(next); out.append(CodePointSet.maxScalar)
        }
        var s = CodePointSet()
        s.bounds = out
        return s
    }

    func union(_ other: CodePointSet) -> CodePointSet {
        if other.isEmpty { return self }
        if isEmpty { return other }
        return CodePointSet(ranges: ranges + other.ranges)
    }

    func intersection(_ other: CodePointSet) -> CodePointSet {
        var out: [UInt32] = []
        var i = 0, j = 0
        while i < bounds.count && j < other.bounds.count {
            let lo = max(bounds[i], other.bounds[j])
            let hi = min(bounds[i + 1], other.bounds[j + 1])
            if lo <= hi { out.append(lo); out.append(hi) }
            if bounds[i + 1] < other.bounds[j + 1] { i += 2 } else { j += 2 }
        }
        var s = CodePointSet()
        s.bounds = out
        return s
    }

    func subtracting(_ other: CodePointSet) -> CodePointSet { intersection(other.inverted) }

    mutating func insert(_ cp: UInt32) { self = union(CodePointSet(cp)) }

    mutating func insert(_ lo: UInt32, _ hi: UInt32) { self = union(CodePointSet(lo, hi)) }

    /// Java's ASCII-only case folding (`CASE_INSENSITIVE` without
    /// `UNICODE_CASE`): adds the other case of every ASCII letter in the set.
    var addingASCIICaseVariants: CodePointSet {
        var extra: [ClosedRange<UInt32>] = []
        for c in UInt32(0x61)...0x7A where contains(c) != contains(c - 0x20) {
            extra.append(c...c)
            extra.append((c - 0x20)...(c - 0x20))
        }
        return extra.isEmpty ? self : union(CodePointSet(ranges: extra))
    }
}
