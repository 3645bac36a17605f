import LontarSystem

/// Where something is in a source: a notebook, a REPL entry, a file.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// The file name as the user gave it (e.g. `notebooks/paper.md`), or `<repl>`.
    public var file: String
    /// 1-based line in that file.
    public var line: Int
    /// 1-based column, counted in characters.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// An error a user sees: a message, where it happened, and optional hints.
///
/// Every failure in Lontar that stems from user input surfaces as one of these,
/// formatted like a compiler diagnostic: `file:line:column: error: message`.
public struct LontarError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var location: SourcePosition?
    /// Extra lines such as "did you mean 'show'?".
    public var notes: [String]

    public init(_ message: String, at location: SourcePosition? = nil, notes: [String] = []) {
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// The same error, located at `location` unless it already has a location.
    public func located(at location: SourcePosition) -> LontarError {
        var copy = self
        if copy.location == nil { copy.location = location }
        return copy
    }

    public var description: String {
        var text = location.map { "\($0): error: \(message)" } ?? "error: \(message)"
        for note in notes { text += "\n  note: \(note)" }
        return text
    }
}

/// A "did you mean …?" note, or nothing when no candidate is close.
public func didYouMean(_ name: String, in candidates: [String]) -> [String] {
    let matches = closeMatches(for: name, in: candidates)
    if matches.isEmpty { return [] }
    return ["did you mean " + matches.map { "'\($0)'" }.joined(separator: " or ") + "?"]
}
