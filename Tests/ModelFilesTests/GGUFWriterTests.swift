import Foundation
import Testing
import LontarKernels
@testable import LontarModelFiles
import LontarTestSupport

private func sampleWriter(alignment: Int, seed: UInt64) throws -> (GGUFWriter, [String: [Float]]) {
    var w = GGUFWriter(alignment: alignment)
    try w.set("general.architecture", .string("llama"))
    try w.set("general.name", .string("Lontar test ✓"))
    try w.set("u8", .uint8(255)); try w.set("i8", .int8(-128))
    try w.set("u16", .uint16(65535)); try w.set("i16", .int16(-32768))
    try w.set("llama.block_count", .uint32(2)); try w.set("i32", .int32(-7))
    try w.set("u64", .uint64(1 << 40)); try w.set("i64", .int64(-(1 << 40)))
    try w.set("llama.rope.freq_base", .float32(500_000)); try w.set("f64", .float64(-0.1))
    try w.set("adapter.lora.alpha", .float32(16)); try w.set("flag", .bool(true))
    try w.set("tokenizer.ggml.tokens", .strings(["<s>", "Ġthe", "", "日本"]))
    try w.set("tokenizer.ggml.token_type", .int32s([3, 1, 1, 1]))
    try w.set("tokenizer.ggml.scores", .float32s([0, -1.5, -2, 1e-30]))
    try w.set("empty", .array(elementType: .uint64, []))
    try w.set("bools", .array(elementType: .bool, [.bool(false), .bool(true)]))
    try w.set("i32", .int32(-8))   // replaces, keeping its place

    var rng = SplitMix64(seed: seed)
    func floats(_ n: Int) -> [Float] { (0 ..< n).map { _ in Float(Int64(bitPattern: rng.next() % 2_000_001) - 1_000_000) / 312_500 } }
    var values: [String: [Float]] = [:]
    for (name, dims, type) in [("blk.0.attn_q.lora_a", [64, 8], GGMLType.f32), ("blk.0.attn_q.lora_b", [8, 64], .f16),
                               ("token_embd.weight", [96, 5], .q8_0), ("output_norm.weight", [7], .f32)] {
        let v = floats(dims.reduce(1, *))
        try w.add(name, dimensions: dims, floats: v, as: type)
        values[name] = v
    }
    // Raw Q4_K bytes (one super-block; scale d = 1.0, dmin = 0).
    var q4k = Data(count: 144)
    q4k[1] = 0x3C
    for i in 16 ..< 144 { q4k[i] = UInt8(truncatingIfNeeded: i * 7) }
    try w.add("blk.1.ffn_up.weight", dimensions: [256], type: .q4_K, bytes: q4k)
    return (w, values)
}

@Test func writtenFilesReadBackWithLontar() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for alignment in [32, 64] {
        let (w, values) = try sampleWriter(alignment: alignment, seed: 1)
        let url = dir.appendingPathComponent("a\(alignment).gguf")
        try w.write(to: url)
        let f = try GGUFFile(contentsOf: url)
        #expect(f.version == 3 && f.alignment == alignment)
        #expect(f.contains("general.alignment") == (alignment != 32))
        #expect(Array(f.keys.prefix(8)) == ["general.architecture", "general.name", "u8", "i8", "u16", "i16", "llama.block_count", "i32"])
        #expect(try f.string("general.name") == "Lontar test ✓")
        #expect(try f.value("u8", as: UInt8.self) == 255 && (try f.value("i16", as: Int16.self)) == -32768)
        #expect(try f.int32("i32") == -8 && (try f.uint64("u64")) == 1 << 40 && (try f.int64("i64")) == -(1 << 40))
        #expect(try f.float("llama.rope.freq_base") == 500_000 && (try f.double("f64")) == -0.1)
        #expect(try f.bool("flag"))
        #expect(try f.stringArray("tokenizer.ggml.tokens") == ["<s>", "Ġthe", "", "日本"])
        #expect(try f.int32Array("tokenizer.ggml.token_type") == [3, 1, 1, 1])
        #expect(try f.floatArray("tokenizer.ggml.scores") == [0, -1.5, -2, 1e-30])
        #expect(try f.array("empty").elementType == .uint64 && (try f.array("empty")).isEmpty)
        #expect(try f.boolArray("bools") == [false, true])

        #expect(f.tensorInfos.map(\.name) == ["blk.0.attn_q.lora_a", "blk.0.attn_q.lora_b", "token_embd.weight", "output_norm.weight", "blk.1.ffn_up.weight"])
        #expect(f.tensorInfos.allSatisfy { $0.offset % alignment == 0 })
        #expect(try f.tensor("blk.0.attn_q.lora_a").dequantize() == values["blk.0.attn_q.lora_a"])
        #expect(try f.tensor("blk.0.attn_q.lora_b").dequantize() == values["blk.0.attn_q.lora_b"]!.map { Float(Float16($0)) })
        let q8 = try f.tensor("token_embd.weight")
        #expect(q8.type == .q8_0 && q8.dimensions == [96, 5] && q8.byteCount == 15 * 34)
        let error = zip(try q8.dequantize(), values["token_embd.weight"]!).map { abs($0 - $1) }.max() ?? 1
        #expect(error < 3.2 / 127 / 2 * 1.01)   // at most half a quantization step of the largest block
        #expect(Array(try f.tensor("blk.1.ffn_up.weight").bytes)[16 ..< 20] == [112, 119, 126, 133])
    }
}

