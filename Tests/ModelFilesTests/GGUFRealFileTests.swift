import Foundation
import Testing
@testable import LontarModelFiles
import LontarTestSupport

/// The value of a metadata entry in gguf_dump.py's JSON encoding.
private func jsonValue(_ v: GGUFValue) -> Any {
    switch v {
    case .float32(let f): return ["f32": Int(f.bitPattern)]
    case .float64(let d): return ["f64": Int(truncatingIfNeeded: d.bitPattern)]
    case .bool(let b): return b
    case .string(let s): return s
    case .array(let a): return a.map(jsonValue)
    default: return v.integer(as: Int.self) ?? -1
    }
}

@Test(.enabled(if: Peers.gguf && RealModels.smollm2Available))
func smollm2HeaderMatchesGGUFPy() throws {
    let f = try GGUFFile(contentsOf: try RealModels.smollm2())
    let out = try TestSupport.runPython([TestSupport.oracles.appendingPathComponent("gguf_dump.py").path, try RealModels.smollm2().path])
    try #require(out.status == 0, "\(out.stderr)")
    let ref = try #require(try JSONSerialization.jsonObject(with: out.stdout) as? [String: Any])

    #expect(f.version == ref["version"] as? UInt32)
    #expect(f.alignment == ref["alignment"] as? Int)
    #expect(f.dataOffset == ref["data_offset"] as? Int)

    let refMeta = try #require(ref["metadata"] as? [[String: Any]])
    #expect(f.keys == refMeta.map { $0["key"] as? String ?? "" })
    for (entry, (key, value)) in zip(refMeta, f.metadata) {
        #expect(value.type.description == entry["type"] as? String, "\(key)")
        if case .array(let a) = value { #expect(a.elementType.description == entry["elem"] as? String, "\(key)") }
        // Compare through JSON so Python's and Swift's values meet on equal terms.
        let mine = try JSONSerialization.data(withJSONObject: ["v": jsonValue(value)], options: [.sortedKeys])
        let theirs = try JSONSerialization.data(withJSONObject: ["v": entry["value"] ?? NSNull()], options: [.sortedKeys])
        #expect(mine == theirs, "metadata '\(key)' differs")
    }

    let refTensors = try #require(ref["tensors"] as? [[String: Any]])
    #expect(f.tensorInfos.count == refTensors.count)
    for (info, t) in zip(f.tensorInfos, refTensors) {
        #expect(info.name == t["name"] as? String)
        #expect(info.dimensions == t["dims"] as? [Int], "\(info.name)")
        #expect(info.type.rawValue == t["type"] as? UInt32, "\(info.name)")
        #expect(info.fileOffset == t["offset"] as? Int, "\(info.name)")
        #expect(info.byteCount == t["n_bytes"] as? Int, "\(info.name)")
    }
}

@Test(.enabled(if: RealModels.smollm2Available))
func smollm2TypedAccessors() throws {
    let f = try GGUFFile(contentsOf: try RealModels.smollm2())
    #expect(try f.string("general.architecture") == "llama")
    #expect(try f.uint32("llama.block_count") == 30)
    #expect(try f.int("llama.embedding_length") == 576)
    #expect(try f.float("llama.rope.freq_base") == 100000)
    #expect(try f.float("llama.attention.layer_norm_rms_epsilon") == 1e-5)
    let tokens = try f.stringArray("tokenizer.ggml.tokens")
    #expect(tokens.count == 49152)
    #expect(tokens[0] == "<|endoftext|>" && tokens[1] == "<|im_start|>")
    #expect(try f.int32Array("tokenizer.ggml.token_type").count == 49152)
    #expect(try f.stringArray("tokenizer.ggml.merges").first == "Ġ t")
    let embed = try f.tensor("token_embd.weight")
    #expect(embed.type == .q8_0 && embed.dimensions == [576, 49152] && embed.shape == [49152, 576])
    #expect(embed.byteCount == 49152 * 576 / 32 * 34)
    #expect(f.tensorInfos.count == 272)
}

/// Malformed input must produce errors, never crashes: truncate and corrupt
/// the real file at random places and parse what is left.
@Test(.enabled(if: RealModels.smollm2Available))
func corruptedAndTruncatedCopiesNeverCrash() throws {
    let parsed = try GGUFFile(contentsOf: try RealModels.smollm2())
    let original = Data(parsed.region.bytes[0 ..< parsed.dataOffset + 4096])
    let lastByte = parsed.tensorInfos.map { $0.fileOffset + $0.byteCount }.max() ?? 0
    var rng = SplitMix64(seed: 20_241_125)

    // Truncation anywhere before the last tensor byte must be an error;
    // half the cuts land in the header, where the interesting parsing is.
    for i in 0 ..< 60 {
        let limit = i % 2 == 0 ? parsed.dataOffset + 64 : lastByte
        let cut = Int(rng.next() % UInt64(limit))
        let e = #expect(throws: ModelFileError.self) {
            try GGUFFile(region: ByteRegion(prefixOf: parsed.region, count: cut, name: "cut.gguf"))
        }
        #expect(e?.file == "cut.gguf")
    }

    // Random bytes overwritten in the header: either it still parses (the
    // damage hit a string's text or a value) or it is a clear error.
    var header = original
    var failures = 0
    for _ in 0 ..< 150 {
        var copy = header
        for _ in 0 ..< 1 + Int(rng.next() % 4) {
            let at = Int(rng.next() % UInt64(parsed.dataOffset))
            copy[at] = UInt8(truncatingIfNeeded: rng.next())
        }
        do {
            let f = try GGUFFile(data: copy, name: "corrupt.gguf")
            _ = f.tensorInfos.count   // only a header copy: most tensors fail
        } catch let e as ModelFileError {
            failures += 1
            #expect(e.offset == nil || e.offset! <= copy.count)
        }
    }
    #expect(failures > 0)
    // Lengths and counts set to huge values at every u64 count position of the header.
    header.replaceSubrange(16 ..< 24, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
    #expect(throws: ModelFileError.self) { try GGUFFile(data: header, name: "corrupt.gguf") }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
