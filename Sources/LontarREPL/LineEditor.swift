import CReadline
import Foundation

/// GNU readline behind a small Swift interface: prompt, history kept across
/// sessions (in `~/.lontar_history`, or `LONTAR_HISTORY`), and completion.
final class LineEditor {
    private let historyPath: String

    init(completer: Completer) {
        historyPath = ProcessInfo.processInfo.environment["LONTAR_HISTORY"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".lontar_history").path
        Completer.current = completer
        // Dots and colons end words too, so `tuned.lo<TAB>` completes `loss`.
        lontar_rl_configure(lontarAttemptCompletion, " \t\n\"'|,=()[]{}.:<>+-*/%")
        stifle_history(2000)
        _ = read_history(historyPath)
    }

    func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    func addHistory(_ entry: String) {
        add_history(entry)
    }

    func saveHistory() {
        _ = write_history(historyPath)
    }
}

/// readline's completion hook: Lontar's own candidates, or file names inside
/// a string literal.
private func lontarAttemptCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let line = String(cString: lontar_rl_line_buffer())
    let prefix = String(line.utf8.prefix(Int(start))) ?? ""
    let word = text.map { String(cString: $0) } ?? ""
    if prefix.filter({ $0 == "\"" }).count % 2 == 1 {
        return nil  // inside a string: readline's default file-name completion
    }
    lontar_rl_completion_over()
    Completer.matches = Completer.current?.candidates(for: word, linePrefix: prefix) ?? []
    return rl_completion_matches(text, lontarCompletionGenerator)
}

private func lontarCompletionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { Completer.index = 0 }
    guard Completer.index < Completer.matches.count else { return nil }
    defer { Completer.index += 1 }
    return strdup(Completer.matches[Completer.index])
}
