import Foundation
import Testing
import LontarTestSupport
@testable import LontarModel

/// Real `kill -9`s: a fine-tune runs in a child process (a Swift Testing exit
/// test) that SIGKILLs itself at chosen moments — after random delays, while
/// a checkpoint folder is being written, between the folder's rename and
/// `latest`'s, while `latest` itself is being replaced — and the parent then
/// checks that the checkpoint folder is always loadable, that at most `every`
/// steps were lost, and that resuming gives, bit for bit, the losses and
/// adapters of an uninterrupted run.
@Suite(.serialized) struct TrainingKillTests {
    static let shape = LlamaShape(vocab: 32, dim: 128, layers: 2, heads: 4, kvHeads: 2, ffn: 256, normEps: 1e-5,
                                  ropeTheta: 10_000, ropeInterleaved: true, tiedEmbeddings: true)
    static let steps = 40
    static let every = 2

    static func model() throws -> TrainableLlama {
        let tensors = TrainingPassTests.tensors(shape, seed: 1)
        return try TrainableLlama.build(shape: shape, format: .f32) { tensors[$0] }
    }

    static func data() throws -> TrainingDataset {
        try TrainingDataset(examples: TrainingLoopTests.corpus(count: 48, seed: 11),
                            config: DataConfig(sequenceLength: 16, batchSize: 4, evalExamples: 4), seed: 11)
    }

    static func config() -> TrainingConfig {
        var config = TrainingLoopTests.config(steps: steps)
        config.lora.dropout = 0.1
        config.schedule = .cosine
        config.warmupSteps = 3
        config.evalEvery = 5
        config.checkpointEvery = every
        return config
    }

    /// When the child kills itself.
    enum Trigger: Codable, Sendable, CustomStringConvertible {
        /// After this many microseconds of training.
        case delay(UInt32)
        /// Once `latest` names step >= `after`, as soon as a temporary checkpoint folder exists.
        case writingFolder(after: Int)
        /// Once `latest` names step >= `after`, as soon as a complete folder newer than `latest` exists.
        case folderRenamed(after: Int)
        /// Once `latest` names step >= `after`, as soon as a temporary `latest` exists.
        case writingLatest(after: Int)

        var description: String {
            switch self {
            case .delay(let us): "after \(us / 1000) ms"
            case .writingFolder(let s): "writing a checkpoint folder after step \(s)"
            case .folderRenamed(let s): "between the folder's rename and latest's, after step \(s)"
            case .writingLatest(let s): "writing latest after step \(s)"
            }
        }
    }

    /// The step `latest` names, or nil (no readable `latest` yet).
    static func latestStep(_ dir: String) -> Int? {
        guard let text = try? String(contentsOfFile: dir + "/latest", encoding: .utf8),
              text.hasPrefix("checkpoint-") else { return nil }
        return Int(text.dropFirst("checkpoint-".count).prefix(6))
    }

    /// The child: trains (resuming when asked) with a watcher thread that
    /// SIGKILLs the process when `trigger` fires; logs every finished step's
    /// loss; SIGKILLs itself at the end too, so every child dies the same way.
    static func child(dir: String, resume: Bool, trigger: Trigger) throws {
        let checkpoints = dir + "/ckpt"
        let log = open(dir + "/progress.log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        let trainer = try Trainer(model: try model(), dataset: try data(), config: config(),
                                  checkpointDirectory: URL(fileURLWithPath: checkpoints), resume: resume)
        let pid = getpid()
        let watcher = Thread {
            let fm = FileManager.default
            func entries() -> [String] { (try? fm.contentsOfDirectory(atPath: checkpoints)) ?? [] }
            func ready(_ after: Int) -> Bool { (latestStep(checkpoints) ?? 0) >= after }
            switch trigger {
            case .delay(let us):
                usleep(us)
            case .writingFolder(let after):
                while !(ready(after) && entries().contains { $0.hasPrefix(".checkpoint-") && $0.hasSuffix(".tmp-\(pid)") }) {}
            case .folderRenamed(let after):
                while true {
                    guard ready(after), let latest = latestStep(checkpoints) else { continue }
                    if entries().contains(where: { name in
                        name.hasPrefix("checkpoint-")
                            && Int(name.dropFirst("checkpoint-".count).prefix(6)).map { $0 > latest } == true
                    }), latestStep(checkpoints) == latest { break }
                }
            case .writingLatest(let after):
                while !(ready(after) && entries().contains { $0 == ".latest.tmp-\(pid)" }) {}
            }
            kill(getpid(), SIGKILL)
        }
        watcher.start()
        _ = try trainer.run { p in
            let line = "\(p.step) \(p.loss.bitPattern)\n"
            _ = line.withCString { write(log, $0, strlen($0)) }
        }
        kill(getpid(), SIGKILL)
    }

    /// (step, loss) lines the child logged.
    static func progress(_ dir: URL) throws -> [(step: Int, loss: Double)] {
        try String(contentsOf: dir.appendingPathComponent("progress.log"), encoding: .utf8)
            .split(separator: "\n").map { line in
                let f = line.split(separator: " ")
                return (Int(f[0])!, Double(bitPattern: UInt64(f[1])!))
            }
    }

