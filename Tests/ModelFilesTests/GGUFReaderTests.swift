import Foundation
import Testing
@testable import LontarModelFiles
import LontarTestSupport

/// A small valid file with every metadata type, a custom alignment and two tensors.
private func everyTypeFile(alignment: UInt32 = 64) -> Data {
    var b = GGUFBytes()
    b.header(version: 3, tensors: 2, kvs: 19)
    b.key("u8", type: 0); b.u8(200)
    b.key("i8", type: 1); b.raw(Int8(-100))
    b.key("u16", type: 2); b.raw(UInt16(60000))
    b.key("i16", type: 3); b.raw(Int16(-30000))
    b.key("u32", type: 4); b.u32(4_000_000_000)
    b.key("i32", type: 5); b.raw(Int32(-2_000_000_000))
    b.key("f32", type: 6); b.raw(Float(1e-5))
    b.key("yes", type: 7); b.u8(1)
    b.key("no", type: 7); b.u8(0)
    b.key("name", type: 8); b.string("Smöl ✓")
    b.key("u64", type: 10); b.u64(UInt64.max)
    b.key("i64", type: 11); b.raw(Int64.min)
    b.key("f64", type: 12); b.raw(Double.pi)
    b.key("tokens", type: 9); b.u32(8); b.u64(4)
    for s in ["<s>", "", "Ġthe", "日本"] { b.string(s) }
    b.key("types", type: 9); b.u32(5); b.u64(3); for v: Int32 in [1, -2, 3] { b.raw(v) }
    b.key("scores", type: 9); b.u32(6); b.u64(2); b.raw(Float(-1.5)); b.raw(Float(0.25))
    b.key("empty", type: 9); b.u32(4); b.u64(0)
    b.key("nested", type: 9); b.u32(9); b.u64(2)
    b.u32(4); b.u64(2); b.u32(7); b.u32(8)          // [7, 8] as uint32
    b.u32(8); b.u64(1); b.string("x")                // ["x"]
    b.key("general.alignment", type: 4); b.u32(alignment)
    // Tensor 0: F32 [3, 2] at 0 (24 bytes); tensor 1: Q8_0 [32] at the next aligned offset.
    b.tensorInfo("a.weight", dims: [3, 2], type: 0, offset: 0)
    b.tensorInfo("b.weight", dims: [32], type: 8, offset: UInt64(alignment))
    b.pad(to: Int(alignment))
    for i in 0 ..< 6 { b.raw(Float(i) * 0.5) }
    b.pad(to: Int(alignment))
    b.raw(UInt16(0x3C00))                             // Q8_0 scale 1.0 (fp16)
    for i in 0 ..< 32 { b.raw(Int8(i - 16)) }
    return b.data
}

