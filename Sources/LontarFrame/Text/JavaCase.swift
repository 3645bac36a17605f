/// Spark's `lower`/`upper` (and the lowercasing inside ML `Tokenizer`):
/// Java's `String.toLowerCase`/`toUpperCase` with `Locale.ROOT`, applied to
/// UTF-8 bytes without building Swift `String`s.
///
/// Java maps code point by code point with Unicode's full case mappings
/// (`İ` → `i̇`, `ß` → `SS`, `ﬃ` → `FFI`, `ᾳ` → `ΑΙ`, Kelvin sign `K` → `k`),
/// and — for lowercase only — applies one context rule, Final_Sigma: `Σ`
/// becomes `ς` when a cased letter precedes it within the same word and no
/// cased letter follows it within that word (see `isFinalSigma`).
///
/// The mappings come from the Swift standard library's Unicode tables, which
/// may be a newer Unicode version than the JVM's (Java 17 has Unicode 13):
/// letters added since then are mapped here but left alone by such a JVM.
enum JavaCase {
    /// Appends the lowercase form of `src` to `out`.
    static func lower(_ src: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard let p = src.baseAddress else { return }
        let n = src.count
        let table = CaseTables.shared
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 {
                out.append(b &+ ((b &- 0x41) < 26 ? 0x20 : 0))
                i += 1
                continue
            }
            let (s, len) = UTF8Scalars.decode(p, i, n)
            if s == 0x03A3 {
                UTF8Scalars.append(isFinalSigma(p, at: i, length: len, count: n) ? 0x03C2 : 0x03C3, to: &out)
            } else if len == 1 && s == 0xFFFD {
                UTF8Scalars.append(s, to: &out)
            } else {
                table.appendLower(s, p + i, len, to: &out)
            }
            i += len
        }
    }

    /// Appends the uppercase form of `src` to `out`.
    static func upper(_ src: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard let p = src.baseAddress else { return }
        let n = src.count
        let table = CaseTables.shared
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 {
                out.append(b &- ((b &- 0x61) < 26 ? 0x20 : 0))
                i += 1
                continue
            }
            let (s, len) = UTF8Scalars.decode(p, i, n)
            if len == 1 && s == 0xFFFD {
                UTF8Scalars.append(s, to: &out)
            } else {
                table.appendUpper(s, p + i, len, to: &out)
            }
            i += len
        }
    }

    // MARK: Final sigma

    /// Java's Final_Sigma test (`ConditionalSpecialCasing.isFinalCased`):
    /// looking backwards from the sigma up to the start of its word there is a
    /// cased character, and looking forwards up to the end of the word there
    /// is none. Java delimits words with its word `BreakIterator`; this
    /// follows that iterator's rules for the characters that occur around
    /// Greek words: letters and digits run together, combining marks and
    /// format characters stick to what precedes them, and `.` `'` `"`, dashes,
    /// the soft hyphen and `_` join two letters (`.` `'` `"` `,` join two digits).
    static func isFinalSigma(_ p: UnsafePointer<UInt8>, at index: Int, length: Int, count n: Int) -> Bool {
        // Backwards: find a cased character before a word boundary.
        var i = index
        var right = WordClass.letter            // the sigma itself
        var foundCased = false
        while i > 0 {
            let (s, len) = UTF8Scalars.decodeBefore(p, i, 0)
            let cls = WordClass(s)
            if cls == .ignorable {
                if isCased(s) { foundCased = true; break }
                i -= len; continue
            }
            if cls == .letter || cls == .digit {
                if isCased(s) { foundCased = true; break }
                right = cls; i -= len; continue
            }
            // A joiner belongs to the word only between two letters (or digits).
            let before = previousClass(p, i - len)
            if cls.joins(right, before) { i -= len; continue }
            break
        }
        guard foundCased else { return false }
        // Forwards: no cased character before the word ends.
        var j = index + length
        var left = WordClass.letter
        while j < n {
            let (s, len) = UTF8Scalars.decode(p, j, n)
            let cls = WordClass(s)
            if cls == .ignorable {
                if isCased(s) { return false }
                j += len; continue
            }
            if cls == .letter || cls == .digit {
                if isCased(s) { return false }
                left = cls; j += len; continue
            }
            let after = nextClass(p, j + len, n)
            if cls.joins(left, after) { j += len; continue }
            break
        }
        return true
    }

    private static func previousClass(_ p: UnsafePointer<UInt8>, _ end: Int) -> WordClass {
        var i = end
        while i > 0 {
            let (s, len) = UTF8Scalars.decodeBefore(p, i, 0)
            let c = WordClass(s)
            if c != .ignorable { return c }
            i -= len
        }
        return .other
    }

    private static func nextClass(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> WordClass {
        var j = start
        while j < n {
            let (s, len) = UTF8Scalars.decode(p, j, n)
            let c = WordClass(s)
            if c != .ignorable { return c }
            j += len
        }
        return .other
    }

    /// Java's notion of "cased": general category Lu, Ll or Lt, or one of the
    /// Other_Lowercase/Other_Uppercase ranges Java lists explicitly.
    static func isCased(_ s: UInt32) -> Bool {
        if s < 0x80 { return (s | 0x20) &- 0x61 < 26 }
        guard let scalar = Unicode.Scalar(s) else { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter: return true
        default: break
        }
        switch s {
        case 0x02B0 ... 0x02B8, 0x02C0 ... 0x02C1, 0x02E0 ... 0x02E4, 0x0345, 0x037A,
             0x1D2C ... 0x1D61, 0x2160 ... 0x217F, 0x24B6 ... 0x24E9:
            return true
        default:
            return false
        }
    }

    /// Character classes of Java's word break rules, as far as Final_Sigma needs them.
    enum WordClass: Equatable {
        case letter, digit, ignorable, midWord, midNum, midBoth, other

        init(_ s: UInt32) {
            switch s {
            case 0x2E, 0x27, 0x22: self = .midBoth          // . ' "
            case 0x2C, 0x066B: self = .midNum               // , and Arabic decimal separator
            case 0x00AD, 0x2027, 0x5F: self = .midWord      // soft hyphen, hyphenation point, _
            default:
                guard let scalar = Unicode.Scalar(s) else { self = .other; return }
                switch scalar.properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                     .spacingMark:
                    self = .letter
                case .decimalNumber, .letterNumber, .otherNumber:
                    self = .digit
                case .nonspacingMark, .enclosingMark, .format:
                    self = .ignorable
                case .dashPunctuation:
                    self = .midWord
                default:
                    self = .other
                }
            }
        }

        /// Whether this joiner keeps `a` and `b` (its neighbours) in one word.
        func joins(_ a: WordClass, _ b: WordClass) -> Bool {
            switch self {
            case .midWord: a == .letter && b == .letter
            case .midNum: a == .digit && b == .digit
            case .midBoth: (a == .letter && b == .letter) || (a == .digit && b == .digit)
            default: false
            }
        }
    }
}

