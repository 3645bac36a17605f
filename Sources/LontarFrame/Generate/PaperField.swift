/// A field's vocabulary compiled into templates ready to emit.
final class PaperField: @unchecked Sendable {  // immutable after init
    let name: String
    let sentenceCase: Bool
    let numberedCitations: Bool
    let usesOutline: Bool
    let quantities: [Quantity]
    /// Templates by `SentenceKind.rawValue`.
    let sentences: [Choice]
    /// The same templates, flattened for emitting.
    let program: TemplateProgram

    init(_ source: PaperFieldSource) throws {
        for list in PaperTemplates.requiredLists where source.lists[list] == nil {
            throw TemplateError(message: "field \(source.name) lacks the word list {\(list)}")
        }
        guard !source.quantities.isEmpty else { throw TemplateError(message: "field \(source.name) has no quantities") }
        var compiler = TemplateCompiler(lists: source.lists, sticky: PaperTemplates.stickyLists)
        name = source.name
        sentenceCase = source.sentenceCase
        numberedCitations = source.numberedCitations
        usesOutline = source.usesOutline
        quantities = try compiler.compileQuantities(source.quantities)
        sentences = try SentenceKind.allCases.map { kind in
            let texts = (PaperTemplates.generic[kind] ?? []) + (source.sentences[kind] ?? [])
            for t in texts where t != t.trimmingSpaces || t.contains("  ") {
                throw TemplateError(message: "stray spaces in template \"\(t)\"")
            }
            return compiler.makeChoice(try texts.map { try compiler.compile($0) })
        }
        program = TemplateProgram(sentences: sentences, quantities: quantities)
    }

    /// Every field, compiled. The sources are constants of this module, so
    /// a failure is a bug caught by the tests (`compileAll`), not bad input.
    /// The most choices any field has.
    static let maxChoiceCount = all.map(\.program.choiceCount).max() ?? 0

    static let all: [PaperField] = {
        do { return try compileAll() } catch { preconditionFailure("corpus templates: \(error)") }
    }()

    static func compileAll() throws -> [PaperField] {
        try PaperFieldSource.all.map(PaperField.init)
    }
}
