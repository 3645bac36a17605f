import Foundation
import Testing
import LontarSystem
@testable import LontarModelFiles
import LontarTestSupport

private let oracle = TestSupport.oracles.appendingPathComponent("safetensors_oracle.py").path

/// Files written by the real safetensors library, read back by Lontar.
@Test(.enabled(if: Peers.safetensors))
func readsFilesWrittenBySafetensors() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = try TestSupport.runPython([oracle, "write", dir.path, "5"])
    try #require(out.status == 0, "\(out.stderr)")
    let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: [String: Any]])

    let single = try SafetensorsFile(contentsOf: dir.appendingPathComponent("single.safetensors"))
    #expect(single.metadata == ["format": "pt", "note": "ünï \"q\"\n"])
    #expect(single.dataOffset % 8 == 0)
    let sharded = try SafetensorsCheckpoint(contentsOf: dir.appendingPathComponent("sharded"))
    #expect(sharded.files.count == 2)
    #expect(sharded.indexMetadata["total_size"] != nil)
    #expect(Set(single.tensorNames).union(sharded.tensorNames) == Set(expected.keys))

    for (name, ref) in expected {
        let t = try single.tensorIfPresent(name) ?? sharded.tensor(name)
        #expect(t.dtype.rawValue == ref["dtype"] as? String, "\(name)")
        #expect(t.shape == ref["shape"] as? [Int], "\(name)")
        #expect(SHA256.hash(Data(t.bytes)) == ref["sha256"] as? String, "\(name)")
        if let bits = ref["f32"] as? [Int] {
            #expect(try t.floats().map { Int($0.bitPattern) } == bits, "\(name)")
        } else {
            #expect(throws: ModelFileError.self) { try t.floats() }
        }
    }
    let scalar = try single.tensor("scalar")
    #expect(scalar.shape == [])
    #expect(try scalar.floats() == [2.5])
    #expect(try single.tensor("empty").floats() == [])
    // Opening the index file directly, or the single file through a checkpoint.
    #expect(try SafetensorsCheckpoint(contentsOf: dir.appendingPathComponent("sharded/model.safetensors.index.json")).tensorNames.count == 4)
    #expect(try SafetensorsCheckpoint(contentsOf: dir.appendingPathComponent("single.safetensors")).tensorNames.count == 8)
}

