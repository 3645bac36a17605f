import LontarCommands
import LontarFrame
import LontarLanguage

/// Tab-completion candidates: meta commands, commands, variables, functions,
/// the current command's keywords, column names of frames in scope, and
/// members after a dot.
final class Completer {
    // readline's C callbacks cannot capture context, so they reach the
    // completer through these globals (one REPL per process).
    nonisolated(unsafe) static var current: Completer?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var index = 0

    let session: Session

    init(session: Session) {
        self.session = session
    }

    func candidates(for word: String, linePrefix: String) -> [String] {
        let trimmedPrefix = linePrefix.trimmingCharacters(in: .whitespaces)
        if trimmedPrefix.isEmpty && word.hasPrefix(":") || trimmedPrefix == ":" {
            return Help.metaCommands.map(\.0).filter { $0.hasPrefix(word) || ":" + word == $0 }
        }
        if trimmedPrefix.hasSuffix("."), let base = trimmedPrefix.dropLast().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).last,
           case .object(let object)? = session.variables[String(base)] {
            return object.memberNames.filter { $0.hasPrefix(word) }.sorted()
        }
        var pool: [String] = []
        let atStageStart = trimmedPrefix.isEmpty || trimmedPrefix.hasSuffix("|") || trimmedPrefix.hasSuffix("=")
        if atStageStart {
            pool += session.registry.names
        } else if let command = currentCommand(trimmedPrefix) {
            pool += (command.keywords + command.flags).map(\.name)
        }
        pool += session.variables.keys
        pool += session.functions.keys
        for case .frame(let frame) in session.variables.values { pool += frame.columnNames }
        return Array(Set(pool.filter { $0.hasPrefix(word) })).sorted()
    }

    /// The command of the stage being typed (after the last `|`).
    private func currentCommand(_ prefix: String) -> CommandSpec? {
        let stage = prefix.split(separator: "|").last.map(String.init) ?? prefix
        var words = stage.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.count >= 2 && words[1] == "=" { words.removeFirst(2) }
        return words.first.flatMap { session.registry.command($0) }
    }
}
