import Foundation
import Testing
import LontarKernels
import LontarModel
import LontarTestSupport

/// The engine benchmark behind scripts/bench-engine: prefill of a 256-token
/// prompt and 128 greedy decode steps on SmolLM2-135M, 2 threads. It only
/// runs when LONTAR_BENCH=1 (in a release build) and asserts nothing about
/// speed; it prints one JSON line per configuration.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LONTAR_BENCH"] == "1"), .serialized)
struct EngineBenchmark {
    static var promptLength: Int { Int(ProcessInfo.processInfo.environment["LONTAR_BENCH_PROMPT"] ?? "") ?? 256 }
    static var decodeSteps: Int { Int(ProcessInfo.processInfo.environment["LONTAR_BENCH_DECODE"] ?? "") ?? 128 }
    static var threads: Int32 { Int32(ProcessInfo.processInfo.environment["LONTAR_BENCH_THREADS"] ?? "") ?? 2 }
    static var gguf: URL {
        get throws { try ProcessInfo.processInfo.environment["LONTAR_BENCH_GGUF"].map { URL(fileURLWithPath: $0) } ?? SmolLM2.gguf }
    }

    /// The benchmark prompt: token ids 1000, 1001, … (the same ids are given to llama.cpp).
    static func prompt(vocab: Int) -> [Int32] { (0..<promptLength).map { Int32(1000 + $0 % (vocab - 1000)) } }

    func run(format: WeightFormat, head: WeightFormat? = nil) throws {
        lt_set_threads(Self.threads)
        let loadStart = Date()
        let model = try LlamaModel.load(gguf: try Self.gguf, as: format, outputFormat: head)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let prompt = Self.prompt(vocab: model.vocabSize)
        var prefill = Double.infinity, decode = Double.infinity
        for _ in 0..<3 {
            let cache = try KVCache(model: model, sequences: 1, capacity: prompt.count + Self.decodeSteps + 1)
            let t0 = Date()
            var step = try model.forward([prompt], cache: cache, logits: .last)
            prefill = min(prefill, Date().timeIntervalSince(t0))
            let t1 = Date()
            for _ in 0..<Self.decodeSteps {
                let next = Int32(Sampler.argmax(step.lastLogits(sequence: 0)!))
                step = try model.forward([[next]], cache: cache, logits: .last)
            }
            decode = min(decode, Date().timeIntervalSince(t1))
        }
        let info = model.info()
        let line: [String: Any] = [
            "engine": "lontar", "format": format.rawValue + "/" + model.output.format.rawValue + " head", "threads": Int(Self.threads), "isa": String(cString: lt_isa_name(lt_kernel_isa())),
            "prompt_tokens": prompt.count, "decode_tokens": Self.decodeSteps,
            "prefill_tok_s": Double(prompt.count) / prefill, "decode_tok_s": Double(Self.decodeSteps) / decode,
            "load_s": loadSeconds, "weights_mib": Double(info.bytes) / 1_048_576,
        ]
        let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        print("BENCH " + String(decoding: data, as: UTF8.self))
    }

    @Test func nf4() throws { try run(format: .nf4) }
    @Test func nf4WithQ8Head() throws { try run(format: .nf4, head: .q8) }
    @Test func f32() throws { try run(format: .f32) }
    @Test func bf16() throws { try run(format: .bf16) }
}