/// Lontar's writer produces byte-for-byte what safetensors.serialize_file does.
@Test(.enabled(if: Peers.safetensors))
func writerMatchesTheSafetensorsLibraryByteForByte() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var rng = SplitMix64(seed: 9)
    func randomFloats(_ n: Int) -> [Float] { (0 ..< n).map { _ in Float(Int(rng.next() % 20001) - 10000) / 997 } }

    // One metadata key (as PEFT writes): the library orders several keys by
    // a randomly seeded hash, so only then are the bytes comparable.
    var w = SafetensorsWriter(metadata: [("format", "pt")])
    let a = randomFloats(12), b = randomFloats(7), c = randomFloats(64)
    try w.add("base_model.model.layers.1.lora_B.weight", shape: [3, 4], floats: a)
    try w.add("base_model.model.layers.0.lora_A.weight", shape: [7], floats: b, as: .bf16)
    try w.add("z16", shape: [8, 8], floats: c, as: .f16)
    try w.add("a32", shape: [1, 1], floats: [-0.0])
    try w.add("ids", dtype: .i64, shape: [2], bytes: [Int64(5), -1].withUnsafeBytes { Data($0) })
    try w.add("none", shape: [0], floats: [])
    let mine = dir.appendingPathComponent("mine.safetensors")
    try w.write(to: mine)

    // The same tensors, as raw bytes in the stored dtypes, through the library.
    var specs: [[String: Any]] = []
    for e in w.entries {
        let raw = dir.appendingPathComponent("\(e.name).bin")
        switch e.source {
        case .bytes(let d): try d.write(to: raw)
        case .floats(let f):
            let one = try SafetensorsFile(contentsOf: mine).tensor(e.name)
            try Data(one.bytes).write(to: raw)
            #expect(try one.floats() == f.map { v in
                e.dtype == .f16 ? Float(Float16(v)) : e.dtype == .bf16 ? Float(bitPattern: UInt32(lt_bf16(v)) << 16) : v
            }, "\(e.name)")
        }
        specs.append(["name": e.name, "dtype": e.dtype.rawValue, "shape": e.shape, "data": raw.path])
    }
    let spec = dir.appendingPathComponent("spec.json")
    try JSONSerialization.data(withJSONObject: ["metadata": w.metadata.map { [$0.key, $0.value] }, "tensors": specs]).write(to: spec)
    let theirs = dir.appendingPathComponent("theirs.safetensors")
    let out = try TestSupport.runPython([oracle, "serialize", spec.path, theirs.path])
    try #require(out.status == 0, "\(out.stderr)")
    let mineBytes = try Data(contentsOf: mine), theirBytes = try Data(contentsOf: theirs)
    #expect(mineBytes == theirBytes, "\(String(decoding: mineBytes.prefix(400), as: UTF8.self))\nvs\n\(String(decoding: theirBytes.prefix(400), as: UTF8.self))")

    // And the library reads Lontar's file, metadata with escapes included.
    w.metadata = [("format", "pt"), ("b", "ünï\t\u{1}\"\\"), ("a", "2")]
    try w.write(to: mine)
    let read = try TestSupport.runPython([oracle, "read", mine.path])
    try #require(read.status == 0, "\(read.stderr)")
    let parsed = try #require(try JSONSerialization.jsonObject(with: read.stdout) as? [String: Any])
    #expect((parsed["tensors"] as? [String: Any])?.count == 6)
    #expect((parsed["metadata"] as? [String: String]) == ["format": "pt", "b": "ünï\t\u{1}\"\\", "a": "2"])
}

private func lt_bf16(_ v: Float) -> UInt16 {
    let u = v.bitPattern
    return UInt16((u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
}

@Test func writerRejectsBadTensorsAndWritesAtomically() throws {
    var w = SafetensorsWriter()
    try w.add("x", shape: [2], floats: [1, 2])
    #expect(throws: ModelFileError.self) { try w.add("x", shape: [1], floats: [1]) }
    let e = #expect(throws: ModelFileError.self) { try w.add("y", shape: [2, 2], floats: [1, 2, 3]) }
    #expect(e?.message == "shape [2, 2] has 4 elements but 3 values were given")
    #expect(throws: ModelFileError.self) { try w.add("__metadata__", shape: [1], floats: [1]) }
    #expect(throws: ModelFileError.self) { try w.add("q", shape: [1], floats: [1], as: .i32) }
    #expect(throws: ModelFileError.self) { try w.add("r", dtype: .i32, shape: [1], bytes: Data([1, 2, 3])) }

    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("adapter_model.safetensors")
    try Data("old".utf8).write(to: url)
    try w.write(to: url)
    let f = try SafetensorsFile(contentsOf: url)
    #expect(try f.tensor("x").floats() == [1, 2])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["adapter_model.safetensors"])
    // A folder that does not exist: an error, nothing left behind.
    #expect(throws: FileSystemError.self) { try w.write(to: dir.appendingPathComponent("no/such/file.safetensors")) }
}

@Test func malformedSafetensorsAreClearErrors() throws {
    func file(_ header: String, data: Int = 0, length: UInt64? = nil) -> Data {
        var d = Data(withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian, Array.init))
        d.append(Data(header.utf8))
        d.append(Data(count: data))
        return d
    }
    func failure(_ d: Data) -> ModelFileError? {
        #expect(throws: ModelFileError.self) { try SafetensorsFile(data: d, name: "bad.safetensors") }
    }
    #expect(failure(Data([1, 2]))?.kind == .truncated)
    #expect(failure(file("{}", length: 1000))?.message == "header length 1000 runs past the end of the file (size 10); not a safetensors file?")
    #expect(failure(file("[1]"))?.message == "header does not start with '{'; not a safetensors file?")
    #expect(failure(file("{\"a\":"))?.message.hasPrefix("header is not valid JSON") == true)
    let unknown = failure(file(#"{"w":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}}"#, data: 1))
    #expect(unknown?.kind == .unknownType && unknown?.message == "tensor 'w' has unknown dtype 'F7'")
    #expect(failure(file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: 8))?.message
        == "tensor 'w': data_offsets [0, 4] hold 4 bytes, but F32 [2] needs 8")
    let past = failure(file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: 7))
    #expect(past?.kind == .outOfBounds && past?.message.contains("runs past the end of the file") == true)
    #expect(failure(file(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#))?.message.contains("not a non-negative integer") == true)
    #expect(failure(file(#"{"w":{"dtype":"U8","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,0]}}"#))?.kind == .overflow)
    #expect(failure(file(#"{"__metadata__":{"n":1}}"#))?.message == "__metadata__ value of 'n' is not a string")
    let ok = try SafetensorsFile(data: file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4), name: "ok")
    #expect(try ok.tensor("w").floats() == [0])
    #expect(throws: ModelFileError.self) { try ok.tensor("v") }
}