/// Case mapping tables for non-ASCII scalars, built once from the standard
/// library's Unicode data. A mapping is stored as UTF-8 bytes in `arena`;
/// `bmp[s]` packs `offset << 8 | length` (0 = maps to itself), and the few
/// cased scalars beyond the BMP live in dictionaries.
final class CaseTables: Sendable {
    static let shared = CaseTables()

    private let arena: [UInt8]
    private let lowerBMP: [UInt32]
    private let upperBMP: [UInt32]
    private let lowerSupplementary: [UInt32: UInt32]
    private let upperSupplementary: [UInt32: UInt32]

    private init() {
        var arena: [UInt8] = []
        var lowerBMP = [UInt32](repeating: 0, count: 0x10000)
        var upperBMP = [UInt32](repeating: 0, count: 0x10000)
        var lowerSupplementary: [UInt32: UInt32] = [:]
        var upperSupplementary: [UInt32: UInt32] = [:]
        func store(_ mapping: String) -> UInt32 {
            let offset = arena.count
            arena.append(contentsOf: mapping.utf8)
            return UInt32(offset) << 8 | UInt32(arena.count - offset)
        }
        // No scalar above U+1F000 has a case mapping (the last are Adlam's, U+1E900…).
        for v in UInt32(0x80) ..< 0x1F000 {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let props = scalar.properties
            if props.changesWhenLowercased {
                let packed = store(props.lowercaseMapping)
                if v < 0x10000 { lowerBMP[Int(v)] = packed } else { lowerSupplementary[v] = packed }
            }
            if props.changesWhenUppercased {
                let packed = store(props.uppercaseMapping)
                if v < 0x10000 { upperBMP[Int(v)] = packed } else { upperSupplementary[v] = packed }
            }
        }
        self.arena = arena
        self.lowerBMP = lowerBMP
        self.upperBMP = upperBMP
        self.lowerSupplementary = lowerSupplementary
        self.upperSupplementary = upperSupplementary
    }

    @inline(__always)
    func appendLower(_ s: UInt32, _ src: UnsafePointer<UInt8>, _ len: Int, to out: inout [UInt8]) {
        let packed = s < 0x10000 ? lowerBMP[Int(s)] : (lowerSupplementary[s] ?? 0)
        append(packed, src, len, to: &out)
    }

    @inline(__always)
    func appendUpper(_ s: UInt32, _ src: UnsafePointer<UInt8>, _ len: Int, to out: inout [UInt8]) {
        let packed = s < 0x10000 ? upperBMP[Int(s)] : (upperSupplementary[s] ?? 0)
        append(packed, src, len, to: &out)
    }

    @inline(__always)
    private func append(_ packed: UInt32, _ src: UnsafePointer<UInt8>, _ len: Int, to out: inout [UInt8]) {
        if packed == 0 {
            out.append(contentsOf: UnsafeBufferPointer(start: src, count: len))
        } else {
            let offset = Int(packed >> 8), count = Int(packed & 0xFF)
            arena.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[offset ..< offset + count])) }
        }
    }
}
