import Foundation
import LontarLanguage

/// Ctrl-C handling: at the prompt it clears the line; while a command runs it
/// sets the session's cancellation flag, which the command polls, so the
/// command stops and the session lives on.
enum Interrupts {
    nonisolated(unsafe) static var atPrompt = false
    nonisolated(unsafe) private static var promptInterrupted: Int32 = 0
    nonisolated(unsafe) private static var flag: UnsafeMutablePointer<Int32>?

    static func install(cancellation: Cancellation) {
        flag = cancellation.address
        signal(SIGINT) { _ in
            if Interrupts.atPrompt {
                Interrupts.promptInterrupted = 1
                write(STDOUT_FILENO, "^C\n", 3)
            } else {
                Interrupts.flag?.pointee = 1
            }
        }
    }

    /// True (once) if Ctrl-C was pressed while the prompt was showing.
    static func takePromptInterrupt() -> Bool {
        defer { promptInterrupted = 0 }
        return promptInterrupted != 0
    }
}
