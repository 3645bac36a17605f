/// A replacement string in Java's `Matcher.appendReplacement` syntax, as
/// Spark's `regexp_replace` uses it: `$n` inserts group n (taking as many
/// digits as still name an existing group), `${name}` a named group,
/// `\x` the character x literally; everything else is copied.
///
/// Java parses the replacement at each match, so an invalid replacement is
/// only an error when there is a match; `RegexPattern.replaceAll` keeps
/// that behaviour by throwing `error` only once a match is found.
public struct RegexReplacement: Sendable {
    enum Part: Sendable, Equatable {
        case literal([UInt8])
        case group(Int)
    }

    let parts: [Part]
    /// Why the replacement cannot be applied, if it cannot.
    public let error: RegexError?

    /// Parses `template` against the groups of `pattern`.
    public init(_ template: String, for pattern: RegexPattern) {
        self.init(template, captureCount: pattern.captureCount, groupNames: pattern.groupNames,
                  historyDependent: pattern.historyDependentGroups)
    }

    init(_ template: String, captureCount: Int, groupNames: [String: Int], historyDependent: Set<Int> = []) {
        var parts: [Part] = []
        var literal: [UInt8] = []
        var failure: RegexError? = nil
        let chars = Array(template.unicodeScalars)
        func fail(_ message: String, _ index: Int) {
            failure = RegexError(message, column: index + 1, in: template, source: .replacement)
        }
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)); literal.removeAll() }
        }
        var i = 0
        scan: while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                i += 1
                if i == chars.count { fail("character to be escaped is missing", i - 1); break scan }
                UTF8Bytes.encode(chars[i].value, into: &literal)
                i += 1
            } else if c == "$" {
                let dollar = i
                i += 1
                if i == chars.count { fail("Illegal group reference: group index is missing", dollar); break scan }
                var group: Int
                if chars[i] == "{" {
                    i += 1
                    var name = ""
                    while i < chars.count, chars[i].isASCII,
                          chars[i].properties.isAlphabetic || ("0"..."9").contains(chars[i]) {
                        name.unicodeScalars.append(chars[i])
                        i += 1
                    }
                    if name.isEmpty { fail("named capturing group has 0 length name", dollar); break scan }
                    if i == chars.count || chars[i] != "}" {
                        fail("named capturing group is missing trailing '}'", dollar); break scan
                    }
                    if let first = name.unicodeScalars.first, ("0"..."9").contains(first) {
                        fail("capturing group name {\(name)} starts with digit character", dollar); break scan
                    }
                    guard let g = groupNames[name] else { fail("No group with name {\(name)}", dollar); break scan }
                    group = g
                    i += 1
                } else {
                    guard ("0"..."9").contains(chars[i]) else { fail("Illegal group reference", dollar); break scan }
                    group = Int(chars[i].value - 0x30)
                    i += 1
                    // Take further digits while they still name an existing group.
                    while i < chars.count, ("0"..."9").contains(chars[i]) {
                        let longer = group * 10 + Int(chars[i].value - 0x30)
                        if longer > captureCount { break }
                        group = longer
                        i += 1
                    }
                    if group > captureCount { fail("No group \(group)", dollar); break scan }
                }
                if historyDependent.contains(group) {
                    fail("group \(group) is inside a repeated fixed-length group, where Java reports a value left "
                         + "over from backtracking; Lontar does not reproduce that (make the outer group variable-length "
                         + "or move the capture out of the repetition)", dollar)
                    break scan
                }
                flush()
                parts.append(.group(group))
            } else {
                UTF8Bytes.encode(c.value, into: &literal)
                i += 1
            }
        }
        flush()
        self.parts = parts
        self.error = failure
    }

    /// The replacement's bytes when it refers to no group.
    var literalBytes: [UInt8]? {
        if error != nil { return nil }
        switch parts.count {
        case 0: return []
        case 1: if case .literal(let b) = parts[0] { return b } else { return nil }
        default: return nil
        }
    }

    /// Whether applying it needs the match's groups (beyond group 0).
    var needsGroups: Bool {
        parts.contains { if case .group(let g) = $0 { return g > 0 } else { return false } }
    }

    /// Appends the expansion for one match; `slots` holds 2 entries per group.
    func append(match slots: [Int], text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for part in parts {
            switch part {
            case .literal(let bytes):
                out.append(contentsOf: bytes)
            case .group(let g):
                let s = slots[2 * g], e = slots[2 * g + 1]
                if s >= 0 && e >= 0 { out.append(contentsOf: UnsafeBufferPointer(rebasing: text[s..<e])) }
            }
        }
    }
}
