import Foundation
import Testing
import LontarTestSupport
@testable import LontarModel

/// Lontar's LoRA training of SmolLM2-135M against transformers + PEFT
/// (Tests/oracles/peft_smollm2.py): the same weights, batches and LoRA
/// initialisation give the same step-0 loss (1e-4) and gradients (1e-3
/// relative), and 20 AdamW steps track within 2%. The peer's answers are
/// committed in peft_smollm2_reference.json; the round trips through PEFT's
/// own loader run when torch and peft are installed.
@Suite(.serialized) struct TrainingPEFTTests {
    static let referenceURL = TestSupport.oracles.appendingPathComponent("peft_smollm2_reference.json")
    static let oracleURL = TestSupport.oracles.appendingPathComponent("peft_smollm2.py")
    static let modelAvailable = TrainingSmolLM2Tests.available
    static let peftAvailable = TestSupport.peerAvailable(["torch", "transformers", "peft"])

    struct Reference {
        var json: [String: Any]
        var batches: [TrainingBatch]
        var step0Loss: Double { json["step0_loss"] as! Double }
        var losses: [Double] { json["losses"] as! [Double] }
        var grads: [String: [String: Any]] { json["step0_grads"] as! [String: [String: Any]] }
    }

    /// Hugging Face labels (unshifted, -100 = ignored) to Lontar's next-token targets.
    static func batch(_ b: [String: Any]) -> TrainingBatch {
        let ids = b["input_ids"] as! [[Int]], labels = b["labels"] as! [[Int]]
        let T = ids[0].count
        var tokens: [Int32] = [], targets: [Int32] = [], positions: [Int32] = []
        for (row, lab) in zip(ids, labels) {
            tokens += row.map(Int32.init)
            targets += (0..<T).map { $0 + 1 < T ? Int32(lab[$0 + 1]) : -100 }
            positions += (0..<T).map(Int32.init)
        }
        return TrainingBatch(sequences: ids.count, length: T, tokens: tokens, targets: targets, positions: positions)
    }

    static func reference(_ data: Data) throws -> Reference {
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let batches = (json["batches"] as! [[String: Any]]).map(batch)
        return Reference(json: json, batches: batches)
    }

    static let lora = LoRAConfig(rank: 8, alpha: 16, dropout: 0, targets: LoRATarget.allCases)

    /// The oracle's closed-form initialisation (B in Hugging Face row order).
    static func initialize(_ adapters: LoRAAdapters) {
        for s in adapters.slots {
            let t = Double(LoRATarget.allCases.firstIndex(of: s.target)!), l = Double(s.layer)
            let a = (0..<s.aCount).map { j in Float(sin(0.37 * Double(j) + 1.3 * l + 0.71 * t) / Double(s.inFeatures).squareRoot()) }
            var b = (0..<s.bCount).map { j in Float(0.02 * cos(0.53 * Double(j) + 0.9 * l + 0.29 * t)) }
            if s.target == .q || s.target == .k {
                b = LoRAAdapters.permuteRotaryRows(b, heads: s.target == .q ? adapters.shape.heads : adapters.shape.kvHeads,
                                                   headDim: adapters.shape.headDim, columns: adapters.config.rank, toHF: false)
            }
            adapters.set(s, a: a, b: b)
        }
    }

    /// A slot's gradient of A or B in PEFT's layout.
    static func gradient(_ adapters: LoRAAdapters, _ s: LoRAAdapters.Slot, _ which: String) -> [Float] {
        let g = adapters.gradients
        if which == "A" { return Array(UnsafeBufferPointer(start: g.at(s.aOffset), count: s.aCount)) }
        let b = Array(UnsafeBufferPointer(start: g.at(s.bOffset), count: s.bCount))
        guard s.target == .q || s.target == .k else { return b }
        return LoRAAdapters.permuteRotaryRows(b, heads: s.target == .q ? adapters.shape.heads : adapters.shape.kvHeads,
                                              headDim: adapters.shape.headDim, columns: adapters.config.rank, toHF: true)
    }

