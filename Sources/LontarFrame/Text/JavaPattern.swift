/// A compiled Java regular expression, as Spark's `regexp_replace`, `rlike`,
/// `split` and ML `RegexTokenizer` use it.
///
/// Simple patterns (see `SimplePattern`) run on a dedicated fast scanner;
/// everything else needs the general regex engine.
struct JavaPattern: Sendable {
    let source: String
    let simple: SimplePattern?
    /// Capturing groups in the pattern (group 0, the whole match, not counted).
    let groupCount: Int
    /// Named groups (`(?<name>…)`) and their numbers.
    let groupNames: [String: Int]

    static func compile(_ pattern: String) throws -> JavaPattern {
        if let simple = SimplePattern.parse(pattern) {
            return JavaPattern(source: pattern, simple: simple, groupCount: 0, groupNames: [:])
        }
        throw FrameError.invalidPattern(pattern: pattern, message: "this pattern needs the general regex engine, which is not available yet")
    }

    /// The first match starting at or after `from`; `groups[k]` receives group
    /// `k`'s range (nil if it did not participate). `groups` must have
    /// `groupCount + 1` elements.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, count n: Int, from: Int, groups: inout [Range<Int>?]) -> Range<Int>? {
        if let simple {
            let m = simple.find(p, count: n, from: from)
            groups[0] = m
            return m
        }
        return nil
    }
}

/// The replacement string of Java's `Matcher.replaceAll`: `$n` and `${name}`
/// insert a group, a backslash quotes the next character, anything else is
/// literal. `$12` means group 12 only if the pattern has 12 groups (otherwise
/// group 1 followed by `2`), as in Java.
struct JavaReplacement: Sendable {
    enum Piece: Sendable {
        case literal([UInt8])
        case group(Int)
    }
    let pieces: [Piece]

    /// The replacement without any group reference, if it has none.
    var literal: [UInt8]? {
        var bytes: [UInt8] = []
        for p in pieces {
            guard case .literal(let b) = p else { return nil }
            bytes += b
        }
        return bytes
    }

    static func parse(_ replacement: String, for pattern: JavaPattern) throws -> JavaReplacement {
        let s = Array(replacement.unicodeScalars)
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
        }
        func fail(_ why: String) -> FrameError {
            .invalidArgument("replacement '\(replacement)': \(why)")
        }
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "\\" {
                i += 1
                guard i < s.count else { throw fail("character to be escaped is missing") }
                literal += Array(String(s[i]).utf8)
                i += 1
            } else if c == "$" {
                i += 1
                guard i < s.count else { throw fail("illegal group reference: group index is missing") }
                if s[i] == "{" {
                    var name = ""
                    i += 1
                    while i < s.count && s[i] != "}" { name.unicodeScalars.append(s[i]); i += 1 }
                    guard i < s.count else { throw fail("named capturing group is missing trailing '}'") }
                    i += 1
                    guard let number = pattern.groupNames[name] else { throw fail("no group with name {\(name)}") }
                    flush(); pieces.append(.group(number))
                } else {
                    guard let first = s[i].properties.numericType == .decimal ? Int(String(s[i])) : nil,
                          s[i].isASCII else { throw fail("illegal group reference") }
                    var number = first
                    i += 1
                    // Java takes further digits only while the number stays a valid group.
                    while i < s.count, s[i].isASCII, let d = Int(String(s[i])), number * 10 + d <= pattern.groupCount {
                        number = number * 10 + d
                        i += 1
                    }
                    guard number <= pattern.groupCount else { throw fail("no group \(number)") }
                    flush(); pieces.append(.group(number))
                }
            } else {
                literal += Array(String(c).utf8)
                i += 1
            }
        }
        flush()
        return JavaReplacement(pieces: pieces)
    }
}
