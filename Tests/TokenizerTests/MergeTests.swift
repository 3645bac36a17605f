import Foundation
import Testing
@testable import LontarTokenizers

/// The two merge algorithms (linear scan for short pieces, heap for long
/// ones) and the merge cache must never change a result.
@Suite(.enabled(if: Fixtures.haveLlama3 && Fixtures.haveSmolLM2))
struct MergeTests {
    static func randomPiece(_ n: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        let alphabets: [[UInt8]] = [Array("abcdefghijklmnopqrstuvwxyz".utf8), Array("aaaaab".utf8),
                                    Array("0123456789".utf8), Array("-=+*".utf8), Array("ÃĠé北".utf8),
                                    (0 ... 255).map { UInt8($0) }]
        let alphabet = alphabets.randomElement(using: &rng)!
        return (0 ..< n).map { _ in alphabet.randomElement(using: &rng)! }
    }

    @Test func scanAndHeapAgree() throws {
        var rng = SystemRandomNumberGenerator()
        for engine in [Fixtures.llama3?.engine, Fixtures.smolLM2?.engine].compactMap({ $0 }) {
            for _ in 0 ..< 3_000 {
                let piece = MergeTests.randomPiece(Int.random(in: 2 ... 80, using: &rng), using: &rng)
                let (small, large) = engine.model.mergeBothWays(piece)
                #expect(small == large, "\(piece)")
            }
        }
    }

    /// Encoding the same text twice (the second time from the cache) and
    /// through a fresh thread (an empty cache) gives the same ids.
    @Test func cacheDoesNotChangeResults() throws {
        let t = try #require(Fixtures.llama3)
        var rng = SystemRandomNumberGenerator()
        let words = (0 ..< 3_000).map { _ in
            String(decoding: MergeTests.randomPiece(Int.random(in: 2 ... 30, using: &rng), using: &rng), as: UTF8.self)
        }
        let text = words.joined(separator: " ")
        let first = t.encode(text)
        let second = t.encode(text)
        #expect(first == second)
        nonisolated(unsafe) var fresh: [Int] = []
        let done = DispatchSemaphore(value: 0)
        Thread {
            fresh = t.encode(text)
            done.signal()
        }.start()
        done.wait()
        #expect(fresh == first)
        #expect(try t.decode(first) == text)
    }

    /// A megabyte without a single space is one piece: the heap keeps it fast
    /// (a quadratic merge would take minutes), and it decodes back exactly.
    @Test func hugePieceEncodes() throws {
        let t = try #require(Fixtures.llama3)
        var rng = SystemRandomNumberGenerator()
        let letters = Array("acgt".utf8)
        let text = String(decoding: (0 ..< 1_000_000).map { _ in letters.randomElement(using: &rng)! }, as: UTF8.self)
        let ids = t.encode(text)
        #expect(ids.count > 100_000 && ids.count < 1_000_000)
        #expect(try t.decode(ids) == text)
    }
}
