import Foundation
import Testing
import LontarTestSupport
@testable import LontarModel

@Suite struct TrainingDataTests {
    static let examples = [
        TrainingExample(ids: [1, 2, 3, 4, 5], lossMask: [false, false, true, true, true]),
        TrainingExample(ids: [6, 7, 8], lossMask: [false, true, true]),
        TrainingExample(ids: [9, 10, 11, 12, 13, 14, 15, 16], lossMask: [false, false, false, true, true, true, true, true]),
    ]

    @Test func paddedRowsHaveShiftedMaskedTargetsAndTruncation() throws {
        let data = try TrainingDataset(examples: Self.examples, config: DataConfig(sequenceLength: 6, batchSize: 3, padToken: 0),
                                       seed: 1)
        let batch = try #require(data.batches(epoch: 0).first)
        #expect(batch.sequences == 3 && batch.length == 6)
        // Find each example's row by its first token.
        for r in 0..<3 {
            let row = Array(batch.tokens[(r * 6)..<(r * 6 + 6)]), targets = Array(batch.targets[(r * 6)..<(r * 6 + 6)])
            switch row[0] {
            case 1: #expect(row == [1, 2, 3, 4, 5, 0]); #expect(targets == [-100, 3, 4, 5, -100, -100])
            case 6: #expect(row == [6, 7, 8, 0, 0, 0]); #expect(targets == [7, 8, -100, -100, -100, -100])
            case 9: #expect(row == [9, 10, 11, 12, 13, 14]); #expect(targets == [-100, -100, 12, 13, 14, -100])
            default: Issue.record("unexpected row \(row)")
            }
        }
        #expect(batch.segments == nil)
    }

    @Test func packingSeparatesDocumentsAndRestartsPositions() throws {
        let data = try TrainingDataset(examples: Self.examples, config: DataConfig(sequenceLength: 9, batchSize: 2, packing: true),
                                       seed: 1)
        let batches = data.batches(epoch: 0)
        #expect(batches.count == 1)
        let b = batches[0]
        let seg = try #require(b.segments)
        // Every token appears exactly once (8 + 5 + 3 = 16 tokens fit in 2 rows of 9 only as 8 | 5+3 or similar).
        #expect(b.tokens.filter { $0 != 0 }.count == 16)
        for i in 0..<b.rows where b.targets[i] >= 0 {
            #expect(i % 9 != 8 && seg[i] == seg[i + 1], "a target never crosses a document or row")
            #expect(b.positions[i + 1] == b.positions[i] + 1)
        }
    }

    @Test func shufflingIsSeededAndEvalIsHeldOut() throws {
        let many: [TrainingExample] = (0..<30).map { (i: Int) -> TrainingExample in
            let ids: [Int32] = [Int32(i), Int32(i + 1), Int32(i + 2)]
            return TrainingExample(ids: ids)
        }
        let config = DataConfig(sequenceLength: 4, batchSize: 2, evalExamples: 5)
        let a = try TrainingDataset(examples: many, config: config, seed: 9)
        let b = try TrainingDataset(examples: many, config: config, seed: 9)
        #expect(a.eval == b.eval)
        #expect(a.train == b.train)
        #expect(a.order(epoch: 3) == b.order(epoch: 3))
        #expect(a.order(epoch: 0) != a.order(epoch: 1))
        #expect(a.eval.count == 5 && a.train.count == 25)
        let evalIds = Set(a.eval.map { (e: TrainingExample) -> [Int32] in e.ids })
        let trainIds = Set(a.train.map { (e: TrainingExample) -> [Int32] in e.ids })
        #expect(evalIds.isDisjoint(with: trainIds))
    }

    @Test func badExamplesAreReported() {
        #expect(throws: TrainingError.invalidConfiguration("example 0 has 2 ids but 1 loss-mask values")) {
            try TrainingDataset(examples: [TrainingExample(ids: [1, 2], lossMask: [true])], config: DataConfig(), seed: 0)
        }
        #expect(throws: TrainingError.self) {
            try TrainingDataset(examples: [TrainingExample(ids: [1, 2], lossMask: [true, false])], config: DataConfig(), seed: 0)
        }
    }

    @Test func schedulesMatchTransformers() {
        // get_linear_schedule_with_warmup(warmup=2, total=10), get_cosine_…, get_constant_…
        #expect((0..<4).map { LRSchedule.linear.factor(step: $0, warmup: 2, total: 10) } == [0, 0.5, 1, 0.875])
        #expect(LRSchedule.linear.factor(step: 10, warmup: 2, total: 10) == 0)
        #expect(abs(LRSchedule.cosine.factor(step: 6, warmup: 2, total: 10) - 0.5) < 1e-12)
        #expect(LRSchedule.cosine.factor(step: 10, warmup: 2, total: 10) < 1e-12)
        #expect(LRSchedule.constant.factor(step: 1, warmup: 2, total: 10) == 0.5)
        #expect(LRSchedule.constant.factor(step: 7, warmup: 2, total: 10) == 1)
        let config = TrainingConfig(optimizer: AdamWConfig(learningRate: 1e-3), schedule: .linear, warmupSteps: 2, steps: 10)
        #expect(config.learningRate(step: 1) == 0)
        #expect(config.learningRate(step: 2) == 5e-4)
    }

    @Test(.enabled(if: TestSupport.peerAvailable(["torch", "transformers"]) || TestSupport.peersRequired))
    func schedulesMatchTransformersItself() throws {
        let request = try JSONSerialization.data(withJSONObject: ["warmup": 7, "total": 50, "steps": 55])
        let result = try TestSupport.runPython([TestSupport.oracles.appendingPathComponent("peft_schedules.py").path],
                                               stdin: request)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: [Double]])
        for schedule in LRSchedule.allCases {
            let theirs = try #require(json[schedule.rawValue])
            let ours = (0..<55).map { schedule.factor(step: $0, warmup: 7, total: 50) }
            for (step, (a, b)) in zip(ours, theirs).enumerated() {
                #expect(abs(a - b) < 1e-12, "\(schedule) after \(step) steps: \(a) vs transformers \(b)")
            }
        }
    }
}
