/// Fast Unicode general-category lookups on raw code points, for the regex
/// engine (`\p{L}`, Java's `\b`) and for tokenizers that classify characters.
///
/// The table is built once, lazily, from the standard library's Unicode data
/// (`Unicode.Scalar.Properties.generalCategory`) into a two-stage lookup
/// table: 4,352 pages of 256 code points, identical pages shared. A lookup is
/// two array reads. Note that the standard library may follow a newer Unicode
/// version than a given Java runtime (Java 17 implements Unicode 13), so code
/// points assigned since then are letters here but unassigned (`Cn`) in Java.
public enum UnicodeCategory {
    /// The Unicode general categories, with Java's two-letter names.
    public enum GeneralCategory: UInt8, CaseIterable, Sendable {
        case Lu, Ll, Lt, Lm, Lo
        case Mn, Mc, Me
        case Nd, Nl, No
        case Pc, Pd, Ps, Pe, Pi, Pf, Po
        case Sm, Sc, Sk, So
        case Zs, Zl, Zp
        case Cc, Cf, Cs, Co, Cn

        /// Bit for this category in a category mask.
        public var bit: UInt32 { 1 << UInt32(rawValue) }

        public var isLetter: Bool { rawValue <= GeneralCategory.Lo.rawValue }
        public var isMark: Bool { (GeneralCategory.Mn.rawValue...GeneralCategory.Me.rawValue).contains(rawValue) }
        public var isNumber: Bool { (GeneralCategory.Nd.rawValue...GeneralCategory.No.rawValue).contains(rawValue) }
        public var isPunctuation: Bool { (GeneralCategory.Pc.rawValue...GeneralCategory.Po.rawValue).contains(rawValue) }
        public var isSymbol: Bool { (GeneralCategory.Sm.rawValue...GeneralCategory.So.rawValue).contains(rawValue) }
        public var isSeparator: Bool { (GeneralCategory.Zs.rawValue...GeneralCategory.Zp.rawValue).contains(rawValue) }
        public var isOther: Bool { rawValue >= GeneralCategory.Cc.rawValue }
    }

    /// Category masks for the one-letter groups.
    static let letterMask: UInt32 = GeneralCategory.allCases.filter(\.isLetter).reduce(0) { $0 | $1.bit }
    static let markMask: UInt32 = GeneralCategory.allCases.filter(\.isMark).reduce(0) { $0 | $1.bit }
    static let numberMask: UInt32 = GeneralCategory.allCases.filter(\.isNumber).reduce(0) { $0 | $1.bit }
    static let punctuationMask: UInt32 = GeneralCategory.allCases.filter(\.isPunctuation).reduce(0) { $0 | $1.bit }
    static let symbolMask: UInt32 = GeneralCategory.allCases.filter(\.isSymbol).reduce(0) { $0 | $1.bit }
    static let separatorMask: UInt32 = GeneralCategory.allCases.filter(\.isSeparator).reduce(0) { $0 | $1.bit }

    /// The general category of `scalar` (values above U+10FFFF are `Cn`).
    @inline(__always)
    public static func generalCategory(_ scalar: UInt32) -> GeneralCategory {
        if scalar < 0x80 { return asciiCategories[Int(scalar)] }
        return GeneralCategory(rawValue: CategoryTable.shared.rawCategory(scalar))!
    }

    /// Whether `scalar`'s category is in `mask` (a union of `GeneralCategory.bit`).
    @inline(__always)
    public static func isIn(_ scalar: UInt32, mask: UInt32) -> Bool {
        let raw = scalar < 0x80 ? asciiCategories[Int(scalar)].rawValue : CategoryTable.shared.rawCategory(scalar)
        return mask & (1 << UInt32(raw)) != 0
    }

    /// `L*` — Java's `Character.isLetter`.
    @inline(__always) public static func isLetter(_ s: UInt32) -> Bool { isIn(s, mask: letterMask) }
    /// `N*` (decimal digits, letter numbers such as Ⅻ, other numbers such as ½).
    @inline(__always) public static func isNumber(_ s: UInt32) -> Bool { isIn(s, mask: numberMask) }
    /// `Nd` — Java's `Character.isDigit`.
    @inline(__always) public static func isDigit(_ s: UInt32) -> Bool { generalCategory(s) == .Nd }
    /// `L*` or `Nd` — Java's `Character.isLetterOrDigit`.
    @inline(__always) public static func isLetterOrDigit(_ s: UInt32) -> Bool {
        isIn(s, mask: letterMask | GeneralCategory.Nd.bit)
    }
    /// `P*`.
    @inline(__always) public static func isPunctuation(_ s: UInt32) -> Bool { isIn(s, mask: punctuationMask) }
    /// `S*`.
    @inline(__always) public static func isSymbol(_ s: UInt32) -> Bool { isIn(s, mask: symbolMask) }
    /// `Z*` (space, line and paragraph separators).
    @inline(__always) public static func isSeparator(_ s: UInt32) -> Bool { isIn(s, mask: separatorMask) }
    /// `M*`.
    @inline(__always) public static func isMark(_ s: UInt32) -> Bool { isIn(s, mask: markMask) }
    /// Java's `Character.isWhitespace`: space separators except the no-break
    /// spaces, line/paragraph separators, and U+0009–U+000D, U+001C–U+001F.
    @inline(__always) public static func isJavaWhitespace(_ s: UInt32) -> Bool {
        if s < 0x80 { return (0x09...0x0D).contains(s) || (0x1C...0x20).contains(s) }
        if s == 0xA0 || s == 0x2007 || s == 0x202F { return false }
        return isSeparator(s)
    }

