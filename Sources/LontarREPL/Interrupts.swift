import CReadline
import Foundation
import LontarLanguage

/// Ctrl-C handling: at the prompt it drops the line being typed; while a
/// command runs it sets the session's cancellation flag, which the command
/// polls, so the command stops and the session lives on.
enum Interrupts {
    nonisolated(unsafe) static var atPrompt = false
    nonisolated(unsafe) private static var flag: UnsafeMutablePointer<Int32>?
    nonisolated(unsafe) private static var lineDropped: Int32 = 0

    static func install(cancellation: Cancellation) {
        flag = cancellation.address
        signal(SIGINT) { _ in
            if Interrupts.atPrompt {
                Interrupts.lineDropped = 1
                lontar_rl_cancel_line(REPL.prompt)
            } else {
                Interrupts.flag?.pointee = 1
            }
        }
    }

    /// True (once) if Ctrl-C dropped input at the prompt: the lines of an
    /// unfinished multi-line entry go too.
    static func takeDroppedLine() -> Bool {
        defer { lineDropped = 0 }
        return lineDropped != 0
    }
}
