import Foundation
import Testing
@testable import LontarTokenizers

@Suite(.enabled(if: Fixtures.haveLlama3 && Fixtures.haveSmolLM2 && Fixtures.haveCases))
struct BatchTests {
    /// The reference texts plus empty rows, long rows and non-UTF-8 bytes, as
    /// one buffer with offsets.
    static func rows() -> [[UInt8]] {
        var rows = Fixtures.cases.map { Array($0.text.utf8) }
        rows.append([])
        rows.append(Array(String(repeating: "The quick brown fox. ", count: 500).utf8))
        rows.append([0xFF, 0xC3, 0x41, 0xE4, 0xBA, 0x20, 0x80])  // invalid UTF-8
        rows.append([])
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 200 {
            let words = (0 ..< Int.random(in: 0 ... 40, using: &rng)).map { _ in
                ["alpha", " beta", "  gamma\n", "123", "@xmath7", "北京", "😀", "\t", "don't"].randomElement(using: &rng)!
            }
            rows.append(Array(words.joined().utf8))
        }
        return rows
    }

    static func flatten(_ rows: [[UInt8]]) -> ([UInt8], [Int]) {
        var bytes: [UInt8] = []
        var offsets = [0]
        for r in rows {
            bytes += r
            offsets.append(bytes.count)
        }
        return (bytes, offsets)
    }

    @Test func batchEqualsOneByOneForAnyThreadCount() throws {
        let rows = BatchTests.rows()
        let (bytes, offsets) = BatchTests.flatten(rows)
        for tokenizer in [Fixtures.llama3 as (any Tokenizer)?, Fixtures.smolLM2].compactMap({ $0 }) {
            let single = rows.map { r in r.withUnsafeBufferPointer { tokenizer.encode(utf8: $0, parseSpecial: .none) } }
            for threads in [1, 2, 3, 8] {
                let counts = try tokenizer.countTokens(utf8: bytes, offsets: offsets, threads: threads)
                #expect(counts == single.map(\.count))
                let batch = try tokenizer.encodeBatch(utf8: bytes, offsets: offsets, threads: threads)
                #expect(batch.count == rows.count)
                for i in 0 ..< rows.count { #expect(Array(batch[i]) == single[i]) }
            }
        }
    }

    @Test func addsBOSWhenAsked() throws {
        let t = try #require(Fixtures.llama3)
        let (bytes, offsets) = BatchTests.flatten([Array("Hello world".utf8), []])
        let batch = try t.encodeBatch(utf8: bytes, offsets: offsets, addSpecialTokens: true)
        #expect(Array(batch[0]) == [128_000, 9906, 1917])
        #expect(Array(batch[1]) == [128_000])
        #expect(try t.countTokens(utf8: bytes, offsets: offsets, addSpecialTokens: true) == [3, 1])
        // SmolLM2's metadata says add_bos_token = false.
        let s = try #require(Fixtures.smolLM2)
        #expect(try s.countTokens(utf8: bytes, offsets: offsets, addSpecialTokens: true) == [2, 0])
    }

    @Test func parsesSpecialsWhenAsked() throws {
        let t = try #require(Fixtures.llama3)
        let (bytes, offsets) = BatchTests.flatten([Array("<|eot_id|>".utf8)])
        #expect(try t.countTokens(utf8: bytes, offsets: offsets) == [7])  // <, |, e, ot, _id, |, >
        #expect(try t.countTokens(utf8: bytes, offsets: offsets, parseSpecial: .all) == [1])
    }

    @Test func invalidBytesRoundTrip() throws {
        let t = try #require(Fixtures.llama3)
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 200 {
            let bytes = (0 ..< Int.random(in: 0 ... 300, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            let ids = bytes.withUnsafeBufferPointer { t.encode(utf8: $0, parseSpecial: .none) }
            #expect(try t.decodeBytes(ids.map(Int.init)) == bytes)
        }
    }

    @Test func rejectsBadOffsets() throws {
        let t = try #require(Fixtures.llama3)
        let bytes = Array("abc".utf8)
        #expect(throws: TokenizerError.invalidOffsets(index: 0, reason: "no offsets (N strings need N + 1)")) {
            try t.countTokens(utf8: bytes, offsets: [])
        }
        #expect(throws: TokenizerError.invalidOffsets(index: 2, reason: "1 is less than offsets[1] = 2")) {
            try t.countTokens(utf8: bytes, offsets: [0, 2, 1])
        }
        #expect(throws: TokenizerError.invalidOffsets(index: 1, reason: "4 is past the end of the 3 bytes")) {
            try t.encodeBatch(utf8: bytes, offsets: [0, 4])
        }
        #expect(throws: TokenizerError.invalidOffsets(index: 0, reason: "-1 is negative")) {
            try t.encodeBatch(utf8: bytes, offsets: [-1, 2])
        }
        #expect(try t.countTokens(utf8: bytes, offsets: [0]) == [])
        // Offsets need not start at 0.
        #expect(try t.encodeBatch(utf8: bytes, offsets: [1, 3]).ids.map(Int.init) == t.encode("bc"))
    }
}
