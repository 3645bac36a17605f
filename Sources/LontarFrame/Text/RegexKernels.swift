import LontarRegex

/// Row kernels built on `JavaPattern`, each reproducing the Java method Spark
/// calls: `Matcher.replaceAll` (regexp_replace), `Matcher.find` (rlike),
/// `String.split` (split, Tokenizer, RegexTokenizer) and `Matcher.find` loops
/// (RegexTokenizer with gaps = false).
struct RegexKernels {
    let pattern: JavaPattern
    private let matcher: RegexMatcher

    /// Kernels for one thread (the matcher's state is not shared).
    init(_ pattern: JavaPattern) {
        self.pattern = pattern
        matcher = pattern.regex.makeMatcher()
    }

    /// Length in bytes of the scalar at `i` (1 for malformed bytes).
    @inline(__always)
    private static func scalarLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        p[i] < 0x80 ? 1 : UTF8Scalars.decode(p, i, n).length
    }

    /// Java's `replaceAll`: every non-overlapping match, left to right, is
    /// replaced; after an empty match the scan moves on by one character, so
    /// `regexp_replace("abc", "x*", "-")` is `-a-b-c-`.
    func replaceAll(_ text: UnsafeBufferPointer<UInt8>, with replacement: JavaReplacement, into out: inout [UInt8]) throws {
        guard let simple = pattern.simple, let literal = replacement.literal else {
            do {
                try matcher.replaceAll(in: text, with: replacement.regex, into: &out)
            } catch {
                throw FrameError.invalidPattern(pattern: pattern.source, message: error.description)
            }
            return
        }
        withBase(text) { p, n in
            var copied = 0          // bytes of `text` already in `out`
            var from = 0
            while from <= n, let m = simple.find(p, count: n, from: from) {
                out.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: m.lowerBound - copied))
                out.append(contentsOf: literal)
                copied = m.upperBound
                from = nextSearch(after: m, p, n)
            }
            out.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: n - copied))
        }
    }

    /// Java's `Matcher.find()` from the start: does the pattern occur anywhere?
    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let simple = pattern.simple else { return matcher.contains(text) }
        return withBase(text) { p, n in simple.find(p, count: n, from: 0) != nil }
    }

    /// The first match at or after `from`.
    @inline(__always)
    private func find(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Range<Int>? {
        if let simple = pattern.simple { return simple.find(p, count: n, from: from) }
        return matcher.firstMatch(in: UnsafeBufferPointer(start: p, count: n), from: from)?.range
    }

    /// Java's `String.split(regex, limit)`, calling `emit` with each piece's
    /// byte range. `limit > 0`: at most `limit` pieces; `limit == 0`: trailing
    /// empty pieces dropped; `limit < 0`: all pieces. A zero-width match at the
    /// very start never produces a leading empty piece, and no match at all
    /// yields the input itself.
    func split(_ text: UnsafeBufferPointer<UInt8>, limit: Int, emit: (Range<Int>) -> Void) {
        guard pattern.simple != nil else {
            for piece in matcher.split(text, limit: limit) { emit(piece) }
            return
        }
        withBase(text) { p, n in
            // A transcription of `java.util.regex.Pattern.split`.
            var pieces: [Range<Int>] = []
            var index = 0
            var from = 0
            while from <= n, let m = find(p, n, from: from) {
                from = nextSearch(after: m, p, n)
                if limit <= 0 || pieces.count < limit - 1 {
                    if index == 0 && m.lowerBound == 0 && m.isEmpty { continue }
                    pieces.append(index ..< m.lowerBound)
                    index = m.upperBound
                } else if pieces.count == limit - 1 {
                    pieces.append(index ..< n)
                    index = m.upperBound
                }
            }
            if index == 0 { emit(0 ..< n); return }          // no match: the input itself
            if limit <= 0 || pieces.count < limit { pieces.append(index ..< n) }
            if limit == 0 {
                while let last = pieces.last, last.isEmpty { pieces.removeLast() }
            }
            for piece in pieces { emit(piece) }
        }
    }

    /// Where `Matcher.find()` resumes after `m`: its end, or one character
    /// further after an empty match (past the end means "no more matches").
    @inline(__always)
    private func nextSearch(after m: Range<Int>, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        if !m.isEmpty { return m.upperBound }
        return m.upperBound < n ? m.upperBound + Self.scalarLength(p, m.upperBound, n) : n + 1
    }

    /// Calls `body` with a valid base pointer even for an empty buffer.
    private func withBase<R>(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if let p = text.baseAddress { return body(p, text.count) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { body($0, 0) }
    }

    /// All matches, left to right (RegexTokenizer with `gaps == false`,
    /// Scala's `findAllIn`): non-overlapping, advancing one character after an
    /// empty match.
    func findAll(_ text: UnsafeBufferPointer<UInt8>, emit: (Range<Int>) -> Void) {
        guard pattern.simple != nil else {
            matcher.forEachMatch(in: text) { emit($0); return true }
            return
        }
        withBase(text) { p, n in
            var from = 0
            while from <= n, let m = find(p, n, from: from) {
                emit(m)
                from = nextSearch(after: m, p, n)
            }
        }
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