/// The files load in the `gguf` Python package: same metadata, tensor
/// placement, and dequantized values.
@Test(.enabled(if: Peers.gguf))
func writtenFilesReadBackWithGGUFPy() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let (w, _) = try sampleWriter(alignment: 64, seed: 2)
    let url = dir.appendingPathComponent("w.gguf")
    try w.write(to: url)
    let f = try GGUFFile(contentsOf: url)

    let dump = try TestSupport.runPython([TestSupport.oracles.appendingPathComponent("gguf_dump.py").path, url.path])
    try #require(dump.status == 0, "\(dump.stderr)")
    let ref = try #require(try JSONSerialization.jsonObject(with: dump.stdout) as? [String: Any])
    #expect(ref["alignment"] as? Int == 64 && ref["data_offset"] as? Int == f.dataOffset)
    let meta = try #require(ref["metadata"] as? [[String: Any]])
    #expect(meta.map { $0["key"] as? String ?? "" } == f.keys)
    #expect(meta.map { $0["type"] as? String ?? "" } == f.metadata.map(\.value.type.description))
    let tokens = meta.first { $0["key"] as? String == "tokenizer.ggml.tokens" }?["value"] as? [String]
    #expect(tokens == ["<s>", "Ġthe", "", "日本"])
    let tensors = try #require(ref["tensors"] as? [[String: Any]])
    #expect(tensors.map { $0["name"] as? String ?? "" } == f.tensorInfos.map(\.name))
    #expect(tensors.map { $0["offset"] as? Int ?? -1 } == f.tensorInfos.map(\.fileOffset))
    #expect(tensors.map { $0["dims"] as? [Int] ?? [] } == f.tensorInfos.map(\.dimensions))

    let hashes = try TestSupport.runPython([TestSupport.oracles.appendingPathComponent("gguf_dequant.py").path, "hashes", url.path])
    try #require(hashes.status == 0, "\(hashes.stderr)")
    let refHashes = try #require(try JSONSerialization.jsonObject(with: hashes.stdout) as? [String: [Any]])
    for t in f.tensors {
        let digest = try t.dequantize().withUnsafeBytes { raw -> String in
            var h = SHA256()
            h.update(raw)
            return h.hexDigest()
        }
        #expect(digest == refHashes[t.name]?[0] as? String, "\(t.name)")
    }
}

/// Copying every key and tensor of SmolLM2 reproduces the file byte for byte.
@Test(.enabled(if: RealModels.smollm2Available))
func rewritingSmolLM2ReproducesItExactly() throws {
    let original = try GGUFFile(contentsOf: try RealModels.smollm2())
    var w = GGUFWriter(alignment: original.alignment)
    for (key, value) in original.metadata { try w.set(key, GGUFWriter.Value(value)) }
    for t in original.tensors { try w.add(t) }
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("copy.gguf")
    try w.write(to: url)
    let copy = try GGUFFile(contentsOf: url)
    #expect(copy.region.count == original.region.count)
    let (a, b) = (copy.region.bytes, original.region.bytes)
    #expect(a.count == b.count && memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0, "the copy differs from the original")
}

@Test func writerRejectsBadInput() throws {
    var w = GGUFWriter()
    try w.add("a", dimensions: [32], floats: Array(repeating: 1, count: 32), as: .q8_0)
    #expect(throws: ModelFileError.self) { try w.add("a", dimensions: [1], floats: [1]) }
    let count = #expect(throws: ModelFileError.self) { try w.add("b", dimensions: [2, 2], floats: [1, 2, 3]) }
    #expect(count?.message == "dimensions [2, 2] have 4 elements but 3 values were given")
    let block = #expect(throws: ModelFileError.self) { try w.add("c", dimensions: [16], floats: Array(repeating: 0, count: 16), as: .q8_0) }
    #expect(block?.message == "row length 16 is not a multiple of the Q8_0 block size 32")
    #expect(throws: ModelFileError.self) { try w.add("d", dimensions: [1, 1, 1, 1, 1], floats: [1]) }
    #expect(throws: ModelFileError.self) { try w.add("e", dimensions: [256], floats: Array(repeating: 0, count: 256), as: .q4_K) }
    #expect(throws: ModelFileError.self) { try w.add("f", dimensions: [256], type: .q4_K, bytes: Data(count: 143)) }
    let mixed = #expect(throws: ModelFileError.self) { try w.set("m", .array(elementType: .int32, [.int32(1), .uint32(2)])) }
    #expect(mixed?.message == "array 'm' of int32 holds a uint32 value")
    #expect(throws: ModelFileError.self) { try w.set("", .bool(true)) }

    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    w.alignment = 48
    #expect(throws: ModelFileError.self) { try w.write(to: dir.appendingPathComponent("x.gguf")) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
}
