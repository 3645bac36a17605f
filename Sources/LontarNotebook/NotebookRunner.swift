import Foundation
import LontarCommands
import LontarLanguage
import LontarSystem

/// Runs a notebook's cells in one session and renders the output document:
/// the prose unchanged, each cell's source, then its results.
///
/// A failing cell renders its error in place. The run then stops (the cells
/// after it are kept, marked as not run) unless `keepGoing` is set. The output
/// is the same, byte for byte, for the same notebook and parameters.
public struct NotebookRunner {
    public struct Options: Sendable {
        public var parameters: [String: Value] = [:]
        public var keepGoing = false
        public init(parameters: [String: Value] = [:], keepGoing: Bool = false) {
            self.parameters = parameters
            self.keepGoing = keepGoing
        }
    }

    public struct Result: Sendable {
        /// The rendered markdown document.
        public var markdown: String
        /// Every error, in order (empty when all cells ran).
        public var errors: [LontarError]
        public var cellsRun: Int
        public var cellCount: Int
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Runs `document` in a fresh session rooted at `workingDirectory`.
    /// `progress` hears each cell's number as it starts (for the terminal).
    public func run(_ document: NotebookDocument, workingDirectory: URL,
                    progress: (_ cell: Int, _ of: Int, _ line: Int) -> Void = { _, _, _ in }) -> Result {
        let session = StandardLibrary.makeSession(parameters: options.parameters, workingDirectory: workingDirectory)
        // The output builder is captured by the session's display sink.
        let output = MarkdownWriter()
        output.block("<!-- Rendered by `lontar run \(document.file)`\(Self.parameterSummary(options.parameters)). Edit the notebook, not this file. -->")
        session.liveness = Self.liveness(of: document, in: session)
        var errors: [LontarError] = []
        var cellIndex = 0
        var cellsRun = 0
        var stopped = false
        let cellCount = document.cells.count

        for segment in document.segments {
            switch segment {
            case .prose(let text):
                output.verbatim(text)
            case .cell(let cell):
                cellIndex += 1
                output.verbatim([cell.openingFence, cell.source, cell.closingFence].joined(separator: "\n"))
                if stopped {
                    output.block("*Not run: an earlier cell failed.*")
                    continue
                }
                progress(cellIndex, cellCount, cell.fenceLine)
                session.onDisplay = { output.block(Presentation.markdown($0)) }
                do {
                    try session.run(cell.source, file: document.file, firstLine: cell.firstLine)
                    cellsRun += 1
                } catch {
                    errors.append(error)
                    output.block(Self.markdown(error))
                    if !options.keepGoing { stopped = true }
                }
                session.onDisplay = { _ in }
            }
        }
        // Overrides for parameters the notebook never declares are mistakes.
        for name in options.parameters.keys.sorted() where !session.declaredParameters.contains(where: { $0.name == name }) {
            let error = LontarError("--param \(name): the notebook declares no parameter '\(name)'",
                                    at: SourcePosition(file: document.file, line: 1, column: 1),
                                    notes: didYouMean(name, in: session.declaredParameters.map(\.name)))
            errors.append(error)
            output.block(Self.markdown(error))
        }
        let markdown = output.text
        return Result(markdown: markdown, errors: errors, cellsRun: cellsRun, cellCount: cellCount)
    }

    /// The notebook's statements in run order, for freeing each variable
    /// after its last use (a cell that does not parse uses every word in it).
    static func liveness(of document: NotebookDocument, in session: Session) -> VariableLiveness {
        var units: [VariableLiveness.Unit] = []
        for segment in document.segments {
            guard case .cell(let cell) = segment else { continue }
            if let statements = try? session.parse(cell.source, file: document.file, firstLine: cell.firstLine) {
                units += statements.map { .statement($0) }
            } else {
                units.append(.opaque(VariableLiveness.words(in: cell.source)))
            }
        }
        return VariableLiveness(units)
    }

    private static func parameterSummary(_ parameters: [String: Value]) -> String {
        if parameters.isEmpty { return "" }
        return " with " + parameters.keys.sorted().map { "`--param \($0)=\(parameters[$0]!.shortDescription)`" }
            .joined(separator: ", ")
    }

    /// An error as a markdown block quote, with its location and notes.
    static func markdown(_ error: LontarError) -> String {
        var lines = ["> **Error**" + (error.location.map { " at `\($0)`" } ?? "") + ": " + escape(error.message)]
        for note in error.notes { lines.append("> " + escape(note)) }
        return lines.joined(separator: "\n>\n")
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }
}

/// Writes a file atomically (creating its folder): the temporary-file,
/// fsync and rename dance is `AtomicFile`'s, shared with the model writers.
public func writeAtomically(_ data: Data, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let file = try AtomicFile(destination: url)
    try file.write(data)
    try file.commit()
}

/// Builds the output document: prose and cell sources verbatim, generated
/// blocks (results, errors) set off by exactly one blank line.
final class MarkdownWriter {
    private var lines: [String] = []
    /// A generated block was written last and wants a blank line after it.
    private var pendingBlank = false

    /// Text copied as is (prose, a cell's source and fences).
    func verbatim(_ text: String) {
        if pendingBlank && !text.hasPrefix("\n") && !text.isEmpty { lines.append("") }
        pendingBlank = false
        lines.append(text)
    }

    /// A generated block, set off by one blank line on each side.
    func block(_ text: String) {
        if let last = lines.last, !last.isEmpty { lines.append("") }
        lines.append(text)
        pendingBlank = true
    }

    var text: String {
        var joined = lines.joined(separator: "\n")
        while joined.hasSuffix("\n") { joined.removeLast() }
        return joined + "\n"
    }
}
