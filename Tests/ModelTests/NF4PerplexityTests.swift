import Foundation
import Testing
import LontarTestSupport
import LontarKernels
@testable import LontarModel

/// What NF4 costs SmolLM2-135M against what llama.cpp's own 4-bit
/// requantizations of the same weights cost (scripts/check-nf4-perplexity).
/// The script's measurements are committed in nf4_perplexity_reference.json,
/// so this checks the conclusions without llama.cpp.
@Suite struct NF4PerplexityTests {
    static let referenceURL = TestSupport.oracles.appendingPathComponent("nf4_perplexity_reference.json")
    static let experimentDirectory = ProcessInfo.processInfo.environment["LONTAR_NF4_EXPERIMENT"]

    struct Reference {
        let json: [String: Any]
        init() throws {
            json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: NF4PerplexityTests.referenceURL))
                                as? [String: Any])
        }
        /// llama.cpp's perplexity of `format` on `corpus`, over its original Q4_1 file's.
        func llamacpp(_ format: String, _ corpus: String) throws -> Double {
            let r = try #require((json["ratios"] as? [String: Any])?[corpus] as? [String: Any])
            return try #require((r["llamacpp_vs_llamacpp_q4_1"] as? [String: Double])?[format], "\(format)")
        }
        /// Lontar's perplexity of `format` (f32, bf16, nf4) on `corpus`, over its f32 one's.
        func lontar(_ format: String, _ corpus: String) throws -> Double {
            let r = try #require((json["ratios"] as? [String: Any])?[corpus] as? [String: Any])
            return try #require((r["lontar_vs_lontar_f32"] as? [String: Double])?[format])
        }
        func bits(_ format: String) throws -> Double {
            try #require((json["bits_per_weight"] as? [String: Double])?[format], "\(format)")
        }
    }

    static let corpora = ["responses", "prompts"]

    /// Both engines score the same token ids, and Lontar's f32 path and
    /// llama.cpp's own Q4_1 path (the same weights) agree within 1%.
    @Test func lontarF32AgreesWithLlamaCppOnTheSameWeights() throws {
        let ref = try Reference()
        let check = try #require(ref.json["token_check"] as? [String: [String: Int]])
        for corpus in Self.corpora {
            let c = try #require(check[corpus])
            #expect(c["rows_with_other_token_count"] == 0 && c["predicted_tokens"] == c["lontar_predicted_tokens"], "\(c)")
            let r = try #require((ref.json["ratios"] as? [String: Any])?[corpus] as? [String: Any])
            let f32 = try #require(r["lontar_f32_vs_llamacpp_q4_1"] as? Double)
            #expect(abs(f32 - 1) < 0.01, "\(corpus): Lontar f32 / llama.cpp Q4_1 = \(f32)")
            // Near-lossless controls: llama.cpp's Q8_0 requantization, Lontar's bf16.
            #expect(abs(try ref.llamacpp("Q8_0", corpus) - 1) < 0.005)
            #expect(abs(try ref.lontar("bf16", corpus) - 1) < 0.002)
        }
    }

    /// The "NF4 within 5% of f32" does not hold on SmolLM2-135M, and
    /// no 4-bit requantization of these (already Q4_1) weights meets it in
    /// llama.cpp either: llama.cpp's 4.5-bit formats (Q4_0, IQ4_NL — its
    /// own non-linear grid) cost 18–28%, even 5.5-bit Q5_0 costs 8–10%. NF4
    /// (4.13 bits) costs 25–28%: within 5% of the 4.5-bit formats' ratio, on
    /// one corpus between them, with fewer bits per weight.
    @Test func nf4CostsWhatLlamaCppsFourBitRequantizationsCost() throws {
        let ref = try Reference()
        #expect(try ref.bits("Lontar nf4") < ref.bits("Q4_0") && ref.bits("Q4_0") == ref.bits("IQ4_NL pure"))
        for corpus in Self.corpora {
            let nf4 = try ref.lontar("nf4", corpus)
            let fourBit = try ["Q4_0", "IQ4_NL pure", "IQ4_NL", "IQ4_XS"].map { try ref.llamacpp($0, corpus) }
            #expect(nf4 > 1.05, "\(corpus): NF4 / f32 = \(nf4) — the issue's 5% is met after all")
            #expect(fourBit.allSatisfy { $0 > 1.15 }, "\(corpus): \(fourBit)")
            #expect(try ref.llamacpp("Q5_0", corpus) > 1.05)
            let pure = try [ref.llamacpp("Q4_0", corpus), ref.llamacpp("IQ4_NL pure", corpus)]
            #expect(nf4 < 1.05 * pure.min()!, "\(corpus): NF4 \(nf4) vs llama.cpp 4.5-bit \(pure)")
            #expect(nf4 > 0.95 * pure.min()!, "\(corpus): NF4 \(nf4) vs llama.cpp 4.5-bit \(pure)")
            #expect(nf4 < 1.3, "\(corpus): NF4 / f32 = \(nf4)")
        }
    }

    /// Where NF4's cost comes from (the script's --experiment, committed in
    /// the reference): the MLP's weights, down_proj most of all (kept in f32 it
    /// removes about half of NF4's log-perplexity cost); the block size, not
    /// the grid or the double quantization (NF4 with blocks of 32 does better
    /// than with 64; llama.cpp's uniform Q4_0 rounding is better at 32 and
    /// worse at 64).
    @Test func nf4CostComesFromDownProjAndBlockSize() throws {
        let ref = try Reference()
        let e = try #require((ref.json["lontar_experiment"] as? [String: Any])?["responses_perplexity"] as? [String: Double])
        func cost(_ key: String) throws -> Double { log(try #require(e[key], "\(key)") / e["f32"]!) }
        let all = try cost("nf4 (Lontar's NF4Matrix, dequantized)")
        // The dequantized NF4 weights in f32 compute reproduce the bf16-compute NF4 path.
        let lontarNF4 = try #require((ref.json["lontar"] as? [String: [String: [String: Double]]])?["responses"]?["nf4"]?["perplexity"])
        #expect(abs(e["nf4 (Lontar's NF4Matrix, dequantized)"]! / lontarNF4 - 1) < 0.002)
        let kinds = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
        let saved = try kinds.map { all - (try cost("nf4 except \($0) (kept f32)")) }
        #expect(saved.firstIndex(of: saved.max()!) == 6, "keeping one kind in f32 saves \(saved)")
        #expect(saved[6] > 0.4 * all && saved[6] > 2 * saved.dropLast().max()!, "\(saved) of \(all)")
        #expect(try cost("nf4, mlp only") > 3 * cost("nf4, attention only"))
        // Double quantization costs little; blocks of 32 beat 64 for either rounding.
        #expect(try abs(all - cost("nf4 block 64, f32 absmax")) < 0.01)
        #expect(try cost("nf4 block 32, f32 absmax") < cost("nf4 block 64, f32 absmax") - 0.01)
        #expect(try cost("q4_0-style block 32 (llama.cpp's rounding, f32 scale)") < cost("nf4 block 32, f32 absmax"))
        #expect(try cost("q4_0-style block 64 (f32 scale)") > cost("nf4 block 64, f32 absmax"))
    }

    /// Which rounding error of the weights costs what: fake-quantized float32
    /// weights (quantize, dequantize, keep float32) in every projection or in
    /// all but one kind, scored on the script's token ids. Runs only when
    /// asked (LONTAR_NF4_EXPERIMENT = the script's --keep folder); prints a
    /// table and writes nf4_experiment.json there.
    @Test(.enabled(if: experimentDirectory != nil)) func projectionExperiment() throws {
        let dir = URL(fileURLWithPath: Self.experimentDirectory!)
        let input = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("sequences.json"))) as? [String: Any])
        let gguf = URL(fileURLWithPath: input["gguf"] as! String)
        let all = try #require(input["sequences"] as? [String: [[Int]]])
        let sequences = try #require(all["responses"]).map { $0.map(Int32.init) }
        let base = try LlamaModel.load(gguf: gguf, as: .f32)
        let kinds = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

        // Every linear of every layer, fake-quantized once per quantizer.
        func quantized(_ q: (UnsafeMutablePointer<Float>, Int, Int) -> Void) -> [[LinearWeight]] {
            base.layers.map { layer in
                layer.linears.map { _, w in
                    let copy = FloatBuffer(count: w.outFeatures * w.inFeatures)
                    copy.pointer.update(from: w.dequantized().pointer, count: copy.count)
                    q(copy.pointer, w.outFeatures, w.inFeatures)
                    return LinearWeight(copy, out: w.outFeatures, in: w.inFeatures, format: .f32)
                }
            }
        }
        func model(_ weights: [[LinearWeight]], keep: Set<String> = []) throws -> LlamaModel {
            let layers = zip(base.layers, weights).map { layer, w -> LlamaLayer in
                let orig = layer.linears.map(\.weight)
                let pick = (0..<7).map { keep.contains(kinds[$0]) ? orig[$0] : w[$0] }
                return LlamaLayer(attentionNorm: layer.attentionNorm, q: pick[0], k: pick[1], v: pick[2], o: pick[3],
                                  ffnNorm: layer.ffnNorm, gate: pick[4], up: pick[5], down: pick[6])
            }
            return try LlamaModel(config: base.config, source: base.source, format: .f32, embedding: base.embedding,
                                  layers: layers, finalNorm: base.finalNorm, output: base.output,
                                  outputSharesEmbedding: base.outputSharesEmbedding,
                                  ropeInverseFrequencies: base.ropeInverseFrequencies,
                                  bosTokenId: base.bosTokenId, eosTokenIds: base.eosTokenIds)
        }
        var results: [(String, Double)] = []
        func score(_ name: String, _ m: LlamaModel) throws {
            let p = try m.perplexity(sequences).perplexity
            results.append((name, p))
            print(String(format: "nf4-experiment | %@ | %.3f |", name, p))
        }
        try score("f32", base)
        // The real NF4 storage (double-quantized absmax), dequantized.
        let nf4Real = quantized { p, rows, cols in
            let m = NF4Matrix(quantizing: p, rows: rows, cols: cols).dequantized()
            p.update(from: m.pointer, count: rows * cols)
        }
        try score("nf4 (Lontar's NF4Matrix, dequantized)", try model(nf4Real))
        for kind in kinds { try score("nf4 except \(kind) (kept f32)", try model(nf4Real, keep: [kind])) }
        try score("nf4, attention only", try model(nf4Real, keep: ["gate_proj", "up_proj", "down_proj"]))
        try score("nf4, mlp only", try model(nf4Real, keep: ["q_proj", "k_proj", "v_proj", "o_proj"]))
        try score("nf4 block 64, f32 absmax", try model(quantized { p, r, c in Self.fakeNF4(p, r * c, block: 64) }))
        try score("nf4 block 32, f32 absmax", try model(quantized { p, r, c in Self.fakeNF4(p, r * c, block: 32) }))
        try score("q4_0-style block 32 (llama.cpp's rounding, f32 scale)",
                  try model(quantized { p, r, c in Self.fakeQ4_0(p, r * c, block: 32) }))
        try score("q4_0-style block 64 (f32 scale)", try model(quantized { p, r, c in Self.fakeQ4_0(p, r * c, block: 64) }))

        let json = Dictionary(uniqueKeysWithValues: results.map { ($0.0, ($0.1 * 1000).rounded() / 1000) })
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: dir.appendingPathComponent("nf4_experiment.json"))
    }

    /// bitsandbytes' NF4 levels.
    static let nf4Levels: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
        -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
        0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
        0.7229568362236023, 1.0]

    /// NF4 round trip with a float32 absmax per block (no double quantization).
    static func fakeNF4(_ p: UnsafeMutablePointer<Float>, _ n: Int, block: Int) {
        for start in stride(from: 0, to: n, by: block) {
            let end = min(n, start + block)
            var absmax: Float = 0
            for i in start..<end { absmax = max(absmax, abs(p[i])) }
            guard absmax > 0 else { continue }
            for i in start..<end {
                let x = p[i] / absmax
                var best = nf4Levels[0]
                for l in nf4Levels where abs(l - x) < abs(best - x) { best = l }
                p[i] = best * absmax
            }
        }
    }

    /// llama.cpp's Q4_0 rounding (d = the signed value of largest magnitude / -8,
    /// q = min(15, trunc(x/d + 8.5)), x' = (q - 8) d) with a float32 scale.
    static func fakeQ4_0(_ p: UnsafeMutablePointer<Float>, _ n: Int, block: Int) {
        for start in stride(from: 0, to: n, by: block) {
            let end = min(n, start + block)
            var amax: Float = 0, maxv: Float = 0
            for i in start..<end where abs(p[i]) > amax { amax = abs(p[i]); maxv = p[i] }
            let d = maxv / -8
            let id: Float = d != 0 ? 1 / d : 0
            for i in start..<end {
                let q = min(15, Int(p[i] * id + 8.5))
                p[i] = Float(q - 8) * d
            }
        }
    }
}
