import Foundation
import Testing
@testable import LontarFrame

@Suite struct GenerateCorpusTests {
    @Test func schema() throws {
        let frame = try PaperCorpus.generate(rows: 100, seed: 1)
        #expect(frame.columnNames == ["id", "input", "output"])
        #expect(frame.columns.map(\.type) == [.int64, .string, .string])
        #expect(frame.rowCount == 100)
        #expect(frame.columns.allSatisfy { $0.valid == nil })
        guard case .int64(let ids)? = frame.column(named: "id")?.storage else {
            Issue.record("id is not bigint")
            return
        }
        #expect(ids == (0 ..< 100).map(Int64.init))
    }

    @Test func emptyAndBadRowCounts() throws {
        let empty = try PaperCorpus.generate(rows: 0, seed: 1)
        #expect(empty.columnNames == ["id", "input", "output"])
        #expect(empty.rowCount == 0)
        #expect(throws: PaperCorpusError.negativeRows(-3)) { try PaperCorpus.generate(rows: -3, seed: 1) }
        #expect(PaperCorpusError.negativeRows(-3).description == "the number of rows must be 0 or more, got -3")
    }

    @Test func deterministicForASeed() throws {
        let a = try PaperCorpus.generate(rows: 5000, seed: 42)
        let b = try PaperCorpus.generate(rows: 5000, seed: 42)
        #expect(a == b)
        // Independent of the thread count and of chunking.
        let serial = try PaperCorpus.generate(rows: 5000, seed: 42, threads: 1)
        let three = try PaperCorpus.generate(rows: 5000, seed: 42, threads: 3)
        #expect(serial == a)
        #expect(three == a)
        // A smaller corpus is a prefix of a larger one.
        let prefix = try PaperCorpus.generate(rows: 2100, seed: 42)
        for name in ["input", "output"] {
            let small = strings(prefix, name), large = strings(a, name)
            #expect(small.offsets == Array(large.offsets.prefix(2101)))
            #expect(small.bytes == Array(large.bytes.prefix(small.bytes.count)))
        }
        // Another seed gives other text.
        let other = try PaperCorpus.generate(rows: 50, seed: 43)
        #expect(strings(other, "input")[0] != strings(a, "input")[0])
        #expect((0 ..< 50).filter { strings(other, "output")[$0] == strings(a, "output")[$0] }.count < 3)
    }

    /// The corpus must not drift silently: a seed names a data set in
    /// notebooks. (If a template change is intended, update the fingerprint.)
    @Test func fingerprintOfASmallCorpus() throws {
        let frame = try PaperCorpus.generate(rows: 200, seed: 2024)
        let bytes = strings(frame, "input").bytes + strings(frame, "output").bytes
        #expect(Self.fingerprint(String(decoding: bytes, as: UTF8.self)) == 10_893_882_905_676_087_979)
    }

