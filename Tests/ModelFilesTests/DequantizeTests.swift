import Foundation
import Testing
import LontarKernels
@testable import LontarModelFiles
import LontarTestSupport

private func floats(_ data: Data) -> [Float] {
    data.withUnsafeBytes { raw in (0 ..< data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
}

/// Fails with the first differing position when two float arrays are not bit-identical.
private func expectBitIdentical(_ mine: [Float], _ expected: [Float], _ what: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(mine.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
    if let i = mine.indices.first(where: { i in i < expected.count && mine[i].bitPattern != expected[i].bitPattern }) {
        let maxDiff = zip(mine, expected).map { abs($0 - $1) }.max() ?? 0
        Issue.record("\(what): value \(i) is \(mine[i]) (\(String(mine[i].bitPattern, radix: 16))), gguf gives \(expected[i]) (\(String(expected[i].bitPattern, radix: 16))); max abs diff \(maxDiff)",
                     sourceLocation: sourceLocation)
    }
}

/// Every supported type, on random blocks (k-quants) or gguf-quantized random
/// data (the rest), against gguf.quants.dequantize; 1, 5 and 37 blocks.
@Test(.enabled(if: Peers.gguf), arguments: [1, 2])
func dequantizationMatchesGGUFPyBitForBit(seed: Int) throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = try TestSupport.runPython([TestSupport.oracles.appendingPathComponent("gguf_dequant.py").path,
                                         "suite", "\(seed)", dir.path])
    try #require(out.status == 0, "\(out.stderr)")
    let cases = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(cases.count == 13 * 3)
    for name in cases {
        let type = try #require(GGMLType(name: String(name.split(separator: "-")[0])))
        let caseDir = dir.appendingPathComponent(name)
        let blocks = try Data(contentsOf: caseDir.appendingPathComponent("blocks.bin"))
        let expected = floats(try Data(contentsOf: caseDir.appendingPathComponent("expected.bin")))
        #expect(type.byteCount(elements: expected.count) == blocks.count, "\(name)")
        var mine = [Float](repeating: .nan, count: expected.count)
        try blocks.withUnsafeBytes { src in
            try mine.withUnsafeMutableBufferPointer { try type.dequantize(src, count: expected.count, into: $0) }
        }
        expectBitIdentical(mine, expected, name)

        // Where gguf quantized the data, Lontar's encoders must produce the same bytes.
        let inputURL = caseDir.appendingPathComponent("input.bin")
        guard FileManager.default.fileExists(atPath: inputURL.path) else { continue }
        let input = floats(try Data(contentsOf: inputURL))
        var encoded: [UInt8]
        switch type {
        case .f16: encoded = input.flatMap { v in withUnsafeBytes(of: lt_fp32_to_fp16(v).littleEndian, Array.init) }
        case .bf16: encoded = input.flatMap { v in withUnsafeBytes(of: lt_fp32_to_bf16(v).littleEndian, Array.init) }
        case .q8_0:
            encoded = [UInt8](repeating: 0, count: blocks.count)
            #expect(lt_ggml_quantize_q8_0(input, &encoded, Int64(input.count)) == 0)
        default: continue
        }
        #expect(encoded == [UInt8](blocks), "\(name): encoding differs from gguf.quants.quantize")
    }
}

@Test func halfConversionsAgreeWithSwiftFloat16() {
    // Every half → float, exactly (NaNs: same class and payload).
    for h in 0 ... UInt16.max {
        let mine = lt_fp16_to_fp32(h)
        let reference = Float(Float16(bitPattern: h))
        if reference.isNaN {
            #expect(mine.isNaN && (mine.bitPattern & 0x1FFF) == 0, "half \(h)")
        } else if mine.bitPattern != reference.bitPattern {
            Issue.record("half \(String(h, radix: 16)) → \(mine), expected \(reference)")
        }
    }
    // Float → half rounds to nearest even, like the hardware conversion.
    var rng = SplitMix64(seed: 7)
    var checked = 0
    for _ in 0 ..< 200_000 {
        let bits = UInt32(truncatingIfNeeded: rng.next())
        let f = Float(bitPattern: bits)
        if f.isNaN { continue }
        let mine = lt_fp32_to_fp16(f), reference = Float16(f).bitPattern
        if mine != reference { Issue.record("\(f) (\(String(bits, radix: 16))) → \(String(mine, radix: 16)), expected \(String(reference, radix: 16))"); break }
        checked += 1
    }
    #expect(checked > 190_000)
    #expect(lt_fp32_to_fp16(.nan) & 0x7E00 == 0x7E00)
    #expect(lt_bf16_to_fp32(0x3F80) == 1)
    #expect(lt_fp32_to_bf16(1.00390625) == 0x3F80)   // a tie: rounds to even
    #expect(lt_fp32_to_bf16(1.01171875) == 0x3F82)   // a tie: rounds up to even
}

@Test func unsupportedTypesAndBadCountsAreErrors() throws {
    var out = [Float](repeating: 0, count: 256)
    let bytes = [UInt8](repeating: 0, count: 1024)
    try bytes.withUnsafeBytes { src in
        try out.withUnsafeMutableBufferPointer { dst in
            let e = #expect(throws: ModelFileError.self) { try GGMLType.iq2_xxs.dequantize(src, count: 256, into: dst) }
            #expect(e?.kind == .unsupported)
            #expect(e?.message.hasPrefix("cannot dequantize IQ2_XXS (supported: F32, F16, Q4_0") == true)
            #expect(throws: ModelFileError.self) { try GGMLType.q4_K.dequantize(src, count: 100, into: dst) }
            try GGMLType.q4_K.dequantize(src, count: 0, into: dst)
        }
    }
    #expect(lt_ggml_dequantize(16, bytes, &out, 256) == -1)
    #expect(lt_ggml_dequantize(8, bytes, &out, 33) == -2)
    #expect(GGMLType.dequantizable.map(\.description) == ["F32", "F16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "BF16"])
}

@Test func tensorRowsDequantizeInPieces() throws {
    // A Q8_0 tensor of 3 rows × 64: row r, block b has scale r+1 and values b*32+j-40.
    var b = GGUFBytes()
    b.header(tensors: 1, kvs: 0)
    b.tensorInfo("w", dims: [64, 3], type: 8, offset: 0)
    b.pad(to: 32)
    var expected = [Float]()
    for r in 0 ..< 3 {
        for blk in 0 ..< 2 {
            b.raw(lt_fp32_to_fp16(Float(r + 1)))
            for j in 0 ..< 32 {
                let q = Int8(blk * 32 + j - 40)
                b.raw(q)
                expected.append(Float(q) * Float(r + 1))
            }
        }
    }
    let t = try GGUFFile(data: b.data, name: "rows.gguf").tensor("w")
    #expect(try t.dequantize() == expected)
    var middle = [Float](repeating: 0, count: 64)
    try middle.withUnsafeMutableBufferPointer { try t.dequantizeRows(1 ..< 2, into: $0) }
    #expect(middle == Array(expected[64 ..< 128]))
    let e = #expect(throws: ModelFileError.self) {
        try middle.withUnsafeMutableBufferPointer { try t.dequantizeRows(3 ..< 4, into: $0) }
    }
    #expect(e?.message == "rows 3..<4 out of range for tensor 'w' with 3 rows")
}

/// Every tensor of the real SmolLM2 file (F32, Q4_1, Q8_0) dequantizes to
/// exactly gguf's values: compared by the SHA-256 of the float32 bytes.
@Test(.enabled(if: Peers.gguf && RealModels.smollm2Available))
func smollm2TensorsDequantizeExactlyAsGGUFPy() throws {
    let out = try TestSupport.runPython([TestSupport.oracles.appendingPathComponent("gguf_dequant.py").path,
                                         "hashes", try RealModels.smollm2().path])
    try #require(out.status == 0, "\(out.stderr)")
    let reference = try #require(try JSONSerialization.jsonObject(with: out.stdout) as? [String: [Any]])
    let file = try GGUFFile(contentsOf: try RealModels.smollm2())
    #expect(reference.count == file.tensorInfos.count)
    var types = Set<GGMLType>()
    for tensor in file.tensors {
        let values = try tensor.dequantize()
        let digest = values.withUnsafeBytes { raw -> String in
            var h = SHA256()
            h.update(raw)
            return h.hexDigest()
        }
        let ref = try #require(reference[tensor.name])
        #expect(values.count == ref[1] as? Int, "\(tensor.name)")
        #expect(digest == ref[0] as? String, "\(tensor.name) (\(tensor.type)) differs from gguf.quants.dequantize")
        types.insert(tensor.type)
    }
    #expect(types == [.f32, .q4_1, .q8_0])
}