@Test func readsEveryMetadataType() throws {
    let f = try GGUFFile(data: everyTypeFile(), name: "every.gguf")
    #expect(f.version == 3)
    #expect(f.keys.count == 19)
    #expect(f.keys.first == "u8" && f.keys.last == "general.alignment")
    #expect(try f.value("u8", as: UInt8.self) == 200)
    #expect(try f.value("i8", as: Int8.self) == -100)
    #expect(try f.value("u16", as: UInt16.self) == 60000)
    #expect(try f.value("i16", as: Int16.self) == -30000)
    #expect(try f.uint32("u32") == 4_000_000_000)
    #expect(try f.int32("i32") == -2_000_000_000)
    #expect(try f.float("f32") == Float(1e-5))
    #expect(try f.bool("yes") == true)
    #expect(try f.bool("no") == false)
    #expect(try f.string("name") == "Smöl ✓")
    #expect(try f.uint64("u64") == UInt64.max)
    #expect(try f.int64("i64") == Int64.min)
    #expect(try f.double("f64") == Double.pi)
    #expect(try f.stringArray("tokens") == ["<s>", "", "Ġthe", "日本"])
    #expect(try f.int32Array("types") == [1, -2, 3])
    #expect(try f.floatArray("scores") == [-1.5, 0.25])
    #expect(try f.uint32Array("empty") == [])
    let nested = try f.array("nested")
    #expect(nested.elementType == .array && nested.count == 2)
    if case .array(let first) = nested[0] { #expect(first.integers(as: Int.self) == [7, 8]) } else { Issue.record("not an array") }
    if case .array(let second) = nested[1] { #expect(second.strings() == ["x"]) } else { Issue.record("not an array") }
    let tokens = try f.array("tokens")
    #expect(Array(tokens.stringBytes(at: 3)) == Array("日本".utf8))
}

@Test func integerAccessorsConvertWhenTheValueFits() throws {
    let f = try GGUFFile(data: everyTypeFile(), name: "every.gguf")
    #expect(try f.int("u8") == 200)
    #expect(try f.int64("u32") == 4_000_000_000)
    #expect(try f.int("i64") == Int(Int64.min))
    #expect(try f.double("f32") == Double(Float(1e-5)))
    #expect(try f.float("u16") == 60000)
    #expect(try f.intArray("types") == [1, -2, 3])
    // Out of range: a clear type error, not a wrapped value.
    let e = #expect(throws: ModelFileError.self) { try f.uint32("i32") }
    #expect(e?.kind == .typeMismatch)
    #expect(e?.description == "every.gguf: metadata key 'i32' is int32 -2000000000, expected uint32")
    #expect(throws: ModelFileError.self) { try f.uint32Array("types") }
}

@Test func missingAndMistypedKeysAreClearErrors() throws {
    let f = try GGUFFile(data: everyTypeFile(), name: "every.gguf")
    let missing = #expect(throws: ModelFileError.self) { try f.string("general.architecture") }
    #expect(missing?.kind == .missingKey)
    #expect(missing?.description == "every.gguf: metadata key 'general.architecture' is missing")
    let wrong = #expect(throws: ModelFileError.self) { try f.string("u32") }
    #expect(wrong?.kind == .typeMismatch)
    let wrongArray = #expect(throws: ModelFileError.self) { try f.int32Array("tokens") }
    #expect(wrongArray?.message == "metadata key 'tokens' is array of string, expected array of int32")
    #expect(try f.valueIfPresent("nope", as: UInt32.self) == nil)
    #expect(try f.value("nope", default: Float(10000)) == 10000)
    #expect(try f.value("u32", default: UInt32(1)) == 4_000_000_000)
    #expect(throws: ModelFileError.self) { try f.valueIfPresent("name", as: Bool.self) }
}

@Test func tensorsAreAlignedAndReadable() throws {
    let f = try GGUFFile(data: everyTypeFile(alignment: 64), name: "every.gguf")
    #expect(f.alignment == 64)
    #expect(f.dataOffset % 64 == 0)
    #expect(f.tensorInfos.map(\.name) == ["a.weight", "b.weight"])
    let a = try f.tensor("a.weight")
    #expect(a.type == .f32 && a.dimensions == [3, 2] && a.shape == [2, 3])
    #expect(a.elementCount == 6 && a.byteCount == 24)
    #expect(a.info.rowLength == 3 && a.info.rowCount == 2 && a.info.bytesPerRow == 12)
    let floats = a.bytes.withMemoryRebound(to: Float.self) { Array($0) }
    #expect(floats == [0, 0.5, 1, 1.5, 2, 2.5])
    let b = try f.tensor("b.weight")
    #expect(b.type == .q8_0 && b.byteCount == 34 && b.info.offset == 64)
    #expect(b.info.fileOffset == f.dataOffset + 64)
    #expect(Array(b.bytes.prefix(3)) == [0x00, 0x3C, 0xF0])
    #expect(f.tensorIfPresent("c.weight") == nil)
    let e = #expect(throws: ModelFileError.self) { try f.tensor("c.weight") }
    #expect(e?.kind == .missingTensor)
    #expect(e?.message == "no tensor named 'c.weight' (the file has 2 tensors)")
}

@Test func defaultAlignmentIs32() throws {
    var b = GGUFBytes()
    b.header(tensors: 1, kvs: 0)
    b.tensorInfo("t", dims: [2], type: 1, offset: 0)   // F16, 4 bytes
    let headerEnd = b.data.count
    b.pad(to: 32)
    b.raw(UInt32(0))
    let f = try GGUFFile(data: b.data, name: "t.gguf")
    #expect(f.alignment == 32)
    #expect(f.dataOffset == (headerEnd + 31) / 32 * 32)
    #expect(f.version == 3)
}

@Test func version2IsAccepted() throws {
    var b = GGUFBytes()
    b.header(version: 2, tensors: 0, kvs: 1)
    b.key("k", type: 8); b.string("v")
    let f = try GGUFFile(data: b.data, name: "v2.gguf")
    #expect(f.version == 2)
    #expect(try f.string("k") == "v")
}

@Test func mapsAFileFromDisk() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("every.gguf")
    try everyTypeFile().write(to: url)
    let f = try GGUFFile(contentsOf: url)
    #expect(f.name == url.path)
    #expect(try f.stringArray("tokens").count == 4)
    // The tensor keeps the mapping alive after the file object is released.
    let t = try GGUFFile(contentsOf: url).tensor("a.weight")
    #expect(t.bytes.load(fromByteOffset: 4, as: Float.self) == 0.5)

    let missing = #expect(throws: ModelFileError.self) { try GGUFFile(contentsOf: dir.appendingPathComponent("none.gguf")) }
    #expect(missing?.kind == .io)
    #expect(missing?.message.contains("No such file") == true)
    let isDir = #expect(throws: ModelFileError.self) { try GGUFFile(contentsOf: dir) }
    #expect(isDir?.message == "is a directory, not a file")
}

@Test(.enabled(if: Peers.gguf)) func ggmlTypeSizesMatchGGUFPy() throws {
    let out = try TestSupport.runPython(["-c", """
        from gguf.constants import GGML_QUANT_SIZES
        for t, (b, s) in GGML_QUANT_SIZES.items(): print(t.name, int(t), b, s)
        """])
    try #require(out.status == 0, "\(out.stderr)")
    var seen = 0
    for line in out.text.split(separator: "\n") {
        let p = line.split(separator: " ")
        let type = try #require(GGMLType(rawValue: UInt32(p[1])!), "gguf-py type \(p[0]) unknown to Lontar")
        #expect(type.description == String(p[0]))
        #expect(type.blockSize == Int(p[2])!, "\(type)")
        #expect(type.typeSize == Int(p[3])!, "\(type)")
        #expect(GGMLType(name: String(p[0]).lowercased()) == type)
        seen += 1
    }
    #expect(seen == GGMLType.allCases.count)
}
