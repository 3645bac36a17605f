import Foundation
import LontarCommands
import LontarLanguage
import LontarNotebook

/// Lontar's interactive prompt: the same DSL as notebooks, one entry at a time.
///
/// On a terminal it uses readline (history, completion, line editing); with
/// piped standard input it runs the entries non-interactively, so scripts and
/// tests can drive it. Meta commands start with a colon (`:help`).
public final class REPL {
    public let session: Session
    /// Where results go (stdout) and where errors go (stderr).
    private let out: (String) -> Void
    private let err: (String) -> Void
    /// Entries that ran without error, for `:save`.
    private(set) var successfulEntries: [String] = []
    private var entryLine = 1
    public private(set) var errorCount = 0
    private var ansi = false
    static let prompt = "lontar> "

    public init(session: Session = StandardLibrary.makeSession(),
                out: @escaping (String) -> Void = { print($0) },
                err: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.session = session
        self.out = out
        self.err = err
        session.onDisplay = { [unowned self] display in
            self.out(Presentation.terminal(display, ansi: self.ansi))
        }
    }

    /// Runs until end of input or `:quit`. Returns the process exit status:
    /// non-zero when a piped entry failed.
    public func run(interactive: Bool) -> Int32 {
        if interactive {
            ansi = true
            session.isInteractive = true
            runInteractive()
            return 0
        }
        runPiped()
        return errorCount == 0 ? 0 : 1
    }

    // MARK: Non-interactive (piped) input

    /// Lines of piped input read so far (entries and lines read by `chat`).
    private var lineNumber = 0

    private func runPiped() {
        var buffer = ""
        var startLine = 1
        session.readUserLine = { [unowned self] _ in
            guard let line = readLine(strippingNewline: true) else { return nil }
            self.lineNumber += 1
            return line
        }
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            if buffer.isEmpty { startLine = lineNumber }
            buffer += buffer.isEmpty ? line : "\n" + line
            if InputCompleteness.needsMoreInput(buffer) { continue }
            entryLine = startLine
            if !handle(buffer) { return }
            buffer = ""
        }
        if !buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            entryLine = startLine
            _ = handle(buffer)
        }
    }

    // MARK: Interactive

    private func runInteractive() {
        let editor = LineEditor(completer: Completer(session: session))
        Interrupts.install(cancellation: session.cancellation)
        session.readUserLine = { prompt in
            Interrupts.atPrompt = true
            defer { Interrupts.atPrompt = false }
            let line = editor.readLine(prompt: prompt)
            if Interrupts.takeDroppedLine() { return "" }
            if let line, !line.trimmingCharacters(in: .whitespaces).isEmpty { editor.addHistory(line) }
            return line
        }
        out("Lontar — type :help for commands, :quit to leave.")
        var buffer = ""
        while true {
            Interrupts.atPrompt = true
            let prompt = buffer.isEmpty ? Self.prompt : "   ...> "
            guard let line = editor.readLine(prompt: prompt) else { out(""); break }
            Interrupts.atPrompt = false
            if Interrupts.takeDroppedLine() { buffer = "" }
            buffer += buffer.isEmpty ? line : "\n" + line
            if InputCompleteness.needsMoreInput(buffer) { continue }
            editor.addHistory(buffer)
            let entry = buffer
            buffer = ""
            if !handle(entry) { break }
            entryLine += entry.split(separator: "\n", omittingEmptySubsequences: false).count
        }
        editor.saveHistory()
    }

    // MARK: Entries

    /// Runs one entry; returns false when the session should end.
    @discardableResult
    public func handle(_ entry: String) -> Bool {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return true }
        if trimmed.hasPrefix(":") { return meta(trimmed) }
        do {
            try session.run(entry, file: "<repl>", firstLine: entryLine)
            successfulEntries.append(entry)
        } catch {
            errorCount += 1
            err(String(describing: error))
        }
        return true
    }

    private func meta(_ line: String) -> Bool {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ":quit", ":q", ":exit":
            return false
        case ":help", ":h":
            out(Help.text(for: argument.isEmpty ? nil : argument, session: session))
        case ":vars":
            let names = session.variables.keys.sorted()
            if names.isEmpty { out("(no variables)") }
            for name in names {
                let value = session.variables[name]!
                out("\(name): \(value.typeName) = \(value.shortDescription)")
            }
        case ":load":
            load(argument)
        case ":save":
            save(argument)
        default:
            errorCount += 1
            err("error: unknown meta command '\(parts[0])'" + (didYouMean(parts[0], in: Help.metaCommands.map(\.0)).first.map { "\n  note: \($0)" } ?? ""))
        }
        return true
    }

    private func load(_ path: String) {
        guard !path.isEmpty else { errorCount += 1; err("error: usage: :load NOTEBOOK.md"); return }
        let url = session.resolvePath(path)
        do {
            let text = try String(contentsOf: url, encoding: .utf8)
            let document = try NotebookDocument.parse(text, file: path)
            for cell in document.cells {
                try session.run(cell.source, file: path, firstLine: cell.firstLine)
                successfulEntries.append(cell.source)
            }
            out("loaded \(path): \(document.cells.count) cells")
        } catch {
            errorCount += 1
            err(error is LontarError || error is NotebookError ? String(describing: error) : "error: cannot read \(path): \(error.localizedDescription)")
        }
    }

    private func save(_ path: String) {
        guard !path.isEmpty else { errorCount += 1; err("error: usage: :save NOTEBOOK.md"); return }
        var text = "# Lontar session\n\nSaved from the Lontar prompt: the entries that ran without error.\n"
        for entry in successfulEntries {
            text += "\n```lontar\n\(entry)\n```\n"
        }
        do {
            try writeAtomically(Data(text.utf8), to: session.resolvePath(path))
            out("saved \(successfulEntries.count) cells to \(path)")
        } catch {
            errorCount += 1
            err("error: cannot write \(path): \(error)")
        }
    }
}
