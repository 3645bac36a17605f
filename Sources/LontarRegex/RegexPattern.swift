/// A compiled regular expression with Java (`java.util.regex`) semantics,
/// matched against UTF-8 bytes in linear time.
///
/// ```swift
/// let p = try RegexPattern("xmath[0-9]+")
/// var out: [UInt8] = []
/// try bytes.withUnsafeBufferPointer { try p.replaceAll(in: $0, with: "", into: &out) }
/// ```
///
/// All positions are byte offsets into the UTF-8 input. The value is
/// `Sendable` and its methods may be called from several threads at once
/// (each call borrows private matching state from a small pool); for tight
/// per-thread loops, `makeMatcher()` avoids even that.
public struct RegexPattern: Sendable, CustomStringConvertible {
    let compiled: CompiledRegex

    /// Compiles `pattern`, or throws a `RegexError` with the column of the
    /// problem for syntax Java rejects or this engine does not support.
    public init(_ pattern: String) throws(RegexError) {
        compiled = try CompiledRegex(pattern)
    }

    /// The pattern's source text.
    public var pattern: String { compiled.source }
    public var description: String { compiled.source }
    /// The number of capturing groups (group 0, the whole match, excluded).
    public var captureCount: Int { compiled.captureCount }
    /// Named groups (`(?<name>…)`) and their numbers.
    public var groupNames: [String: Int] { compiled.groupNames }
    /// Groups for which Java reports a value left over from backtracking
    /// rather than the part of the match the group took: capturing groups
    /// inside a repeated group whose body has a fixed length, such as group 1
    /// of `(?:(\w)-)+`, and such a repeated group itself when it sits inside
    /// another loop, such as group 1 of `(?:(ab)+c)+` (Java's `GroupCurly`).
    /// Lontar reports the value of the match itself for these, which can
    /// differ from Java's; replacements that use them are refused, and
    /// callers that extract such a group should refuse it too. Match
    /// boundaries and all other groups are exact.
    public var historyDependentGroups: Set<Int> { compiled.historyDependentGroups }

    /// A matcher with its own state, for use by one thread at a time.
    public func makeMatcher() -> RegexMatcher { RegexMatcher(compiled) }

    /// Parses a replacement string (`$1`, `${name}`, `\$`) for this pattern.
    public func replacement(_ template: String) -> RegexReplacement { RegexReplacement(template, for: self) }

    // MARK: UTF-8 bytes

    /// Java's `find(from)`: the first match starting at or after byte
    /// `from` (which must be a code point boundary), with its groups.
    public func firstMatch(in text: UnsafeBufferPointer<UInt8>, from: Int = 0) -> RegexMatch? {
        compiled.withEngine { $0.firstMatch(text, from: from) }
    }

    /// Java's `find()` as a test — Spark's `rlike`.
    public func contains(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        compiled.withEngine { $0.contains(text) }
    }