    /// FNV-1a over the UTF-8 bytes.
    static func fingerprint(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    @Test func wordCountsMatchTheTable() throws {
        let frame = try PaperCorpus.generate(rows: 20000, seed: 7)
        let input = strings(frame, "input"), output = strings(frame, "output")
        let inWords = Summary((0 ..< input.count).map { sparkWordCount(input[$0]) })
        let outWords = Summary((0 ..< output.count).map { sparkWordCount(output[$0]) })
        // Table 3 of the paper: input 282 / 117 / 11 / 1416, output 120 / 100 / 1 / 1319.
        #expect(abs(inWords.mean - 282) < 5, "input mean \(inWords.mean)")
        #expect(abs(inWords.stddev - 117) < 8, "input stddev \(inWords.stddev)")
        #expect(inWords.min >= 11 && inWords.min <= 25, "input min \(inWords.min)")
        #expect(inWords.max <= 1416 && inWords.max >= 900, "input max \(inWords.max)")
        #expect(abs(outWords.mean - 120) < 5, "output mean \(outWords.mean)")
        #expect(abs(outWords.stddev - 100) < 8, "output stddev \(outWords.stddev)")
        #expect(outWords.min == 1, "output min \(outWords.min)")
        #expect(outWords.max <= 1319 && outWords.max >= 800, "output max \(outWords.max)")
        // Skewed right like the real data: the median is below the mean.
        let sortedOut = (0 ..< output.count).map { sparkWordCount(output[$0]) }.sorted()
        #expect(Double(sortedOut[sortedOut.count / 2]) < outWords.mean * 0.9)
    }

    @Test func promptsUseBothTemplates() throws {
        let frame = try PaperCorpus.generate(rows: 4000, seed: 3)
        let input = strings(frame, "input")
        var abstractPrompts = 0, openingPrompts = 0
        for i in 0 ..< input.count {
            let text = input[i]
            if text.hasPrefix(PaperCorpus.abstractPromptPrefix) {
                abstractPrompts += 1
                #expect(text.hasSuffix(PaperCorpus.abstractPromptSuffix))
            } else if text.hasPrefix(PaperCorpus.openingPromptPrefix) {
                openingPrompts += 1
            } else {
                Issue.record("row \(i) uses no prompt template: \(text.prefix(80))")
            }
        }
        #expect(abstractPrompts + openingPrompts == 4000)
        #expect(abs(abstractPrompts - 2000) < 150, "\(abstractPrompts) abstract prompts of 4000")
    }

    @Test func artifactsThePaperCleansArePresent() throws {
        let frame = try PaperCorpus.generate(rows: 3000, seed: 5)
        let texts = ["input", "output"].flatMap { name in
            let c = strings(frame, name)
            return (0 ..< c.count).map { c[$0] }
        }
        func share(_ test: (String) -> Bool) -> Double {
            Double(texts.filter(test).count) / Double(texts.count)
        }
        let xmath = try Regex("xmath[0-9]+")
        #expect(share { $0.contains("@xcite") } > 0.3)
        #expect(share { $0.contains("xcite") && !$0.contains("@xcite") } > 0.001)  // a bare "xcite" now and then
        #expect(share { $0.contains(xmath) } > 0.1)
        #expect(share { $0.contains("\n") } > 0.2)
        #expect(share { $0.contains("  ") } > 0.05)
        #expect(share { $0.contains("\t") } > 0.02)
        #expect(share { $0.contains(" ( ") && $0.contains(" ) ") } > 0.05)
        #expect(share { $0.contains(" , ") } > 0.5)
        #expect(share { $0.contains("p = 0.") || $0.contains("p < 0.001") } > 0.02)
        #expect(share { $0.contains("( sd = ") } > 0.01)
        for needle in ["é", "µ", "°C", "α", "Γ", "ö"] {
            #expect(share { $0.contains(needle) } > 0.001, "\(needle)")
        }
        #expect(share { $0.unicodeScalars.contains { $0.value > 0x7F } } > 0.2)
        // Upper case for `lower` to act on; sentence-case (PubMed-style) texts exist.
        #expect(share { $0.contains(where: \.isUppercase) } > 0.5)
        // The answer side has both kinds of text: openings and abstracts.
        let outputs = strings(frame, "output")
        #expect((0 ..< outputs.count).contains { outputs[$0].contains("the paper is organized as follows") })
        #expect((0 ..< outputs.count).contains { outputs[$0].contains("these results suggest that") })
    }

    @Test func textIsWellFormed() throws {
        let frame = try PaperCorpus.generate(rows: 3000, seed: 9)
        for name in ["input", "output"] {
            let c = strings(frame, name)
            #expect(String(validating: c.bytes, as: UTF8.self) != nil, "\(name) is valid UTF-8")
            for i in 0 ..< c.count {
                let text = c[i]
                #expect(!text.isEmpty)
                #expect(text.first.map { !$0.isWhitespace } ?? false)
                #expect(text.last.map { !$0.isWhitespace } ?? false)
                // Template syntax never leaks, and every @xmath has its number.
                #expect(!text.contains("{") && !text.contains("}"), "\(text)")
                #expect(!text.contains(try Regex("@xmath(?![0-9])")), "\(text)")
                #expect(!text.contains("   "), "no triple spaces: \(text)")
            }
        }
    }
}
