import Foundation
import Testing
@testable import LontarFrame
import LontarTestSupport

/// The Parquet reader's parts on inputs built by hand: Snappy streams, RLE /
/// bit-packed runs, Thrift structs, and tiny whole files for the error paths.
@Suite("Parquet parts")
struct IOParquetUnitTests {
    // MARK: Snappy

    static func snappy(_ bytes: [UInt8], expected: Int) throws -> [UInt8] {
        try bytes.withUnsafeBufferPointer { try Snappy.decompress($0, expectedLength: expected) }
    }

    @Test func snappyElements() throws {
        #expect(try Self.snappy([0x05, 0x10] + Array("hello".utf8), expected: 5) == Array("hello".utf8))
        // A 1-byte-offset copy overlapping its own output.
        #expect(try Self.snappy([0x0A, 0x04, 0x61, 0x62, 0x11, 0x02], expected: 10) == Array("ababababab".utf8))
        // 2- and 4-byte offsets.
        #expect(try Self.snappy([0x09, 0x08, 0x78, 0x79, 0x7A, 0x16, 0x03, 0x00], expected: 9) == Array("xyzxyzxyz".utf8))
        #expect(try Self.snappy([0x09, 0x08, 0x78, 0x79, 0x7A, 0x17, 0x03, 0x00, 0x00, 0x00], expected: 9) == Array("xyzxyzxyz".utf8))
        // A run of one byte (offset 1), and a literal whose length needs an extra byte.
        #expect(try Self.snappy([0x41, 0x00, 0x7A, 0xFE, 0x01, 0x00], expected: 65) == Array(repeating: 0x7A, count: 65))
        let long = (0 ..< 100).map { UInt8($0) }
        #expect(try Self.snappy([0x64, 0xF0, 99] + long, expected: 100) == long)
        #expect(try Self.snappy([0x00], expected: 0) == [])
    }

