// The benchmark entry that scripts/bench-tokenizers builds in release mode
// (in a scratch package beside the sources): times Lontar's Llama 3
// tokenizer on the corpus and prints one JSON object per configuration.
//
// Usage: bench CORPUS_PREFIX TOKENIZER_FILE [REPEATS [THREADS...]]
// TOKENIZER_FILE is Llama 3's tokenizer.model, or a .gguf model whose
// embedded tokenizer is timed instead.
import Foundation
import LontarModelFiles
import LontarTokenizers

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write("usage: bench CORPUS_PREFIX TOKENIZER_FILE [REPEATS [THREADS...]]\n".data(using: .utf8)!)
    exit(2)
}
do {
    let loadStart = ContinuousClock.now
    let file = URL(fileURLWithPath: args[2])
    let tokenizer: any Tokenizer = file.pathExtension == "gguf"
        ? try GGUFTokenizer(gguf: GGUFFile(contentsOf: file))
        : try TiktokenTokenizer.llama3(contentsOf: file)
    let loadTime = ContinuousClock.now - loadStart
    print("{\"load_seconds\":\(Double(loadTime.components.attoseconds) * 1e-18 + Double(loadTime.components.seconds))}")
    let corpus = try TokenizerBenchmark.loadCorpus(text: URL(fileURLWithPath: args[1] + ".txt"),
                                                   offsets: URL(fileURLWithPath: args[1] + ".offsets"))
    let repeats = args.count > 3 ? Int(args[3]) ?? 3 : 3
    let threads = args.count > 4 ? args[4...].compactMap { Int($0) } : [1, 2]
    for m in try TokenizerBenchmark.measure(tokenizer, bytes: corpus.bytes, offsets: corpus.offsets,
                                            threads: threads, repeats: repeats) {
        print(m.json)
    }
} catch {
    FileHandle.standardError.write("bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
