/// Spark ML's `Tokenizer`: `text.toLowerCase.split("\\s")`.
///
/// Java's `\s` (without UNICODE_CHARACTER_CLASS) is exactly the six ASCII
/// characters space, `\t`, `\n`, `\u{0B}`, `\u{0C}`, `\r`; NBSP, U+0085, U+2009 or
/// U+3000 are *not* separators. `String.split` with its default limit keeps
/// leading and interior empty strings and drops trailing ones, and returns the
/// whole input when nothing matched. Hence `""` → `[""]` (size 1), `" "` → `[]`
/// (size 0), `"  a"` → `["", "", "a"]`, `"a  "` → `["a"]`.
public enum SparkTokenizer {
    /// Java's `\s`.
    @inline(__always)
    static func isJavaSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// The number of tokens `Tokenizer` produces for `text`, without producing
    /// them: lowercasing never creates or removes a separator, so the count
    /// depends only on where the six separator bytes are.
    public static func tokenCount(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        let n = text.count
        if n == 0 { return 1 }                      // no match: the input itself
        var separators = 0
        var trailing = 0                            // separators at the very end
        for b in text {
            if isJavaSpace(b) { separators += 1; trailing += 1 } else { trailing = 0 }
        }
        if trailing == n { return 0 }               // only separators: all pieces empty
        // separators + 1 pieces, minus the empty pieces after each trailing separator.
        return separators + 1 - trailing
    }

    /// Appends the tokens of one row to `out` (lowercased; Java's rules above).
    /// `scratch` is reused between rows to hold the lowercased text.
    static func tokenize(_ text: UnsafeBufferPointer<UInt8>, into out: inout StringColumn, scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        JavaCase.lower(text, into: &scratch)
        if scratch.isEmpty {
            out.offsets.append(out.bytes.count)     // [""]
            return
        }
        scratch.withUnsafeBufferPointer { s in
            // Drop trailing separators first: the pieces they delimit are the
            // trailing empty strings Java removes.
            var end = s.count
            while end > 0 && isJavaSpace(s[end - 1]) { end -= 1 }
            if end == 0 { return }
            var start = 0
            for i in 0 ..< end where isJavaSpace(s[i]) {
                out.append(bytes: UnsafeBufferPointer(rebasing: s[start ..< i]))
                start = i + 1
            }
            out.append(bytes: UnsafeBufferPointer(rebasing: s[start ..< end]))
        }
    }
}

/// Options of Spark ML's `RegexTokenizer` (defaults as in Spark).
public struct RegexTokenizerOptions: Sendable, Equatable, Hashable {
    /// The regex (Java syntax) describing gaps (`gaps == true`) or tokens.
    public var pattern: String
    /// Whether `pattern` matches the gaps between tokens (else the tokens).
    public var gaps: Bool
    /// Tokens shorter than this many UTF-16 code units are dropped.
    public var minTokenLength: Int
    /// Whether the text is lowercased (Java `toLowerCase`) first.
    public var toLowercase: Bool

    public init(pattern: String = "\\s+", gaps: Bool = true, minTokenLength: Int = 1, toLowercase: Bool = true) {
        self.pattern = pattern
        self.gaps = gaps
        self.minTokenLength = minTokenLength
        self.toLowercase = toLowercase
    }
}