@Test func shardedIndexProblemsAreNamed() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var w = SafetensorsWriter()
    try w.add("a", shape: [1], floats: [1])
    try w.write(to: dir.appendingPathComponent("s1.safetensors"))
    let index = dir.appendingPathComponent("model.safetensors.index.json")
    try #"{"weight_map":{"a":"s1.safetensors","b":"s1.safetensors"}}"#.write(to: index, atomically: true, encoding: .utf8)
    let e = #expect(throws: ModelFileError.self) { try SafetensorsCheckpoint(contentsOf: dir) }
    #expect(e?.kind == .missingTensor && e?.message == "the index puts tensor 'b' in s1.safetensors, which has no such tensor")
    try #"{"weight_map":{"a":"../s1.safetensors"}}"#.write(to: index, atomically: true, encoding: .utf8)
    #expect(throws: ModelFileError.self) { try SafetensorsCheckpoint(contentsOf: dir) }
    try #"{"weight_map":{"a":"s2.safetensors"}}"#.write(to: index, atomically: true, encoding: .utf8)
    #expect((#expect(throws: ModelFileError.self) { try SafetensorsCheckpoint(contentsOf: dir) })?.kind == .io)
    try FileManager.default.removeItem(at: index)
    #expect(try SafetensorsCheckpoint(contentsOf: dir).tensor("a").floats() == [1])   // the folder's only file
}

/// Truncated and corrupted files give errors, never crashes.
@Test func corruptedSafetensorsNeverCrash() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var w = SafetensorsWriter(metadata: [("format", "pt")])
    try w.add("a.weight", shape: [4, 3], floats: (0 ..< 12).map(Float.init))
    try w.add("b", shape: [5], floats: [1, 2, 3, 4, 5], as: .bf16)
    let url = dir.appendingPathComponent("x.safetensors")
    try w.write(to: url)
    let original = try Data(contentsOf: url)
    let dataStart = try SafetensorsFile(data: original).dataOffset
    for cut in 0 ..< dataStart + 25 {   // every cut before the last tensor's end
        #expect(throws: ModelFileError.self) { try SafetensorsFile(data: original.prefix(cut), name: "cut") }
    }
    var rng = SplitMix64(seed: 4)
    var failures = 0
    for _ in 0 ..< 300 {
        var copy = original
        copy[Int(rng.next() % UInt64(dataStart))] = UInt8(truncatingIfNeeded: rng.next())
        do {
            let f = try SafetensorsFile(data: copy, name: "corrupt")
            for t in f.tensorInfos where t.dtype.ggmlType != nil { _ = try f.tensor(t.name).floats() }
        } catch is ModelFileError {
            failures += 1
        }
    }
    #expect(failures > 100)
}
