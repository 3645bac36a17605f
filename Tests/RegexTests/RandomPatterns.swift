/// Seeded random patterns and inputs over a small alphabet, for the
/// differential test against Java. The alphabet mixes ASCII, two-, three-
/// and four-byte UTF-8 characters, a combining mark (for `\b`), line
/// terminators (for `.`, `^`, `$`), and upper case (for `(?i)`); patterns
/// use every supported construct, including ones that match empty.
struct RandomPatterns {
    private var state: UInt64
    /// Nested mode: deeper nesting, more groups and quantifiers, a smaller
    /// alphabet — for loops inside loops, empty rounds and backtracking.
    let nested: Bool

    init(seed: UInt64, nested: Bool = false) {
        state = seed
        self.nested = nested
    }

    /// SplitMix64.
    mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(nextRandom() % UInt64(n)) }

    mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    static let inputAlphabet: [String] = [
        "a", "b", "c", "x", "A", "B", "é", "É", "€", "\u{301}", " ", "\n", "\r", "1", "_", "-", ".",
        "\u{2028}", "\u{85}", "😀", "𝐀",
    ]

    static let nestedAlphabet: [String] = ["a", "b", "a", "b", "é", "\n", "\r", " ", "\u{301}", "1"]

    mutating func input() -> String {
        var s = ""
        let n = below(13)
        for _ in 0..<n { s += pick(nested ? RandomPatterns.nestedAlphabet : RandomPatterns.inputAlphabet) }
        // Some inputs end with a line terminator, where `$` and `\Z` differ from `\z`.
        if chance(15) { s += pick(["\n", "\r\n", "\r", "\u{2028}"]) }
        return s
    }

    static let literals = ["a", "b", "c", "x", "é", "€", "\u{301}", " ", "\\n", "\\r", "\\.", "-", "1", "_",
                           "A", "\\u00e9", "\\x{20AC}", "\\t", "\\Q.a\\E", "😀", "[😀a]"]
    static let classes = [
        ".", "\\w", "\\W", "\\s", "\\S", "\\d", "\\D", "\\p{L}", "\\p{Lu}", "\\P{L}", "\\p{Punct}", "\\p{Alpha}",
        "\\h", "\\v", "\\R", "[ab]", "[^a]", "[a-c]", "[é€]", "[^\\s]", "[\\w&&[^b]]", "[a-c[x-z]]", "[^a-cé]",
        "[A-Z]", "\\p{Mn}", "[\\p{L}\\d]", "\\p{IsAlphabetic}", "\\p{javaLowerCase}", "[.]", "[-a]", "[a-]",
    ]
    static let anchors = ["^", "$", "\\b", "\\B", "\\A", "\\z", "\\Z"]
    static let flags = ["(?i)", "(?m)", "(?s)", "(?-i)", "(?im)"]

    static let nestedLiterals = ["a", "b", "é", "\\n", "\\r", " ", "1", "ab", "[ab]", "[^a]", ".", "\\w", "\\s",
                                 "\\R", "\\b", "\\B", "^", "$", "(?m:^)", "(?m:$)", "\\Z"]

    mutating func pattern(depth: Int = 3) -> String { nested ? nestedAlternation(4) : alternation(depth) }

    private mutating func nestedAlternation(_ depth: Int) -> String {
        var s = nestedSequence(depth)
        if chance(30) { s += "|" + nestedSequence(depth) }
        return s
    }

    private mutating func nestedSequence(_ depth: Int) -> String {
        var s = ""
        for _ in 0..<(1 + below(3)) {
            var atom: String
            if depth > 0 && chance(45) {
                atom = pick(["(", "(?:", "(", "(?i:"]) + nestedAlternation(depth - 1) + ")"
            } else {
                atom = pick(RandomPatterns.nestedLiterals)
            }
            if chance(60) {
                atom += pick(["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "*?", "+?", "??", "{1,2}?"])
            }
            s += atom
        }
        return s
    }

    private mutating func alternation(_ depth: Int) -> String {
        var s = sequence(depth)
        if chance(20) {
            for _ in 0..<(1 + below(2)) { s += "|" + sequence(depth) }
        }
        return s
    }

    private mutating func sequence(_ depth: Int) -> String {
        var s = ""
        for _ in 0..<below(5) { s += piece(depth) }
        return s
    }

    private mutating func piece(_ depth: Int) -> String {
        let r = below(100)
        if r < 5 { return pick(RandomPatterns.flags) }
        var atom: String
        switch r {
        case 5..<40: atom = pick(RandomPatterns.literals)
        case 40..<65: atom = pick(RandomPatterns.classes)
        case 65..<78: atom = pick(RandomPatterns.anchors)
        default:
            if depth == 0 { atom = pick(RandomPatterns.literals); break }
            let open = pick(["(", "(", "(?:", "(?i:", "(?<g>"])
            atom = open + alternation(depth - 1) + ")"
        }
        return atom + quantifier()
    }

    private mutating func quantifier() -> String {
        let r = below(100)
        var q: String
        switch r {
        case 0..<55: return ""
        case 55..<67: q = "*"
        case 67..<77: q = "+"
        case 77..<87: q = "?"
        case 87..<91: q = "{\(below(3))}"
        case 91..<95: q = "{\(below(3)),}"
        default:
            let lo = below(3)
            q = "{\(lo),\(lo + below(3))}"
        }
        if chance(25) { q += "?" }
        return q
    }

    /// A random bracket expression, often malformed: Java's class syntax
    /// has many corner cases (`]` first, `-` at either end, `&&`, nesting).
    mutating func characterClass(depth: Int = 2) -> String {
        var s = chance(30) ? "[^" : "["
        let pieces = ["a", "b", "z", "-", "^", "&", "&&", "]", "a-c", "b-z", "\\d", "\\w", "\\s", "\\p{L}",
                      "\\P{Lu}", "é", "€", "\\-", "\\]", "\\[", "A-Z", "0-9", ".", "|", "\\x41", "\\u00e9"]
        for _ in 0..<(1 + below(4)) {
            if depth > 0 && chance(20) {
                s += characterClass(depth: depth - 1)
            } else {
                s += pick(pieces)
            }
        }
        return s + (chance(92) ? "]" : "")
    }

    static let classProbe = "abczABZ019-^&[]é€É .|\u{301}_\\"

    mutating func replacement() -> String {
        pick(["", "-", "<$0>", "[$1]", "\\$", "${g}", "$0$0", "\\\\", "é"])
    }
}
