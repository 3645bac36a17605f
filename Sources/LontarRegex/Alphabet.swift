/// The DFA's input alphabet: code points grouped into classes that no
/// instruction (and no assertion the program uses) can tell apart.
///
/// `[^a-z0-9\s]` needs only three classes (letters/digits, whitespace,
/// everything else), so a DFA state's row of transitions stays small even
/// though the pattern talks about the whole of Unicode. ASCII bytes map to
/// classes through a 128-entry table; other code points by binary search.
struct Alphabet {
    /// Class of each ASCII code point.
    let asciiClass: [UInt16]
    /// Sorted starts of the elementary intervals at or above U+0080.
    let intervalStarts: [UInt32]
    let intervalClass: [UInt16]
    let classCount: Int
    /// A member of each class, used to compute its transitions.
    let representative: [UInt32]
    /// Classes of non-spacing marks below U+10000, for whose `\b` context
    /// the reverse DFA must look further left than one character.
    let isBMPMark: [Bool]

    /// Most classes a DFA is built for; beyond it the Pike VM is used.
    static let maxClasses = 1024

    /// The alphabet for `program`, or nil when it would be too large.
    init?(_ program: Program) {
        var sets: [CodePointSet] = []
        var singles = Set<UInt32>()
        for inst in program.insts {
            if inst.op == .char { singles.insert(inst.arg) }
        }
        for s in program.sets { sets.append(s.source) }
        if !singles.isEmpty { sets.append(contentsOf: singles.map { CodePointSet($0) }) }
        let needs = program.needs
        if !needs.isDisjoint(with: [.lines, .finalTerminator, .textStart, .textEnd]) {
            sets.append(CodePointSet(0x0A))
            sets.append(CodePointSet(0x0D))
            sets.append(CodePointSet(ranges: [0x85...0x85, 0x2028...0x2029]))
        }
        if needs.contains(.words) {
            sets.append(CharacterProperties.letterOrDigit)
            sets.append(CharacterProperties.boundaryWord)
            sets.append(CharacterProperties.nonSpacingMark)
            sets.append(CodePointSet(0x10000, CodePointSet.maxScalar))
        }
        // Elementary intervals: split the code space at every range edge.
        var cuts = Set<UInt32>([0, 0x80])
        for s in sets {
            for r in s.ranges {
                cuts.insert(r.lowerBound)
                if r.upperBound < CodePointSet.maxScalar { cuts.insert(r.upperBound + 1) }
            }
        }
        let starts = cuts.sorted()
        // A class is a distinct membership signature across all sets.
        let words = (sets.count + 63) / 64
        var classOfSignature: [[UInt64]: UInt16] = [:]
        var classes = [UInt16](repeating: 0, count: starts.count)
        var representative: [UInt32] = []
        for (k, start) in starts.enumerated() {
            var signature = [UInt64](repeating: 0, count: words)
            for (j, s) in sets.enumerated() where s.contains(start) {
                signature[j / 64] |= 1 << UInt64(j % 64)
            }
            if let id = classOfSignature[signature] {
                classes[k] = id
            } else {
                if representative.count >= Alphabet.maxClasses { return nil }
                let id = UInt16(representative.count)
                classOfSignature[signature] = id
                representative.append(start)
                classes[k] = id
            }
        }
        var ascii = [UInt16](repeating: 0, count: 128)
        var k = 0
        for c in 0..<128 {
            while k + 1 < starts.count && starts[k + 1] <= UInt32(c) { k += 1 }
            ascii[c] = classes[k]
        }
        let firstNonASCII = starts.firstIndex(of: 0x80)!
        asciiClass = ascii
        intervalStarts = Array(starts[firstNonASCII...])
        intervalClass = Array(classes[firstNonASCII...])
        classCount = representative.count
        self.representative = representative
        isBMPMark = representative.map { needs.contains(.words) && $0 < 0x10000 && WordRule.isMark($0) }
    }

    /// The class of a code point at or above U+0080.
    func classOfNonASCII(_ c: UInt32) -> Int {
        intervalStarts.withUnsafeBufferPointer { starts in
            var lo = 0, hi = starts.count
            while hi - lo > 1 {
                let mid = (lo + hi) >> 1
                if starts[mid] <= c { lo = mid } else { hi = mid }
            }
            return Int(intervalClass[lo])
        }
    }

    @inline(__always)
    func classOf(_ c: UInt32) -> Int {
        c < 0x80 ? Int(asciiClass[Int(c)]) : classOfNonASCII(c)
    }
}
