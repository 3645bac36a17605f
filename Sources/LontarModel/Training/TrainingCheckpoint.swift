import Foundation
import LontarModelFiles

/// The resumable state of a run: `trainer.json` (configuration, position,
/// history, and the SHA-256 of the tensors) beside `state.bin` (adapter
/// parameters, then AdamW's m and v, float32 little-endian).
///
/// Written atomically: a complete `checkpoint-NNNNNN` folder is built under a
/// temporary name, flushed to disk, renamed into place, and only then does the
/// `latest` file (itself replaced by rename) point at it. A process killed at
/// any moment leaves `latest` naming a complete, verified checkpoint.
struct TrainingCheckpoint: Codable {
    struct Position: Codable, Equatable {
        var epoch: Int
        var batch: Int
    }

    var format = 1
    var config: TrainingConfig
    var data: DataConfig
    var shape: LlamaShape
    var step: Int
    var optimizerStep: Int
    var position: Position
    var rng: TrainingRNG
    var losses: [Double]
    var evalLosses: [EvalPoint]
    var parameterCount: Int
    var stateSHA256: String

    static let latestName = "latest"

    /// Writes a checkpoint into `directory` and returns its folder.
    static func write(_ meta: TrainingCheckpoint, parameters: FloatBuffer, optimizer: AdamW,
                      to directory: URL) throws -> URL {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        // A step that already has a folder (Ctrl-C right after a checkpoint
        // step, resuming a finished run) gets a new name: `latest` may name
        // the old folder, which must stay whole until `latest` moves on.
        var name = String(format: "checkpoint-%06d", meta.step)
        if fm.fileExists(atPath: directory.appendingPathComponent(name).path) {
            let base = name
            var n = 1
            repeat { name = "\(base).\(n)"; n += 1 } while fm.fileExists(atPath: directory.appendingPathComponent(name).path)
        }
        let final = directory.appendingPathComponent(name)
        let temp = directory.appendingPathComponent(".\(name).tmp-\(getpid())")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)

        var state = Data(capacity: 3 * parameters.count * 4)
        state.append(UnsafeBufferPointer(start: parameters.pointer, count: parameters.count))
        state.append(UnsafeBufferPointer(start: optimizer.m, count: optimizer.count))
        state.append(UnsafeBufferPointer(start: optimizer.v, count: optimizer.count))
        var meta = meta
        meta.stateSHA256 = SHA256.hash(state)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeSynced(state, to: temp.appendingPathComponent("state.bin"))
        try writeSynced(try encoder.encode(meta), to: temp.appendingPathComponent("trainer.json"))
        try rename(temp, final)
        syncDirectory(directory)
        // Point `latest` at it, atomically.
        let latestTemp = directory.appendingPathComponent(".latest.tmp-\(getpid())")
        try writeSynced(Data(name.utf8), to: latestTemp)
        try rename(latestTemp, directory.appendingPathComponent(latestName))
        syncDirectory(directory)
        // Older checkpoints are no longer needed, nor what a killed writer
        // left half-written (one writer per folder).
        for item in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        where (item.hasPrefix("checkpoint-") && item != name)
            || ((item.hasPrefix(".checkpoint-") || item.hasPrefix(".latest.tmp-")) && item.contains(".tmp-")) {
            try? fm.removeItem(at: directory.appendingPathComponent(item))
        }
        return final
    }

    /// Reads and verifies the checkpoint `latest` names in `directory`.
    static func readLatest(in directory: URL) throws -> (meta: TrainingCheckpoint, state: [Float], folder: URL) {
        let latest = directory.appendingPathComponent(latestName)
        guard let nameData = try? Data(contentsOf: latest),
              let name = String(data: nameData, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              name.hasPrefix("checkpoint-"), !name.contains("/") else {
            throw TrainingError.checkpoint("no checkpoint in \(directory.path) (missing or unreadable '\(latestName)')")
        }
        let folder = directory.appendingPathComponent(name)
        let meta: TrainingCheckpoint
        do {
            meta = try JSONDecoder().decode(TrainingCheckpoint.self,
                                            from: Data(contentsOf: folder.appendingPathComponent("trainer.json")))
        } catch {
            throw TrainingError.checkpoint("\(folder.path)/trainer.json is unreadable: \(error)")
        }
        guard meta.format == 1 else { throw TrainingError.checkpoint("\(folder.path): unknown format \(meta.format)") }
        let state: Data
        do { state = try Data(contentsOf: folder.appendingPathComponent("state.bin")) } catch {
            throw TrainingError.checkpoint("\(folder.path)/state.bin is unreadable: \(error)")
        }
        guard state.count == 3 * meta.parameterCount * 4, SHA256.hash(state) == meta.stateSHA256 else {
            throw TrainingError.checkpoint("\(folder.path)/state.bin is damaged (size or SHA-256 mismatch)")
        }
        let floats = state.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return (meta, floats, folder)
    }

    private static func writeSynced(_ data: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TrainingError.checkpoint("cannot write \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TrainingError.checkpoint("writing \(url.path): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw TrainingError.checkpoint("fsync \(url.path): \(String(cString: strerror(errno)))") }
    }

    private static func rename(_ from: URL, _ to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw TrainingError.checkpoint("rename \(from.path) → \(to.path): \(String(cString: strerror(errno)))")
        }
    }

    private static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