    /// Java's `matches()`: whether the whole input matches.
    public func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        compiled.withEngine { $0.matchesWhole(text) }
    }

    /// Calls `body` with the byte range of each match in turn (Java's
    /// repeated `find()`), until it returns false.
    public func forEachMatch(in text: UnsafeBufferPointer<UInt8>, from: Int = 0,
                             _ body: (Range<Int>) throws -> Bool) rethrows {
        let engine = compiled.takeEngine()
        defer { compiled.giveBack(engine) }
        try engine.forEachMatch(text, from: from, body)
    }

    /// Like `forEachMatch`, with each match's groups (for `regexp_extract_all`).
    public func forEachMatchWithGroups(in text: UnsafeBufferPointer<UInt8>, from: Int = 0,
                                       _ body: (RegexMatch) throws -> Bool) rethrows {
        let engine = compiled.takeEngine()
        defer { compiled.giveBack(engine) }
        try engine.forEachMatchWithGroups(text, from: from, body)
    }

    /// Java's `replaceAll` (Spark's `regexp_replace`): appends `text` with
    /// every match replaced to `output`.
    public func replaceAll(in text: UnsafeBufferPointer<UInt8>, with replacement: RegexReplacement,
                           into output: inout [UInt8]) throws(RegexError) {
        try compiled.withEngine { (e: MatchEngine) throws(RegexError) in
            try e.replaceAll(text, with: replacement, into: &output)
        }
    }

    /// `replaceAll` with a replacement string in Java's syntax.
    public func replaceAll(in text: UnsafeBufferPointer<UInt8>, with replacement: String,
                           into output: inout [UInt8]) throws(RegexError) {
        try replaceAll(in: text, with: RegexReplacement(replacement, for: self), into: &output)
    }

    /// Java's `Pattern.split(text, limit)` as byte ranges of the pieces.
    public func split(_ text: UnsafeBufferPointer<UInt8>, limit: Int = 0) -> [Range<Int>] {
        compiled.withEngine { $0.split(text, limit: limit) }
    }

    // MARK: Strings (convenience; not for per-row hot paths)

    public func firstMatch(in text: String) -> RegexMatch? {
        text.withUTF8Buffer { firstMatch(in: $0) }
    }

    public func contains(_ text: String) -> Bool { text.withUTF8Buffer { contains($0) } }

    public func matches(_ text: String) -> Bool { text.withUTF8Buffer { matches($0) } }

    /// The text of every match, in order.
    public func allMatches(in text: String) -> [String] {
        text.withUTF8Buffer { buf in
            var out: [String] = []
            forEachMatch(in: buf) { r in
                out.append(String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self))
                return true
            }
            return out
        }
    }

    public func replaceAll(in text: String, with replacement: String) throws(RegexError) -> String {
        let r = RegexReplacement(replacement, for: self)
        var out: [UInt8] = []
        try text.withUTF8Buffer { (buf) throws(RegexError) in try replaceAll(in: buf, with: r, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    public func split(_ text: String, limit: Int = 0) -> [String] {
        text.withUTF8Buffer { buf in
            split(buf, limit: limit).map { String(decoding: UnsafeBufferPointer(rebasing: buf[$0]), as: UTF8.self) }
        }
    }
}

/// One match: the byte range of the whole match and of each group.
public struct RegexMatch: Sendable, Equatable {
    /// Two entries per group (group 0 first); -1 for groups that did not take part.
    let slots: [Int]

    init(slots: [Int]) { self.slots = slots }

    /// The whole match.
    public var range: Range<Int> { slots[0]..<slots[1] }
    /// The number of capturing groups of the pattern.
    public var captureCount: Int { slots.count / 2 - 1 }

    /// The range of group `i` (0 = whole match), nil if it did not take part
    /// — or if the pattern has no group `i`: callers taking the index from
    /// users should check it against `captureCount` first, as Spark does.
    /// (For the pattern's `historyDependentGroups`, Java may report another
    /// value; see there.)
    public func range(ofGroup i: Int) -> Range<Int>? {
        guard i >= 0 && i <= captureCount else { return nil }
        let s = slots[2 * i], e = slots[2 * i + 1]
        return s >= 0 && e >= 0 ? s..<e : nil
    }
}

/// A `RegexPattern` with private matching state: the same operations, for
/// one thread at a time (each thread of a parallel job makes its own).
public final class RegexMatcher {
    let compiled: CompiledRegex
    let engine: MatchEngine

    init(_ compiled: CompiledRegex) {
        self.compiled = compiled
        engine = MatchEngine(compiled)
    }

    public func firstMatch(in text: UnsafeBufferPointer<UInt8>, from: Int = 0) -> RegexMatch? {
        engine.firstMatch(text, from: from)
    }

    public func contains(_ text: UnsafeBufferPointer<UInt8>) -> Bool { engine.contains(text) }

    public func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool { engine.matchesWhole(text) }

    public func forEachMatch(in text: UnsafeBufferPointer<UInt8>, from: Int = 0,
                             _ body: (Range<Int>) throws -> Bool) rethrows {
        try engine.forEachMatch(text, from: from, body)
    }

    public func forEachMatchWithGroups(in text: UnsafeBufferPointer<UInt8>, from: Int = 0,
                                       _ body: (RegexMatch) throws -> Bool) rethrows {
        try engine.forEachMatchWithGroups(text, from: from, body)
    }

    public func replaceAll(in text: UnsafeBufferPointer<UInt8>, with replacement: RegexReplacement,
                           into output: inout [UInt8]) throws(RegexError) {
        try engine.replaceAll(text, with: replacement, into: &output)
    }

    public func split(_ text: UnsafeBufferPointer<UInt8>, limit: Int = 0) -> [Range<Int>] {
        engine.split(text, limit: limit)
    }
}

extension MatchEngine {
    func firstMatch(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> RegexMatch? {
        var out = [Int](repeating: -1, count: program.slotCount)
        guard findWithGroups(text, from: from, slots: &out) else { return nil }
        return RegexMatch(slots: out)
    }

    func forEachMatchWithGroups(_ text: UnsafeBufferPointer<UInt8>, from: Int,
                                _ body: (RegexMatch) throws -> Bool) rethrows {
        var out = [Int](repeating: -1, count: program.slotCount)
        try forEachMatch(text, from: from) { m in
            groups(of: m, in: text, into: &out)
            return try body(RegexMatch(slots: out))
        }
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 bytes (copying only if the
    /// string is not stored contiguously).
    func withUTF8Buffer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        var s = self
        let result: Result<R, E> = s.withUTF8 { buf in
            do throws(E) { return .success(try body(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
