// swift-tools-version:6.0
//
// Lontar: a literate notebook environment and native QLoRA engine.
//
// The targets below are the architecture, top to bottom:
//
//   lontar (executable)          thin command-line entry point
//   LontarNotebook, LontarREPL   cell files, runs and outputs; the interactive prompt
//   LontarCommands               the DSL's command library (frames, tokenizers, models)
//   LontarLanguage               lexer, parser, values, evaluator, command registry
//   LontarRender                 markdown tables, ASCII plots, terminal output
//   LontarFrame, LontarRegex     columnar dataframes with Spark semantics; regex engine
//   LontarTokenizers             Llama 3 (tiktoken) and GGUF BPE tokenizers
//   LontarModel                  Llama models, NF4, forward/backward, generation, QLoRA
//   LontarModelFiles             GGUF and safetensors readers/writers, model fetching
//   LontarKernels (kernels/)     C kernels: NF4, matmul, attention, norms, optimizers
//   LontarSystem                 atomic file writes, errno text, edit distance
//
// Dependencies only point down. No package dependencies: Foundation and the
// system's libreadline only.
import PackageDescription

/// The C kernels are always built optimised, even in debug builds: a debug
/// build of the numeric core would make every notebook and test crawl.
/// Instruction sets are chosen at run time (see kernels/cpu.c), so the
/// binary runs on any x86-64 or arm64 machine.
let kernelFlags: [CSetting] = [
    .unsafeFlags(["-O3", "-fno-math-errno", "-fno-trapping-math", "-std=gnu11", "-pthread"])
]

let package = Package(
    name: "Lontar",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lontar", targets: ["lontar"]),
    ],
    targets: [
        .target(name: "LontarKernels", path: "kernels", cSettings: kernelFlags,
                linkerSettings: [.linkedLibrary("m"), .linkedLibrary("pthread")]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),

        .target(name: "LontarSystem"),
        .target(name: "LontarRegex"),
        .target(name: "LontarFrame", dependencies: ["LontarRegex", "LontarSystem"]),
        .target(name: "LontarModelFiles", dependencies: ["LontarKernels", "LontarSystem"]),
        .target(name: "LontarTokenizers", dependencies: ["LontarModelFiles"]),
        .target(name: "LontarModel", dependencies: ["LontarKernels", "LontarModelFiles", "LontarTokenizers"]),
        .target(name: "LontarRender"),
        .target(name: "LontarLanguage", dependencies: ["LontarFrame", "LontarSystem"]),
        .target(name: "LontarCommands", dependencies: [
            "LontarLanguage", "LontarFrame", "LontarRender", "LontarTokenizers", "LontarModel", "LontarModelFiles",
        ]),
        .target(name: "LontarNotebook", dependencies: ["LontarCommands", "LontarLanguage", "LontarRender", "LontarSystem"]),
        .target(name: "LontarREPL", dependencies: ["LontarCommands", "LontarLanguage", "LontarNotebook", "LontarRender", "CReadline"]),
        .executableTarget(name: "lontar", dependencies: ["LontarNotebook", "LontarREPL", "LontarCommands", "LontarModelFiles"]),
        // Used by the test targets only: repository paths and the Python peers.
        .target(name: "LontarTestSupport", path: "Sources/LontarTestSupport"),

        .testTarget(name: "KernelTests", dependencies: ["LontarTestSupport", "LontarKernels"]),
        .testTarget(name: "RegexTests", dependencies: ["LontarTestSupport", "LontarRegex"]),
        .testTarget(name: "FrameTests", dependencies: ["LontarTestSupport", "LontarFrame"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["LontarTestSupport", "LontarModelFiles", "LontarSystem"]),
        .testTarget(name: "TokenizerTests", dependencies: ["LontarTestSupport", "LontarTokenizers", "LontarModelFiles"]),
        .testTarget(name: "ModelTests", dependencies: ["LontarTestSupport", "LontarModel", "LontarKernels", "LontarModelFiles"]),
        .testTarget(name: "RenderTests", dependencies: ["LontarTestSupport", "LontarRender"]),
        .testTarget(name: "LanguageTests", dependencies: ["LontarTestSupport", "LontarLanguage", "LontarSystem"]),
        .testTarget(name: "NotebookTests", dependencies: ["LontarTestSupport", "LontarNotebook", "LontarREPL", "LontarCommands"]),
    ]
)
