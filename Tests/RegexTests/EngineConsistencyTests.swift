import Dispatch
import Testing
@testable import LontarRegex

/// The fast paths (shortcuts, prefilters, forward and reverse lazy DFAs)
/// must find exactly what the Pike VM finds — on long inputs, with DFA
/// caches so small they are cleared over and over, and from several
/// threads at once. No Java needed: the Pike VM itself is checked against
/// Java in `JavaDifferentialTests`.
struct EngineConsistencyTests {
    /// All matches with groups, as a comparable string.
    static func render(_ engine: MatchEngine, _ text: UnsafeBufferPointer<UInt8>) -> String {
        var parts: [String] = []
        var slots: [Int] = []
        engine.forEachMatch(text, from: 0) { m in
            engine.groups(of: m, in: text, into: &slots)
            parts.append(slots.map(String.init).joined(separator: ","))
            return true
        }
        parts.append(engine.matchesWhole(text) ? "M" : "-")
        parts.append(engine.contains(text) ? "C" : "-")
        return parts.joined(separator: "|")
    }

    static func longInput(_ random: inout RandomPatterns) -> String {
        var s = ""
        let n = 200 + random.below(1500)
        for _ in 0..<n { s += random.pick(RandomPatterns.inputAlphabet) }
        return s
    }

    @Test func fastPathsAgreeWithPikeVMOnLongInputs() throws {
        var random = RandomPatterns(seed: 99)
        var checked = 0
        for _ in 0..<250 {
            let source = random.pattern()
            guard let pattern = try? RegexPattern(source) else { continue }
            let input = EngineConsistencyTests.longInput(&random)
            var bytes = Array(input.utf8)
            bytes.withUnsafeMutableBufferPointer { mbuf in
                let text = UnsafeBufferPointer(mbuf)
                let pike = MatchEngine(pattern.compiled)
                pike.pikeOnly = true
                let expected = EngineConsistencyTests.render(pike, text)
                let fast = MatchEngine(pattern.compiled)
                #expect(EngineConsistencyTests.render(fast, text) == expected, "\(source.debugDescription)")
                // A DFA cache of a few states is cleared constantly, and
                // searches may give up and fall back to the Pike VM.
                let tiny = MatchEngine(pattern.compiled, dfaStateLimit: 3)
                #expect(EngineConsistencyTests.render(tiny, text) == expected, "tiny cache: \(source.debugDescription)")
                let small = MatchEngine(pattern.compiled, dfaStateLimit: 24)
                #expect(EngineConsistencyTests.render(small, text) == expected, "small cache: \(source.debugDescription)")
            }
            checked += 1
        }
        #expect(checked > 150)
    }

    @Test(arguments: [
        "[^a-z0-9\\s]", "\\s+", "xmath[0-9]+", "@xcite", "\\n", "(?i)\\bthe\\b", "[a-z]+tion\\b",
        "(\\w+) (of|in) (\\w+)", "\\p{L}+", "(?m)^\\w+$", "\\b\\w", "é+|€", "a.{3,5}b", "(a|b)*a(a|b){6}",
        "@xcite\\w*", "xm(at)h\\d+", "ab[b]+", "a\\d*", "é[€é]+",
    ])
    func cleaningPatternsAgreeWithPikeVM(_ source: String) throws {
        let pattern = try RegexPattern(source)
        var random = RandomPatterns(seed: 5)
        let words = ["the", "of", "in", "xmath12", "@xcite", "station", "é", "Über", "a\u{301}b", "\n", "  ", ",",
                     "nation", "abababab", "(x)", "€", "xmath"]
        var input = ""
        for _ in 0..<3000 { input += random.pick(words) + random.pick([" ", "", "\n", ". "]) }
        var bytes = Array(input.utf8)
        bytes.withUnsafeMutableBufferPointer { mbuf in
            let text = UnsafeBufferPointer(mbuf)
            let pike = MatchEngine(pattern.compiled)
            pike.pikeOnly = true
            let expected = EngineConsistencyTests.render(pike, text)
            let fast = MatchEngine(pattern.compiled)
            #expect(EngineConsistencyTests.render(fast, text) == expected)
            // These patterns never need the Pike VM to find matches.
            #expect(fast.pikeFallbacks == 0)
            #expect(EngineConsistencyTests.render(MatchEngine(pattern.compiled, dfaStateLimit: 4), text) == expected)
            #expect(EngineConsistencyTests.render(MatchEngine(pattern.compiled, dfaStateLimit: 16), text) == expected)
        }
    }

    @Test func oneCompiledPatternUsedFromManyThreads() throws {
        let pattern = try RegexPattern("(\\w+)@(\\w+)|[^a-z0-9\\s]|\\bthe\\b")
        var random = RandomPatterns(seed: 11)
        let inputs: [String] = (0..<64).map { _ in
            var s = ""
            for _ in 0..<400 { s += random.pick(["the ", "a@b ", "x,", "é ", "then ", "(", "q@r!"]) }
            return s
        }
        let expected = try inputs.map { try pattern.replaceAll(in: $0, with: "<$1>") }
        let results = ResultBox(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: 8 * inputs.count) { i in
            let k = i % inputs.count
            let r = (try? pattern.replaceAll(in: inputs[k], with: "<$1>")) ?? "error"
            results.check(k, r == expected[k])
        }
        #expect(results.failures == 0)
    }
}

/// Collects results from concurrent work.
final class ResultBox: @unchecked Sendable {
    private var bad = 0
    private let lock = NSLockLike()

    init(count: Int) {}

    func check(_ index: Int, _ ok: Bool) {
        if !ok { lock.locked { bad += 1 } }
    }

    var failures: Int { lock.locked { bad } }
}

/// A minimal lock for the test (Dispatch semaphore based).
final class NSLockLike: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 1)
    func locked<T>(_ body: () -> T) -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return body()
    }
}