    /// Categories of the ASCII range, so the common case needs no table.
    static let asciiCategories: [GeneralCategory] = (0..<128).map { cp in
        CategoryTable.category(of: UInt32(cp))
    }

    /// All code points whose category is in `mask`.
    static func set(forMask mask: UInt32) -> CodePointSet {
        CategoryTable.shared.set(forMask: mask)
    }
}

/// The two-stage category table behind `UnicodeCategory`.
final class CategoryTable: Sendable {
    static let shared = CategoryTable()

    /// Page number (code point >> 8) → index of its 256-entry page in `pages`.
    let pageIndex: [UInt16]
    /// Concatenated distinct pages of raw `GeneralCategory` values.
    let pages: [UInt8]
    /// Per category, its members as ranges (for building class sets).
    let categoryRanges: [[ClosedRange<UInt32>]]

    private init() {
        var index = [UInt16](repeating: 0, count: 0x1100)
        var pages: [UInt8] = []
        var seen: [[UInt8]: UInt16] = [:]
        var ranges = [[ClosedRange<UInt32>]](repeating: [], count: UnicodeCategory.GeneralCategory.allCases.count)
        var runStart: UInt32 = 0
        var runCategory = CategoryTable.category(of: 0).rawValue
        var page = [UInt8](repeating: 0, count: 256)
        for p in 0..<0x1100 {
            for k in 0..<256 {
                let cp = UInt32(p << 8 | k)
                let c = CategoryTable.category(of: cp).rawValue
                page[k] = c
                if c != runCategory {
                    ranges[Int(runCategory)].append(runStart...(cp - 1))
                    runStart = cp
                    runCategory = c
                }
            }
            if let existing = seen[page] {
                index[p] = existing
            } else {
                let id = UInt16(pages.count / 256)
                seen[page] = id
                index[p] = id
                pages.append(contentsOf: page)
            }
        }
        ranges[Int(runCategory)].append(runStart...CodePointSet.maxScalar)
        self.pageIndex = index
        self.pages = pages
        self.categoryRanges = ranges
    }

    @inline(__always)
    func rawCategory(_ scalar: UInt32) -> UInt8 {
        if scalar > CodePointSet.maxScalar { return UnicodeCategory.GeneralCategory.Cn.rawValue }
        return pages.withUnsafeBufferPointer { pg in
            pageIndex.withUnsafeBufferPointer { ix in
                pg[Int(ix[Int(scalar >> 8)]) << 8 | Int(scalar & 0xFF)]
            }
        }
    }

    func set(forMask mask: UInt32) -> CodePointSet {
        var all: [ClosedRange<UInt32>] = []
        for c in UnicodeCategory.GeneralCategory.allCases where mask & c.bit != 0 {
            all += categoryRanges[Int(c.rawValue)]
        }
        return CodePointSet(ranges: all)
    }

    /// The category of one code point, from the standard library.
    static func category(of cp: UInt32) -> UnicodeCategory.GeneralCategory {
        guard let scalar = Unicode.Scalar(cp) else { return .Cs }  // surrogates
        switch scalar.properties.generalCategory {
        case .uppercaseLetter: return .Lu
        case .lowercaseLetter: return .Ll
        case .titlecaseLetter: return .Lt
        case .modifierLetter: return .Lm
        case .otherLetter: return .Lo
        case .nonspacingMark: return .Mn
        case .spacingMark: return .Mc
        case .enclosingMark: return .Me
        case .decimalNumber: return .Nd
        case .letterNumber: return .Nl
        case .otherNumber: return .No
        case .connectorPunctuation: return .Pc
        case .dashPunctuation: return .Pd
        case .openPunctuation: return .Ps
        case .closePunctuation: return .Pe
        case .initialPunctuation: return .Pi
        case .finalPunctuation: return .Pf
        case .otherPunctuation: return .Po
        case .mathSymbol: return .Sm
        case .currencySymbol: return .Sc
        case .modifierSymbol: return .Sk
        case .otherSymbol: return .So
        case .spaceSeparator: return .Zs
        case .lineSeparator: return .Zl
        case .paragraphSeparator: return .Zp
        case .control: return .Cc
        case .format: return .Cf
        case .surrogate: return .Cs
        case .privateUse: return .Co
        case .unassigned: return .Cn
        @unknown default: return .Cn
        }
    }
}
