import Foundation
import LontarLanguage

/// The DSL's command library: every command and function a session knows.
///
/// Each family of commands lives in its own file and registers itself here,
/// so a new engine adds one file and one line.
public enum StandardLibrary {
    /// A registry holding every command (also used for docs and completion).
    public static func makeRegistry() -> CommandRegistry {
        let registry = CommandRegistry()
        CoreCommands.register(in: registry)
        PlotCommands.register(in: registry)
        FrameCommands.register(in: registry)
        TextCommands.register(in: registry)
        return registry
    }

    /// A ready session: commands, functions and the shared presenter.
    public static func makeSession(parameters: [String: Value] = [:],
                                   workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> Session {
        let session = Session(registry: makeRegistry(), parameterOverrides: parameters, workingDirectory: workingDirectory)
        session.presenter = Presentation.present
        for function in CoreFunctions.all { session.register(function) }
        return session
    }

    /// Parses a `--param name=value` value as a DSL literal: numbers, true/false,
    /// quoted strings; anything else is taken as a plain string.
    public static func parseParameterValue(_ text: String) -> Value {
        if let i = Int64(text.replacingOccurrences(of: "_", with: "")) { return .integer(i) }
        if let d = Double(text) { return .double(d) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return .string(String(text.dropFirst().dropLast()))
        }
        return .string(text)
    }
}
