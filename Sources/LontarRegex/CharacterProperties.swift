/// The character classes behind `\p{…}`, `\d`, `\w`, `\s`, `\h`, `\v` and `.`,
/// with Java 17's definitions (`java.util.regex.CharPredicates`).
///
/// Java's predefined classes are ASCII-only by default (`\w` = `[a-zA-Z_0-9]`,
/// POSIX `\p{Alpha}` = `[a-zA-Z]`), while `\p{L}` and the `\p{IsXxx}` binary
/// properties are Unicode. Sets are built on first use and cached.
enum CharacterProperties {
    typealias Category = UnicodeCategory.GeneralCategory

    // MARK: Predefined escapes

    static let asciiDigit = CodePointSet(0x30, 0x39)
    static let asciiWord = CodePointSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let asciiSpace = CodePointSet(ranges: [0x09...0x0D, 0x20...0x20])
    /// `\h`: horizontal whitespace.
    static let horizontalSpace = CodePointSet(ranges: [
        0x09...0x09, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x180E...0x180E,
        0x2000...0x200A, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000,
    ])
    /// `\v`: vertical whitespace.
    static let verticalSpace = CodePointSet(ranges: [0x0A...0x0D, 0x85...0x85, 0x2028...0x2029])
    /// Java's line terminators, which `.` does not match (without `(?s)`).
    static let lineTerminators = CodePointSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x85...0x85, 0x2028...0x2029])
    static let dot = lineTerminators.inverted

    // MARK: Sets for assertions

    /// `Character.isLetterOrDigit`: `L*` or `Nd`.
    static let letterOrDigit = UnicodeCategory.set(forMask: UnicodeCategory.letterMask | Category.Nd.bit)
    /// The word characters of Java 17's `\b`: letters, digits and `_`.
    static let boundaryWord = letterOrDigit.union(CodePointSet(0x5F))
    /// Non-spacing marks, which `\b` treats as part of the preceding word.
    static let nonSpacingMark = UnicodeCategory.set(forMask: Category.Mn.bit)

    // MARK: \p{…}

    /// Resolves the name inside `\p{…}` (or the single letter of `\pL`).
    /// Returns nil with a message when the name is unknown or unsupported.
    static func set(forPropertyName name: String, caseInsensitive ci: Bool) -> Result<CodePointSet, PropertyError> {
        if let eq = name.firstIndex(of: "=") {
            let key = name[..<eq].lowercased()
            let value = String(name[name.index(after: eq)...])
            switch key {
            case "sc", "script":
                return .failure(.unsupported("Unicode scripts (\\p{\(name)}) are not supported"))
            case "blk", "block":
                return .failure(.unsupported("Unicode blocks (\\p{\(name)}) are not supported"))
            case "gc", "general_category":
                if let s = javaProperty(value, ci) { return .success(s) }
            default:
                break
            }
            return .failure(.unknown("Unknown Unicode property {name=<\(key)>, value=<\(value)>}"))
        }
        if name.hasPrefix("In") {
            return .failure(.unsupported("Unicode blocks (\\p{\(name)}) are not supported"))
        }
        if name.hasPrefix("Is") {
            let short = String(name.dropFirst(2))
            if let s = binaryProperty(short.uppercased(), ci) ?? javaProperty(short, ci) { return .success(s) }
            return .failure(.unsupported(
                "Unknown or unsupported character property {\(name)} (Unicode scripts are not supported)"))
        }
        if let s = javaProperty(name, ci) { return .success(s) }
        if unsupportedJavaProperties.contains(name) {
            return .failure(.unsupported("character property {\(name)} is not supported"))
        }
        return .failure(.unknown("Unknown character property name {\(name)}"))
    }

    enum PropertyError: Error {
        case unknown(String)
        case unsupported(String)
        var message: String {
            switch self {
            case .unknown(let m), .unsupported(let m): return m
            }
        }
    }

    static let unsupportedJavaProperties: Set<String> = [
        "javaJavaIdentifierStart", "javaJavaIdentifierPart", "javaUnicodeIdentifierStart",
        "javaUnicodeIdentifierPart", "javaIdentifierIgnorable",
    ]

    private static func categories(_ cs: Category...) -> CodePointSet {
        UnicodeCategory.set(forMask: cs.reduce(0) { $0 | $1.bit })
    }

    private static let anyCase = UnicodeCategory.set(forMask: Category.Lu.bit | Category.Ll.bit | Category.Lt.bit)

    /// `CharPredicates.forProperty`: categories, POSIX (ASCII) classes and
    /// `java.lang.Character` predicates.
    static func javaProperty(_ name: String, _ ci: Bool) -> CodePointSet? {
        if name.count == 2, let c = Category.allCases.first(where: { "\($0)" == name }) {
            if ci && (c == .Lu || c == .Ll || c == .Lt) { return anyCase }
            return UnicodeCategory.set(forMask: c.bit)
        }
        let ascii = { (ranges: [ClosedRange<UInt32>]) in CodePointSet(ranges: ranges) }
        switch name {
        case "L": return UnicodeCategory.set(forMask: UnicodeCategory.letterMask)
        case "M": return UnicodeCategory.set(forMask: UnicodeCategory.markMask)
        case "N": return UnicodeCategory.set(forMask: UnicodeCategory.numberMask)
        case "Z": return UnicodeCategory.set(forMask: UnicodeCategory.separatorMask)
        case "C": return categories(.Cc, .Cf, .Co, .Cs, .Cn)
        case "P": return UnicodeCategory.set(forMask: UnicodeCategory.punctuationMask)
        case "S": return UnicodeCategory.set(forMask: UnicodeCategory.symbolMask)
        case "LC": return anyCase
        case "LD": return letterOrDigit
        case "L1": return CodePointSet(0, 0xFF)
        case "all": return .all
        case "ASCII": return CodePointSet(0, 0x7F)
        case "Alnum": return ascii([0x30...0x39, 0x41...0x5A, 0x61...0x7A])
        case "Alpha": return ascii([0x41...0x5A, 0x61...0x7A])
        case "Blank": return ascii([0x09...0x09, 0x20...0x20])
        case "Cntrl": return ascii([0x00...0x1F, 0x7F...0x7F])
        case "Digit": return asciiDigit
        case "Graph": return CodePointSet(0x21, 0x7E)
        case "Lower": return ci ? ascii([0x41...0x5A, 0x61...0x7A]) : CodePointSet(0x61, 0x7A)
        case "Upper": return ci ? ascii([0x41...0x5A, 0x61...0x7A]) : CodePointSet(0x41, 0x5A)
        case "Print": return CodePointSet(0x20, 0x7E)
        case "Punct": return ascii([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E])
        case "Space": return asciiSpace
        case "XDigit": return ascii([0x30...0x39, 0x41...0x46, 0x61...0x66])
        case "javaLowerCase": return ci ? caseAny : lowercase
        case "javaUpperCase": return ci ? caseAny : uppercase
        case "javaTitleCase": return ci ? caseAny : categories(.Lt)
        case "javaAlphabetic": return alphabetic
        case "javaIdeographic": return ideographic
        case "javaDigit": return categories(.Nd)
        case "javaDefined": return categories(.Cn).inverted
        case "javaLetter": return UnicodeCategory.set(forMask: UnicodeCategory.letterMask)
        case "javaLetterOrDigit": return letterOrDigit
        case "javaSpaceChar": return UnicodeCategory.set(forMask: UnicodeCategory.separatorMask)
        case "javaWhitespace": return CodePointSet(where: UnicodeCategory.isJavaWhitespace)
        case "javaISOControl": return ascii([0x00...0x1F, 0x7F...0x9F])
        case "javaMirrored": return CodePointSet(where: { Unicode.Scalar($0)?.properties.isBidiMirrored ?? false })
        default: return nil
        }
    }

    /// `CharPredicates.forUnicodeProperty` (names upper-cased), including the
    /// Unicode versions of the POSIX names, as used by `\p{IsXxx}`.
    static func binaryProperty(_ name: String, _ ci: Bool) -> CodePointSet? {
        switch name {
        case "ALPHABETIC", "ALPHA": return alphabetic
        case "ASSIGNED": return categories(.Cn).inverted
        case "CONTROL", "CNTRL": return categories(.Cc)
        case "HEXDIGIT", "HEX_DIGIT", "XDIGIT": return hexDigit
        case "IDEOGRAPHIC": return ideographic
        case "JOINCONTROL", "JOIN_CONTROL": return CodePointSet(0x200C, 0x200D)
        case "LETTER": return UnicodeCategory.set(forMask: UnicodeCategory.letterMask)
        case "LOWERCASE", "LOWER": return ci ? caseAny : lowercase
        case "UPPERCASE", "UPPER": return ci ? caseAny : uppercase
        case "TITLECASE": return ci ? caseAny : categories(.Lt)
        case "NONCHARACTERCODEPOINT", "NONCHARACTER_CODE_POINT":
            return CodePointSet(where: { $0 & 0xFFFE == 0xFFFE || (0xFDD0...0xFDEF).contains($0) })
        case "PUNCTUATION", "PUNCT": return UnicodeCategory.set(forMask: UnicodeCategory.punctuationMask)
        case "WHITESPACE", "WHITE_SPACE", "SPACE": return whiteSpace
        case "WORD": return alphabetic.union(categories(.Mn, .Me, .Mc, .Nd, .Pc)).union(CodePointSet(0x200C, 0x200D))
        case "DIGIT": return categories(.Nd)
        case "ALNUM": return alphabetic.union(categories(.Nd))
        case "BLANK": return categories(.Zs).union(CodePointSet(0x09))
        case "GRAPH": return graph
        case "PRINT": return graph.union(categories(.Zs)).union(CodePointSet(0x09)).subtracting(categories(.Cc))
        default: return nil
        }
    }

    static let alphabetic = CodePointSet(where: { Unicode.Scalar($0)?.properties.isAlphabetic ?? false })
    static let lowercase = CodePointSet(where: { Unicode.Scalar($0)?.properties.isLowercase ?? false })
    static let uppercase = CodePointSet(where: { Unicode.Scalar($0)?.properties.isUppercase ?? false })
    static let ideographic = CodePointSet(where: { Unicode.Scalar($0)?.properties.isIdeographic ?? false })
    /// Java's case-insensitive reading of the case properties: any cased letter.
    static let caseAny = lowercase.union(uppercase).union(UnicodeCategory.set(forMask: Category.Lt.bit))
    static let whiteSpace = UnicodeCategory.set(forMask: UnicodeCategory.separatorMask)
        .union(CodePointSet(ranges: [0x09...0x0D, 0x85...0x85]))
    static let hexDigit = UnicodeCategory.set(forMask: Category.Nd.bit).union(CodePointSet(ranges: [
        0x30...0x39, 0x41...0x46, 0x61...0x66, 0xFF10...0xFF19, 0xFF21...0xFF26, 0xFF41...0xFF46,
    ]))
    static let graph = UnicodeCategory.set(forMask:
        Category.Zs.bit | Category.Zl.bit | Category.Zp.bit | Category.Cc.bit | Category.Cs.bit | Category.Cn.bit).inverted
}
