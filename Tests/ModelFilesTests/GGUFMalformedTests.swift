import Foundation
import Testing
@testable import LontarModelFiles
import LontarTestSupport

/// Parses `data` and returns the error it must throw.
private func failure(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> ModelFileError? {
    #expect(throws: ModelFileError.self, sourceLocation: sourceLocation) { try GGUFFile(data: data, name: "bad.gguf") }
}

@Test func emptyAndShortFilesAreTruncated() {
    let e = failure(Data())
    #expect(e?.kind == .truncated)
    #expect(e?.description == "bad.gguf: at byte 0: file is 0 bytes, too short to be a GGUF file (no magic)")
    let short = failure(Data("GGUF\u{3}\0".utf8))
    #expect(short?.kind == .truncated && short?.offset == 4)
    #expect(short?.message.contains("version") == true)
}

@Test func wrongMagicIsNamed() {
    let e = failure(Data("PK\u{3}\u{4}0000000000000000000000".utf8))
    #expect(e?.kind == .badMagic && e?.offset == 0)
    #expect(e?.message == "not a GGUF file: magic is 50 4b 03 04, expected 47 47 55 46 (\"GGUF\")")
    let old = failure(Data("tjgg00000000".utf8))
    #expect(old?.message.contains("old GGML") == true)
}

@Test func unsupportedVersions() {
    for (version, text) in [(UInt32(1), "version 1 is not supported"), (4, "unsupported GGUF version 4"),
                            (UInt32(3).byteSwapped, "big-endian")] {
        var b = GGUFBytes()
        b.header(version: version, tensors: 0, kvs: 0)
        let e = failure(b.data)
        #expect(e?.kind == .unsupportedVersion && e?.offset == 4)
        #expect(e?.message.contains(text) == true, "\(String(describing: e))")
    }
}

@Test func countsLargerThanTheFileAreRejectedBeforeAllocating() {
    var b = GGUFBytes()
    b.header(tensors: 0, kvs: UInt64.max)
    let e = failure(b.data)
    #expect(e?.kind == .outOfBounds && e?.offset == 16)
    #expect(e?.message.contains("metadata key/value count 18446744073709551615 runs past the end") == true)
    var t = GGUFBytes()
    t.header(tensors: 1 << 40, kvs: 0)
    #expect(failure(t.data)?.offset == 8)
}

@Test func stringLengthPastTheEnd() {
    var b = GGUFBytes()
    b.header(tensors: 0, kvs: 1)
    b.key("general.name", type: 8)
    let at = b.data.count
    b.u64(1000); b.data.append(contentsOf: Array("short".utf8))
    let e = failure(b.data)
    #expect(e?.kind == .outOfBounds && e?.offset == at)
    #expect(e?.message == "metadata 'general.name' has length 1000, past the end of the file (5 bytes left, file size \(b.data.count))")

    var k = GGUFBytes()
    k.header(tensors: 0, kvs: 1)
    k.u64(UInt64.max)  // key length
    k.data.append(Data(count: 16))
    #expect(failure(k.data)?.message.contains("key of metadata entry 0 has length") == true)
}

@Test func arrayLengthsPastTheEnd() {
    var b = GGUFBytes()
    b.header(tensors: 0, kvs: 1)
    b.key("tokenizer.ggml.scores", type: 9)
    b.u32(6)
    let at = b.data.count
    b.u64(1 << 61)                 // 2^61 floats: 2^63 bytes, no overflow trick
    b.raw(Float(1))
    let e = failure(b.data)
    #expect(e?.kind == .outOfBounds && e?.offset == at)
    #expect(e?.message.contains("metadata 'tokenizer.ggml.scores' element count 2305843009213693952") == true)

    // Overflowing count * size must not wrap around to a small number.
    var o = GGUFBytes()
    o.header(tensors: 0, kvs: 1)
    o.key("a", type: 9); o.u32(10); o.u64(1 << 61 + 1)
    #expect(failure(o.data)?.kind == .outOfBounds)

    // A string inside an array that runs past the end.
    var s = GGUFBytes()
    s.header(tensors: 0, kvs: 1)
    s.key("tokenizer.ggml.tokens", type: 9); s.u32(8); s.u64(2)
    s.string("ok")
    let stringAt = s.data.count
    s.u64(50); s.data.append(contentsOf: [1, 2, 3, 4, 5, 6, 7, 8])
    let se = failure(s.data)
    #expect(se?.offset == stringAt)
    #expect(se?.message.contains("string 1 of metadata 'tokenizer.ggml.tokens' has length 50") == true)
}

@Test func invalidValueTypesAndBools() {
    var b = GGUFBytes()
    b.header(tensors: 0, kvs: 1)
    b.key("k", type: 13)
    let e = failure(b.data)
    #expect(e?.kind == .invalidValue && e?.message == "metadata 'k' has unknown value type 13 (valid types are 0…12)")

    var bo = GGUFBytes()
    bo.header(tensors: 0, kvs: 1)
    bo.key("flag", type: 7); bo.u8(2)
    #expect(failure(bo.data)?.message == "metadata 'flag' is a bool with byte value 2 (must be 0 or 1)")

    var ba = GGUFBytes()
    ba.header(tensors: 0, kvs: 1)
    ba.key("flags", type: 9); ba.u32(7); ba.u64(3); ba.u8(0); ba.u8(1); ba.u8(7)
    let bae = failure(ba.data)
    #expect(bae?.offset == ba.data.count - 1)
    #expect(bae?.message == "element 2 of metadata 'flags' is a bool with byte value 7 (must be 0 or 1)")
}

@Test func deeplyNestedArraysAreRejected() {
    var b = GGUFBytes()
    b.header(tensors: 0, kvs: 1)
    b.key("deep", type: 9)
    for _ in 0 ..< 100 { b.u32(9); b.u64(1) }
    b.u32(4); b.u64(0)
    #expect(failure(b.data)?.message.contains("nests arrays more than 8 levels deep") == true)
}

@Test func duplicateKeysAndTensors() {
    var b = GGUFBytes()
    b.header(tensors: 0, kvs: 2)
    b.key("k", type: 4); b.u32(1)
    let at = b.data.count
    b.key("k", type: 4); b.u32(2)
    let e = failure(b.data)
    #expect(e?.kind == .duplicate && e?.offset == at && e?.message == "metadata key 'k' occurs twice")

    var t = GGUFBytes()
    t.header(tensors: 2, kvs: 0)
    t.tensorInfo("w", dims: [4], type: 0, offset: 0)
    t.tensorInfo("w", dims: [4], type: 0, offset: 32)
    t.pad(to: 32); t.data.append(Data(count: 64))
    #expect(failure(t.data)?.message == "tensor name 'w' occurs twice")
}

@Test func badAlignment() {
    for (type, value, text) in [(UInt32(4), UInt64(0), "general.alignment is 0"),
                                (4, 48, "general.alignment is 48; it must be a power of two"),
                                (8, 0, "general.alignment must be an unsigned integer, found string")] {
        var b = GGUFBytes()
        b.header(tensors: 0, kvs: 1)
        let at = b.data.count + 8 + "general.alignment".utf8.count
        b.key("general.alignment", type: type)
        if type == 8 { b.string("32") } else { b.u32(UInt32(value)) }
        let e = failure(b.data)
        #expect(e?.kind == .invalidValue && e?.offset == at)
        #expect(e?.message.contains(text) == true, "\(String(describing: e))")
    }
}

@Test func unknownTensorTypeNamesTheTensorAndId() {
    for id: UInt32 in [4, 31, 42, 0xFFFF_FFFF] {
        var b = GGUFBytes()
        b.header(tensors: 1, kvs: 0)
        b.string("blk.0.attn_q.weight"); b.u32(2); b.u64(64); b.u64(64)
        let at = b.data.count
        b.u32(id); b.u64(0)
        let e = failure(b.data)
        #expect(e?.kind == .unknownType && e?.offset == at)
        #expect(e?.message == "tensor 'blk.0.attn_q.weight' has unknown ggml type id \(id)")
    }
}

@Test func dimensionProblems() {
    var many = GGUFBytes()
    many.header(tensors: 1, kvs: 0)
    many.tensorInfo("t", dims: [1, 1, 1, 1, 1], type: 0, offset: 0)
    #expect(failure(many.data)?.message == "tensor 't' has 5 dimensions (at most 4)")

    var big = GGUFBytes()
    big.header(tensors: 1, kvs: 0)
    big.tensorInfo("t", dims: [UInt64.max], type: 0, offset: 0)
    let be = failure(big.data)
    #expect(be?.kind == .overflow && be?.message.contains("larger than 2^63-1") == true)

    var product = GGUFBytes()
    product.header(tensors: 1, kvs: 0)
    product.tensorInfo("t", dims: [1 << 32, 1 << 32], type: 0, offset: 0)
    let pe = failure(product.data)
    #expect(pe?.kind == .overflow && pe?.message == "tensor 't' dimensions [4294967296, 4294967296] multiply to more than 2^63-1 elements")

    var bytes = GGUFBytes()
    bytes.header(tensors: 1, kvs: 0)
    bytes.tensorInfo("t", dims: [1 << 31, 1 << 31], type: 0, offset: 0)   // 2^62 elements * 4 bytes
    #expect(failure(bytes.data)?.message.contains("is larger than 2^63-1 bytes") == true)

    var block = GGUFBytes()
    block.header(tensors: 1, kvs: 0)
    block.tensorInfo("q", dims: [33, 2], type: 8, offset: 0)
    #expect(failure(block.data)?.message == "tensor 'q' of type Q8_0 has row length 33, not a multiple of its block size 32")
}

@Test func tensorDataPastTheEndOfFile() {
    var b = GGUFBytes()
    b.header(tensors: 2, kvs: 0)
    b.tensorInfo("ok", dims: [8], type: 0, offset: 0)
    let at = b.data.count
    b.tensorInfo("cut", dims: [16], type: 0, offset: 32)
    b.pad(to: 32)
    let dataStart = b.data.count
    b.data.append(Data(count: 32 + 63))   // one byte short of the second tensor
    let e = failure(b.data)
    #expect(e?.kind == .outOfBounds && e?.offset == at)
    #expect(e?.message == "tensor 'cut' (F32 [16], 64 bytes at data offset 32, file offset \(dataStart + 32)) runs past the end of the file (size \(b.data.count))")

    var far = GGUFBytes()
    far.header(tensors: 1, kvs: 0)
    far.tensorInfo("far", dims: [1], type: 0, offset: UInt64.max - 31)   // aligned, and would overflow
    far.pad(to: 32)
    #expect(failure(far.data)?.kind == .outOfBounds)
}

@Test func misalignedTensorOffset() {
    var b = GGUFBytes()
    b.header(tensors: 1, kvs: 0)
    let at = b.data.count
    b.tensorInfo("w", dims: [4], type: 0, offset: 4)
    b.pad(to: 32); b.data.append(Data(count: 64))
    let e = failure(b.data)
    #expect(e?.kind == .misaligned && e?.offset == at)
    #expect(e?.message == "tensor 'w' has data offset 4, not a multiple of the alignment 32")
}

@Test func truncatedTensorInfo() {
    var b = GGUFBytes()
    b.header(tensors: 1, kvs: 0)
    b.string("w"); b.u32(2); b.u64(4)
    let e = failure(b.data)
    #expect(e?.kind == .truncated && e?.offset == b.data.count)
    #expect(e?.message.hasPrefix("file ends while reading dimension 1 of tensor 'w'") == true)
}
