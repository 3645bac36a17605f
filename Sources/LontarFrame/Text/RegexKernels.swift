import LontarRegex

/// Row kernels on a `JavaPattern`, each reproducing the Java method Spark
/// calls: `Matcher.replaceAll` (regexp_replace), `Matcher.find` (rlike),
/// `Pattern.split` (split, RegexTokenizer) and repeated `find` (RegexTokenizer
/// with gaps = false). One value per thread: the matcher's state is private.
struct RegexKernels {
    let pattern: JavaPattern
    private let matcher: RegexMatcher

    init(_ pattern: JavaPattern) {
        self.pattern = pattern
        matcher = pattern.regex.makeMatcher()
    }

    /// Java's `replaceAll`: every non-overlapping match, left to right, is
    /// replaced; after an empty match the scan moves on by one character, so
    /// `regexp_replace("abc", "x*", "-")` is `-a-b-c-`.
    func replaceAll(_ text: UnsafeBufferPointer<UInt8>, with replacement: JavaReplacement, into out: inout [UInt8]) throws {
        do {
            try matcher.replaceAll(in: text, with: replacement.regex, into: &out)
        } catch {
            throw FrameError.invalidPattern(pattern: pattern.source, message: error.description)
        }
    }

    /// Java's `Matcher.find()`: does the pattern occur anywhere?
    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        matcher.contains(text)
    }

    /// Java's `Pattern.split(text, limit)`, calling `emit` with each piece's
    /// byte range. `limit > 0`: at most `limit` pieces; `limit == 0`: trailing
    /// empty pieces dropped; `limit < 0`: all pieces. A zero-width match at the
    /// very start never produces a leading empty piece, and no match at all
    /// yields the input itself.
    func split(_ text: UnsafeBufferPointer<UInt8>, limit: Int, emit: (Range<Int>) -> Void) {
        for piece in matcher.split(text, limit: limit) { emit(piece) }
    }

    /// All matches, left to right (Scala's `findAllIn`): non-overlapping,
    /// advancing one character after an empty match.
    func findAll(_ text: UnsafeBufferPointer<UInt8>, emit: (Range<Int>) -> Void) {
        matcher.forEachMatch(in: text) { emit($0); return true }
    }
}

/// Spark's `split(str, regex, limit)`: Java's `split` with limit 0 treated as
/// -1 (trailing empty strings are kept), and an empty regex splitting a
/// non-empty string into its characters (the last one holding the rest when
/// `limit` is smaller).
enum SparkSplit {
    static func split(_ text: UnsafeBufferPointer<UInt8>, kernels: RegexKernels, limit: Int, into out: inout StringColumn) {
        if kernels.pattern.source.isEmpty && text.count > 0, let p = text.baseAddress {
            let chars = UTF8Scalars.countScalars(text)
            let pieces = limit > chars || limit <= 0 ? chars : limit
            var i = 0
            for _ in 0 ..< pieces - 1 {
                let len = p[i] < 0x80 ? 1 : UTF8Scalars.decode(p, i, text.count).length
                out.append(bytes: UnsafeBufferPointer(rebasing: text[i ..< i + len]))
                i += len
            }
            out.append(bytes: UnsafeBufferPointer(rebasing: text[i...]))
            return
        }
        kernels.split(text, limit: limit == 0 ? -1 : limit) { r in
            out.append(bytes: UnsafeBufferPointer(rebasing: text[r]))
        }
    }
}
