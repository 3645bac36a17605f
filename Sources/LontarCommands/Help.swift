import LontarLanguage

/// Help texts, from the registry: `:help`, `:help name`, and docs/commands.md.
public enum Help {
    public static let metaCommands: [(String, String)] = [
        (":help", ":help [command] — list commands, or explain one"),
        (":vars", ":vars — the variables of this session"),
        (":load", ":load NOTEBOOK.md — run a notebook's cells in this session"),
        (":save", ":save NOTEBOOK.md — write this session's successful entries as a notebook"),
        (":quit", ":quit — leave (also Ctrl-D)"),
    ]

    public static func text(for topic: String?, session: Session) -> String {
        let registry = session.registry
        guard let topic else {
            let width = registry.names.map(\.count).max() ?? 0
            var lines = ["Commands:"]
            for name in registry.names {
                lines.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + registry.command(name)!.summary)
            }
            lines.append("")
            lines.append("Functions: " + session.functions.keys.sorted().joined(separator: ", "))
            lines.append("")
            lines.append("At the prompt:")
            lines += metaCommands.map { "  " + $0.1 }
            lines.append("")
            lines.append("Type :help NAME for one command or function.")
            return lines.joined(separator: "\n")
        }
        if let spec = registry.command(topic) { return spec.help }
        if let function = session.functions[topic] { return "\(function.signature) — \(function.summary)" }
        let notes = didYouMean(topic, in: registry.names + Array(session.functions.keys))
        return "no command or function '\(topic)'" + (notes.first.map { "; \($0)" } ?? "")
    }

    /// The reference of every command and function, as markdown (docs/commands.md).
    public static func referenceMarkdown(session: Session) -> String {
        var out = ["# Lontar command reference", "",
                   "Generated from the command registry by `lontar docs`; the same text as `:help NAME` at the prompt.", ""]
        for name in session.registry.names {
            let spec = session.registry.command(name)!
            out.append("## `\(name)`")
            out.append("")
            out.append("```text")
            out.append(spec.help)
            out.append("```")
            out.append("")
        }
        out.append("## Functions")
        out.append("")
        for name in session.functions.keys.sorted() {
            let f = session.functions[name]!
            out.append("- `\(f.signature)` — \(f.summary)")
        }
        out.append("")
        out.append("## Prompt commands")
        out.append("")
        out += metaCommands.map { "- `\($0.0)` — " + $0.1.components(separatedBy: " — ").last! }
        return out.joined(separator: "\n") + "\n"
    }
}
