import Foundation

/// A notebook: a markdown file whose ```lontar fenced blocks are cells.
///
/// Everything else is prose and is copied to the output unchanged, so a
/// notebook stays readable on any markdown viewer and diffs cleanly.
public struct NotebookDocument: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        /// Prose lines, verbatim (other code blocks included).
        case prose(String)
        case cell(Cell)
    }

    public struct Cell: Sendable, Equatable {
        /// The cell's source, without its fences.
        public var source: String
        /// The fence line as written (e.g. "```lontar"), reproduced in the output.
        public var openingFence: String
        public var closingFence: String
        /// 1-based line of the first source line in the file.
        public var firstLine: Int
        /// 1-based line of the opening fence.
        public var fenceLine: Int
    }

    public var file: String
    public var segments: [Segment]

    public var cells: [Cell] {
        segments.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
    }

    /// Splits markdown into prose and cells (CommonMark fences: ``` or ~~~,
    /// three or more, up to three spaces of indent; the closing fence uses the
    /// same character, at least as many times, and nothing after it).
    public static func parse(_ text: String, file: String) throws(NotebookError) -> NotebookDocument {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }  // a final newline ends the last line
        var segments: [Segment] = []
        var prose: [String] = []
        var i = 0

        func flushProse() {
            if !prose.isEmpty { segments.append(.prose(prose.joined(separator: "\n"))) }
            prose = []
        }

        while i < lines.count {
            let line = lines[i]
            guard let fence = Fence(line) else {
                prose.append(line)
                i += 1
                continue
            }
            // Find the closing fence.
            var j = i + 1
            while j < lines.count && !fence.isClosed(by: lines[j]) { j += 1 }
            if fence.info == "lontar" || fence.info.hasPrefix("lontar ") {
                guard j < lines.count else {
                    throw NotebookError(file: file, line: i + 1, column: fence.indent + 1,
                                        message: "unclosed ```lontar cell: no closing \(String(repeating: fence.character, count: fence.length)) before the end of the file")
                }
                flushProse()
                segments.append(.cell(Cell(source: lines[(i + 1) ..< j].joined(separator: "\n"),
                                           openingFence: line, closingFence: lines[j],
                                           firstLine: i + 2, fenceLine: i + 1)))
                i = j + 1
            } else {
                // Another language's code block: prose, copied verbatim.
                let end = min(j, lines.count - 1)
                prose.append(contentsOf: lines[i ... end])
                i = end + 1
            }
        }
        flushProse()
        return NotebookDocument(file: file, segments: segments)
    }
}

/// A fence line: up to three spaces, then three or more ` or ~, then an info string.
struct Fence {
    var indent: Int
    var character: Character
    var length: Int
    var info: String

    init?(_ line: String) {
        let chars = Array(line)
        var i = 0
        while i < chars.count && chars[i] == " " { i += 1 }
        guard i <= 3, i < chars.count, chars[i] == "`" || chars[i] == "~" else { return nil }
        let c = chars[i]
        var n = 0
        while i + n < chars.count && chars[i + n] == c { n += 1 }
        guard n >= 3 else { return nil }
        let info = String(chars[(i + n)...]).trimmingCharacters(in: .whitespaces)
        if c == "`" && info.contains("`") { return nil }
        indent = i
        character = c
        length = n
        self.info = info
    }

    func isClosed(by line: String) -> Bool {
        guard let other = Fence(line) else { return false }
        return other.character == character && other.length >= length && other.info.isEmpty
    }
}

/// A notebook-level error (bad markdown structure, unreadable file), located.
public struct NotebookError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}