    @Test(.enabled(if: modelAvailable)) func stepZeroAndTwentyStepsMatchPEFT() throws {
        let ref = try Self.reference(Data(contentsOf: Self.referenceURL))
        let model = try TrainableLlama.load(contentsOf: TrainingSmolLM2Tests.modelURL, format: .f32)
        let adapters = LoRAAdapters(shape: model.shape, config: Self.lora)
        Self.initialize(adapters)
        TrainingPass.setThreads(2)
        defer { TrainingPass.setThreads(1) }
        let pass = TrainingPass(model: model, adapters: adapters, maxPositions: 64)

        // Step 0: loss and every LoRA gradient.
        adapters.gradients.zero()
        let b0 = ref.batches[0]
        let loss0 = try pass.trainStep(b0, normalizer: b0.countedTokens, dropoutSeed: 0)
        #expect(abs(loss0 - ref.step0Loss) < 1e-4, "step-0 loss \(loss0) vs PEFT \(ref.step0Loss)")
        var worstNorm = 0.0, worstProbe = 0.0, worstValue = 0.0, compared = 0
        for s in adapters.slots {
            for which in ["A", "B"] {
                let name = LoRAAdapters.peftName(layer: s.layer, s.target, which)
                let theirs = try #require(ref.grads[name], "\(name) missing from the reference")
                let g = Self.gradient(adapters, s, which).map(Double.init)
                let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let probe = g.enumerated().reduce(0.0) { $0 + $1.element * cos(0.77 * Double($1.offset) + 0.1) }
                let theirNorm = theirs["norm"] as! Double, theirProbe = theirs["probe"] as! Double
                let first = theirs["first"] as! [Double]
                worstNorm = max(worstNorm, abs(norm - theirNorm) / theirNorm)
                // |Δprobe| <= |Δg| |probe vector|: relative to |g| sqrt(n/2)
                worstProbe = max(worstProbe, abs(probe - theirProbe) / (theirNorm * (Double(g.count) / 2).squareRoot()))
                // Elements relative to the tensor's root-mean-square value.
                let rms = theirNorm / Double(g.count).squareRoot()
                for (x, y) in zip(g.prefix(8), first) { worstValue = max(worstValue, abs(x - y) / rms) }
                compared += 1
            }
        }
        #expect(compared == 420)
        #expect(worstNorm < 1e-3, "worst relative gradient-norm difference \(worstNorm)")
        #expect(worstProbe < 1e-3, "worst projected gradient difference \(worstProbe)")
        #expect(worstValue < 1e-3, "worst gradient element difference (relative to the tensor's rms) \(worstValue)")
        print("PEFT gradient agreement: norm \(worstNorm), projection \(worstProbe), elements \(worstValue)")

        // 20 AdamW steps alternating the two batches.
        Self.initialize(adapters)
        let lr = ref.json["lr"] as! Double
        let optimizer = AdamW(config: AdamWConfig(learningRate: lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                                                  weightDecay: 0, maxGradNorm: 1), count: adapters.parameterCount)
        var losses: [Double] = []
        for step in 0..<ref.losses.count {
            let b = ref.batches[step % 2]
            adapters.gradients.zero()
            losses.append(try pass.trainStep(b, normalizer: b.countedTokens, dropoutSeed: 0))
            optimizer.update(parameters: adapters.parameters, gradients: adapters.gradients, learningRate: lr)
        }
        for (i, (ours, theirs)) in zip(losses, ref.losses).enumerated() {
            #expect(abs(ours - theirs) <= 0.02 * theirs, "step \(i + 1): \(ours) vs PEFT \(theirs)")
        }
        #expect(losses.last! < 0.7 * losses.first!, "the loss falls: \(losses)")
        // The trained adapter's loss on batch 0, as PEFT measured it.
        let final = try pass.evaluate(ref.batches[0])
        #expect(abs(final.sum / Double(final.tokens) - (ref.json["final_loss"] as! Double)) < 0.02 * (ref.json["final_loss"] as! Double))
    }

    @Test(.enabled(if: modelAvailable && (peftAvailable || TestSupport.peersRequired)))
    func peftLoadsLontarsAdapterAndLontarLoadsPEFTs() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try TrainableLlama.load(contentsOf: TrainingSmolLM2Tests.modelURL, format: .f32)
        let adapters = LoRAAdapters(shape: model.shape, config: Self.lora)
        Self.initialize(adapters)
        let ours = dir.appendingPathComponent("lontar-adapter"), theirs = dir.appendingPathComponent("peft-adapter")
        try adapters.savePEFT(to: ours, baseModel: "SmolLM2-135M-Instruct")

        // PEFT reads Lontar's folder (q/k rows permuted to Hugging Face order) and
        // trains 3 steps from it: its step-0 loss is the committed reference's.
        let result = try TestSupport.runPython([Self.oracleURL.path, TrainingSmolLM2Tests.modelURL.path,
                                                TrainingSmolLM2Tests.referenceURL.path, "--adapter", ours.path,
                                                "--save", theirs.path, "--steps", "3"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        let ref = try Self.reference(result.stdout)
        let committed = try Self.reference(Data(contentsOf: Self.referenceURL))
        #expect(abs(ref.step0Loss - committed.step0Loss) < 1e-5, "PEFT on Lontar's file: \(ref.step0Loss)")

        // Lontar reads the adapter PEFT trained and measures PEFT's final loss.
        let loaded = try LoRAAdapters.loadPEFT(from: theirs, shape: model.shape)
        #expect(loaded.config.rank == 8 && loaded.config.alpha == 16 && loaded.config.targets == LoRATarget.allCases)
        let pass = TrainingPass(model: model, adapters: loaded, maxPositions: 64)
        let r = try pass.evaluate(ref.batches[0])
        let peftFinal = ref.json["final_loss"] as! Double
        #expect(abs(r.sum / Double(r.tokens) - peftFinal) < 1e-4, "Lontar on PEFT's adapter: \(r.sum / Double(r.tokens)) vs \(peftFinal)")
    }
}