    /// Temporary files and folders in the checkpoint folder.
    static func leftovers(_ dir: URL) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.contains(".tmp-") })
    }

    @Test func killedRunsLoseAtMostEveryStepsAndResumeExactly() async throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoints = dir.appendingPathComponent("ckpt")

        let clock = ContinuousClock()
        let started = clock.now
        let full = try Trainer(model: try Self.model(), dataset: try Self.data(), config: Self.config())
        let reference = try full.run()
        let elapsed = (clock.now - started).components
        let fullSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        #expect(reference.losses.count == Self.steps)
        print("kill test: the uninterrupted run took \(fullSeconds) s")

        // A chain of children, each resuming where the last one was killed.
        var rng = TrainingRNG(seed: 2024)
        let span = UInt32(max(fullSeconds, 0.05) * 1e6)
        var triggers: [Trigger] = [.delay(span / 8), .writingFolder(after: 4), .folderRenamed(after: 8),
                                   .writingLatest(after: 12)]
        for _ in 0..<4 { triggers.append(.delay(span / 20 + UInt32(rng.below(Int(span / 4))))) }
        triggers += [.writingFolder(after: 26), .folderRenamed(after: 30), .writingLatest(after: 34)]

        var previous = 0, landedMidWrite = 0
        for trigger in triggers {
            let resume = Self.latestStep(checkpoints.path) != nil
            let leftoversBefore = Self.leftovers(checkpoints)
            let path = dir.path
            await #expect(processExitsWith: .signal(SIGKILL), "killed \(trigger)") { [path = path as String, resume = resume as Bool, trigger = trigger as Trigger] in
                try Self.child(dir: path, resume: resume, trigger: trigger)
            }
            let logged = try Self.progress(dir)
            // Everything the child logged is the uninterrupted run's, bit for bit.
            for (step, loss) in logged {
                #expect(loss.bitPattern == reference.losses[step - 1].bitPattern, "step \(step) (\(trigger))")
            }
            let reached = logged.last?.step ?? previous
            guard let latest = Self.latestStep(checkpoints.path) else {
                // Killed before the first checkpoint: nothing may have been lost beyond `every` steps.
                #expect(reached + 1 <= Self.every, "no checkpoint after step \(reached) (\(trigger))")
                continue
            }
            // Always loadable (complete, SHA-256 verified), never older than before, never more than `every` behind.
            let (meta, state, _) = try TrainingCheckpoint.readLatest(in: checkpoints)
            #expect(meta.step == latest)
            #expect(state.count == 3 * meta.parameterCount)
            #expect(meta.step >= previous, "latest went back from \(previous) to \(meta.step) (\(trigger))")
            // The step after the last logged one was in flight, unless the run
            // had logged its final step (then only the final checkpoint was).
            let inFlight = reached < Self.steps ? 1 : 0
            #expect(reached + inFlight - meta.step <= Self.every,
                    "reached step \(reached), checkpoint at \(meta.step) (\(trigger))")
            #expect(meta.losses.map(\.bitPattern) == reference.losses.prefix(meta.step).map(\.bitPattern))
            // Did the kill land mid-write? (The watcher polls, so the writer may just have finished.)
            switch trigger {
            case .writingFolder, .writingLatest:
                if !Self.leftovers(checkpoints).isSubset(of: leftoversBefore) { landedMidWrite += 1 }
            case .folderRenamed:
                let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
                if names.contains(where: { $0.hasPrefix("checkpoint-")
                    && Int($0.dropFirst("checkpoint-".count).prefix(6))! > meta.step }) { landedMidWrite += 1 }
            case .delay: break
            }
            print("kill test: killed \(trigger): reached step \(reached), checkpoint at step \(meta.step)")
            previous = meta.step
        }
        #expect(previous > 30, "the chain of killed runs reached step \(previous)")
        print("kill test: \(landedMidWrite) of 6 kills aimed at a checkpoint write landed inside it")
        #expect(landedMidWrite >= 2)

        // The last resume finishes the run exactly as the uninterrupted one did.
        let resumed = try Trainer(model: try Self.model(), dataset: try Self.data(), config: Self.config(),
                                  checkpointDirectory: checkpoints, resume: true)
        let result = try resumed.run()
        #expect(result.losses.map(\.bitPattern) == reference.losses.map(\.bitPattern))
        #expect(result.evalLosses == reference.evalLosses)
        #expect(resumed.adapters.parameters.array == full.adapters.parameters.array)
        #expect(resumed.optimizer.step == full.optimizer.step)
        #expect(Array(UnsafeBufferPointer(start: resumed.optimizer.m, count: resumed.optimizer.count))
                == Array(UnsafeBufferPointer(start: full.optimizer.m, count: full.optimizer.count)))
        #expect(Array(UnsafeBufferPointer(start: resumed.optimizer.v, count: resumed.optimizer.count))
                == Array(UnsafeBufferPointer(start: full.optimizer.v, count: full.optimizer.count)))
        // What the killed writers left half-written is gone once a checkpoint is written.
        #expect(Self.leftovers(checkpoints).isEmpty)
    }

    /// Ctrl-C right after a checkpoint step, or resuming a finished run,
    /// writes a checkpoint for a step that already has one. A kill in the
    /// middle of that rewrite must still leave `latest` naming a complete
    /// folder: the child rewrites the same step again and again while a
    /// watcher kills it the moment the folder `latest` names is missing.
    @Test func rewritingTheSameStepNeverLeavesLatestDangling() async throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path
        await #expect(processExitsWith: .signal(SIGKILL)) { [path = path as String] in
            let trainer = try Trainer(model: try Self.model(), dataset: try Self.data(), config: Self.config(),
                                      checkpointDirectory: URL(fileURLWithPath: path))
            try trainer.saveCheckpoint()
            let watcher = Thread {
                while true {
                    guard let name = try? String(contentsOfFile: path + "/latest", encoding: .utf8) else { continue }
                    if access(path + "/" + name + "/trainer.json", F_OK) != 0 { kill(getpid(), SIGKILL) }
                }
            }
            watcher.start()
            for _ in 0..<300 { try trainer.saveCheckpoint() }
            kill(getpid(), SIGKILL)
        }
        let (meta, _, _) = try TrainingCheckpoint.readLatest(in: dir)
        #expect(meta.step == 0)
    }
}