    @Test(arguments: [
        ([0x05, 0x10, 0x68, 0x65], 5, "runs past the input"),                 // literal cut short
        ([0x04, 0x00, 0x61, 0x11, 0x00], 4, "points before the start"),        // offset 0
        ([0x06, 0x00, 0x61, 0x11, 0x05], 6, "points before the start"),        // offset past the output
        ([0x05, 0x10] + Array("hello".utf8), 6, "the page header says 6"),     // declared length mismatch
        ([0x06, 0x10] + Array("hello".utf8), 6, "decoded to 5 bytes"),         // output shorter than declared
        ([0x02, 0x00, 0x61, 0x0D, 0x01], 2, "runs past the declared length"),  // copy overruns
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], 1, "longer than 32 bits"),
    ] as [([UInt8], Int, String)])
    func snappyRejectsCorruptInput(bytes: [UInt8], expected: Int, message: String) {
        do {
            _ = try Self.snappy(bytes, expected: expected)
            Issue.record("decoded corrupt input")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    /// A naive compressor writes random literals and copies of every form;
    /// decompressing must give back exactly what it meant.
    @Test func snappyRandomStreams() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 60 {
            var plain: [UInt8] = []
            var body: [UInt8] = []
            for _ in 0 ..< Int.random(in: 1 ... 25, using: &rng) {
                if plain.isEmpty || Bool.random(using: &rng) {
                    let n = [1, 5, 59, 60, 61, 200, 300, 66_000].randomElement(using: &rng)!
                    let lit = [UInt8](unsafeUninitializedCapacity: n) { b, c in
                        for k in 0 ..< n { b[k] = UInt8(truncatingIfNeeded: rng.next()) }
                        c = n
                    }
                    let m = n - 1
                    if m < 60 { body.append(UInt8(m << 2)) }
                    else if m < 256 { body += [60 << 2, UInt8(m)] }
                    else if m < 65536 { body += [61 << 2, UInt8(m & 255), UInt8(m >> 8)] }
                    else { body += [62 << 2, UInt8(m & 255), UInt8((m >> 8) & 255), UInt8(m >> 16)] }
                    body += lit
                    plain += lit
                } else {
                    let offset = Int.random(in: 1 ... min(plain.count, 70_000), using: &rng)
                    var len = Int.random(in: 1 ... 64, using: &rng)
                    switch Int.random(in: 0 ..< 3, using: &rng) {
                    case 0 where offset < 2048:
                        len = Int.random(in: 4 ... 11, using: &rng)
                        body += [UInt8(1 | (len - 4) << 2 | (offset >> 8) << 5), UInt8(offset & 255)]
                    case 1 where offset < 65536:
                        body += [UInt8(2 | (len - 1) << 2), UInt8(offset & 255), UInt8(offset >> 8)]
                    default:
                        body += [UInt8(3 | (len - 1) << 2), UInt8(offset & 255), UInt8((offset >> 8) & 255),
                                 UInt8((offset >> 16) & 255), 0]
                    }
                    for _ in 0 ..< len { plain.append(plain[plain.count - offset]) }
                }
            }
            var header: [UInt8] = []
            var n = plain.count
            while n >= 0x80 { header.append(UInt8(n & 0x7F) | 0x80); n >>= 7 }
            header.append(UInt8(n))
            #expect(try Self.snappy(header + body, expected: plain.count) == plain)
        }
    }

    // MARK: RLE / bit-packed hybrid

    /// Encodes `values` as random RLE and bit-packed runs.
    static func hybrid(_ values: [UInt32], bitWidth: Int, using rng: inout SystemRandomNumberGenerator) -> [UInt8] {
        var out: [UInt8] = []
        func varint(_ v: Int) { var v = v; while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }; out.append(UInt8(v)) }
        var i = 0
        while i < values.count {
            var run = 1
            while i + run < values.count && values[i + run] == values[i] { run += 1 }
            if run >= 8 || Bool.random(using: &rng) && run > 1 {
                varint(run << 1)
                for k in 0 ..< (bitWidth + 7) / 8 { out.append(UInt8((values[i] >> (8 * UInt32(k))) & 255)) }
                i += run
            } else {
                let groups = Int.random(in: 1 ... 3, using: &rng)
                varint(groups << 1 | 1)
                var bits = [Bool]()
                for k in 0 ..< groups * 8 {
                    let v = i + k < values.count ? values[i + k] : 0
                    for b in 0 ..< bitWidth { bits.append((v >> UInt32(b)) & 1 == 1) }
                }
                for byte in 0 ..< bits.count / 8 {
                    var x: UInt8 = 0
                    for b in 0 ..< 8 where bits[byte * 8 + b] { x |= 1 << UInt8(b) }
                    out.append(x)
                }
                i += groups * 8
            }
        }
        return out
    }

    @Test func rleHybridRoundTrips() throws {
        var rng = SystemRandomNumberGenerator()
        for width in [0, 1, 2, 3, 7, 8, 9, 13, 16, 17, 24, 31, 32] {
            for _ in 0 ..< 20 {
                let maxValue: UInt64 = width == 0 ? 0 : (1 << UInt64(width)) - 1
                var values: [UInt32] = []
                while values.count < 500 {
                    let v = UInt32(UInt64.random(in: 0 ... maxValue, using: &rng))
                    values += Array(repeating: v, count: Bool.random(using: &rng) ? 1 : Int.random(in: 1 ... 30, using: &rng))
                }
                let encoded = Self.hybrid(values, bitWidth: width, using: &rng)
                var decoded = [UInt32](repeating: 0, count: values.count)
                try encoded.withUnsafeBufferPointer { buf in
                    var d = RLEHybridDecoder(buf, bitWidth: width)
                    try d.decode(count: values.count) { i, v in decoded[i] = v }
                }
                #expect(decoded == values, "width \(width)")
            }
        }
    }

    @Test func rleHybridRejectsTruncatedRuns() {
        let cases: [[UInt8]] = [[], [0x03], [0x04], [0x80]]
        for bytes in cases {
            #expect(throws: ParquetDecodeError.self) {
                try bytes.withUnsafeBufferPointer { buf in
                    var d = RLEHybridDecoder(buf, bitWidth: 8)
                    try d.decode(count: 10) { _, _ in }
                }
            }
        }
    }

    // MARK: Thrift and whole files

    /// A minimal Thrift Compact writer for building metadata by hand.
    struct Thrift {
        var bytes: [UInt8] = []
        private var last: [Int] = [0]

        mutating func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            bytes.append(UInt8(v))
        }
        mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        mutating func field(_ id: Int, _ type: UInt8) {
            let delta = id - last[last.count - 1]
            if delta > 0 && delta < 16 { bytes.append(UInt8(delta << 4) | type) } else { bytes.append(type); zigzag(Int64(id)) }
            last[last.count - 1] = id
        }
        mutating func i32(_ id: Int, _ v: Int32) { field(id, 5); zigzag(Int64(v)) }
        mutating func i64(_ id: Int, _ v: Int64) { field(id, 6); zigzag(v) }
        mutating func string(_ id: Int, _ s: String) { field(id, 8); varint(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
        mutating func structure(_ id: Int, _ body: (inout Thrift) -> Void) { field(id, 12); inner(body) }
        mutating func inner(_ body: (inout Thrift) -> Void) { last.append(0); body(&self); bytes.append(0); last.removeLast() }
        mutating func list(_ id: Int, _ type: UInt8, _ count: Int, _ body: (inout Thrift) -> Void) {
            field(id, 9)
            if count < 15 { bytes.append(UInt8(count << 4) | type) } else { bytes.append(0xF0 | type); varint(UInt64(count)) }
            body(&self)
        }
    }

    /// A one-column file: INT64 `x` (required) holding 10, -20, 30 in one PLAIN page.
    static func tinyFile(encoding: Int32 = 0, codec: Int32 = 0, pageValues: Int32 = 3, extraFields: Bool = false) -> [UInt8] {
        let values: [Int64] = [10, -20, 30]
        var data: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.littleEndian) { data += $0 } }
        var page = Thrift()
        page.inner { p in
            p.i32(1, 0)
            p.i32(2, Int32(data.count))
            p.i32(3, Int32(data.count))
            if extraFields {
                p.i32(4, 12345)  // crc, ignored
                p.structure(40) { s in  // an unknown field with nested values: skipped
                    s.list(1, 8, 2) { l in for w in ["a", "b"] { l.varint(1); l.bytes += Array(w.utf8) } }
                    s.field(2, 11); s.varint(1); s.bytes.append(0x55); s.zigzag(1); s.zigzag(2)  // map<i32, i32>
                    s.field(3, 1)  // bool true
                    s.field(4, 7); s.bytes += [UInt8](repeating: 0, count: 8)  // double
                }
            }
            p.structure(5) { d in d.i32(1, pageValues); d.i32(2, encoding); d.i32(3, 3); d.i32(4, 3) }
        }
        let chunk = page.bytes + data
        var meta = Thrift()
        meta.inner { m in
            m.i32(1, 1)
            m.list(2, 12, 2) { l in
                l.inner { e in e.string(4, "schema"); e.i32(5, 1) }
                l.inner { e in e.i32(1, 2); e.i32(3, 0); e.string(4, "x") }
            }
            m.i64(3, 3)
            m.list(4, 12, 1) { l in
                l.inner { g in
                    g.list(1, 12, 1) { c in
                        c.inner { cc in
                            cc.i64(2, 4)
                            cc.structure(3) { md in
                                md.i32(1, 2)
                                md.list(2, 5, 1) { e in e.zigzag(0) }
                                md.list(3, 8, 1) { e in e.varint(1); e.bytes.append(0x78) }
                                md.i32(4, codec)
                                md.i64(5, 3)
                                md.i64(6, Int64(chunk.count))
                                md.i64(7, Int64(chunk.count))
                                md.i64(9, 4)
                            }
                        }
                    }
                    g.i64(2, Int64(chunk.count))
                    g.i64(3, 3)
                }
            }
            m.string(6, "lontar test")
        }
        let magic = Array("PAR1".utf8)
        let n = UInt32(meta.bytes.count)
        return magic + chunk + meta.bytes + [UInt8(n & 255), UInt8(n >> 8 & 255), UInt8(n >> 16 & 255), UInt8(n >> 24)] + magic
    }

    static func read(_ bytes: [UInt8]) throws -> Frame {
        try FrameReader.read(url: IOTest.file("t.parquet", bytes: bytes)).0
    }

    static func error(_ bytes: [UInt8]) -> FileError? {
        do { _ = try read(bytes); return nil } catch { return error as? FileError }
    }

    @Test func tinyHandBuiltFile() throws {
        let frame = try Self.read(Self.tinyFile())
        #expect(IOTest.values(frame, "x") == [.int(10), .int(-20), .int(30)])
        // Unknown fields of every Thrift type are skipped.
        let extra = try Self.read(Self.tinyFile(extraFields: true))
        #expect(IOTest.values(extra, "x") == [.int(10), .int(-20), .int(30)])
    }

    @Test func errorPathsOfHandBuiltFiles() throws {
        let unknownEncoding = try #require(Self.error(Self.tinyFile(encoding: 10)))
        #expect(unknownEncoding.kind == .unsupported)
        #expect(unknownEncoding.message == "unsupported: column 'x', row group 0: values encoded with unknown encoding #10")
        let lzo = try #require(Self.error(Self.tinyFile(codec: 3)))
        #expect(lzo.message.hasPrefix("unsupported: column 'x' is compressed with LZO"))
        let tooMany = try #require(Self.error(Self.tinyFile(pageValues: 5)))
        #expect(tooMany.kind == .malformed)
        #expect(tooMany.message.contains("a data page holds 5 values, but only 3 rows remain"))
        let tooFew = try #require(Self.error(Self.tinyFile(pageValues: 2)))
        #expect(tooFew.message.contains("the column chunk ends after 2 of its 3 values"))
        var badMagic = Self.tinyFile()
        badMagic[badMagic.count - 1] = 0x30
        #expect(Self.error(badMagic)?.message == "not a Parquet file: it does not start and end with 'PAR1'")
        var badLength = Self.tinyFile()
        badLength[badLength.count - 6] = 0x7F
        #expect(Self.error(badLength)?.message.hasPrefix("corrupt Parquet footer: metadata length") == true)
        var encrypted = Self.tinyFile()
        encrypted.replaceSubrange((encrypted.count - 4)..., with: Array("PARE".utf8))
        #expect(Self.error(encrypted)?.message == "unsupported: the file is encrypted")
        let cutMetadata = Array(Self.tinyFile().dropLast(8).dropLast(5)) + Array(Self.tinyFile().suffix(8))
        #expect(Self.error(cutMetadata) != nil)
    }
}
