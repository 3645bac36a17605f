import Foundation
import Testing
@testable import LontarFrame

@Suite struct GenerateWriterTests {
    @Test func templatesCompileForEveryField() throws {
        let fields = try PaperField.compileAll()
        #expect(fields.map(\.name) == ["physics", "astrophysics", "computer science", "mathematics", "medicine", "biology"])
        for field in fields {
            for kind in SentenceKind.allCases {
                #expect(!field.sentences[kind.rawValue].options.isEmpty, "\(field.name) \(kind)")
            }
            #expect(field.program.choiceCount > 50)
        }
    }

    @Test func templateErrorsAreCaught() {
        var compiler = TemplateCompiler(lists: ["a": ["x"], "loop": ["{loop}"], "spaced": [" x"]])
        #expect(throws: TemplateError.self) { try compiler.compile("{missing}") }
        #expect(throws: TemplateError.self) { try compiler.compile("{a") }
        #expect(throws: TemplateError.self) { try compiler.compile("a}") }
        #expect(throws: TemplateError.self) { try compiler.compile("{loop}") }
        #expect(throws: TemplateError.self) { try compiler.compile("{spaced}") }
        #expect(throws: TemplateError.self) { try compiler.compile("{#int:5:1}") }
        #expect(throws: TemplateError.self) { try compiler.compile("{?0:x}") }
        #expect(throws: TemplateError.self) { try compiler.compileQuantities(["name|unit|1"]) }
        #expect((try? compiler.compile("{a} and {=b|{a}}")) != nil)
    }

    @Test func goldenTexts() {
        var writer = PaperWriter(rng: GeneratorRandom(seed: 2024))
        var physics: [UInt8] = []
        writer.startPaper()
        #expect(writer.write(.abstract, field: PaperField.all[0], targetWords: 45, into: &physics) == 36)
        #expect(String(decoding: physics, as: UTF8.self) == """
            we address the problem of the simulation of quantum dynamics . remarkably , the critical exponent is \
            @xmath0 within error bars . we further observe that the low - energy excitations are gapless dirac fermions .
            """)
        var medicine: [UInt8] = []
        writer.startPaper()
        #expect(writer.write(.opening, field: PaperField.all[4], targetWords: 45, into: &medicine) == 48)
        #expect(String(decoding: medicine, as: UTF8.self) == """
            Research on childhood stunting has attracted growing attention over the last decades . Despite \
            considerable work , adherence to current guidelines remains a matter of debate @xcite .
            In particular , the incidence of chronic obstructive pulmonary disease has risen markedly over the past \
            two decades @xcite .
            """)
    }

    /// The writer's own count is exact, short targets are met exactly, and
    /// longer ones within half a sentence.
    @Test func writerHitsTargets() {
        var writer = PaperWriter(rng: GeneratorRandom(seed: 99))
        for target in [1, 2, 3, 5, 8, 13, 40, 120, 300, 1000] {
            for field in PaperField.all {
                for kind in [PaperTextKind.abstract, .opening] {
                    writer.startPaper()
                    var buf: [UInt8] = []
                    let words = writer.write(kind, field: field, targetWords: target, into: &buf)
                    let text = String(decoding: buf, as: UTF8.self)
                    #expect(sparkWordCount(text) == words, "\(field.name) \(kind) \(target): \(text)")
                    if target <= 3 { #expect(words == target) }
                    #expect(abs(words - target) <= 30, "\(field.name) \(kind): \(words) words for \(target)")
                }
            }
        }
    }

    @Test func writerRespectsItsLimit() {
        var writer = PaperWriter(rng: GeneratorRandom(seed: 5))
        for _ in 0 ..< 200 {
            var buf: [UInt8] = []
            let words = writer.write(.abstract, field: PaperField.all[0], targetWords: 100, limit: 100, into: &buf)
            #expect(words <= 100)
        }
    }

    @Test func numbersAreFormattedWithoutFoundation() {
        func fixed(_ x: Double, _ d: Int) -> String {
            var b: [UInt8] = []
            ByteText.appendFixed(x, decimals: d, to: &b)
            return String(decoding: b, as: UTF8.self)
        }
        #expect(fixed(12.4, 1) == "12.4")
        #expect(fixed(0.021, 3) == "0.021")
        #expect(fixed(-54.06, 1) == "-54.1")
        #expect(fixed(-0.001, 2) == "0.00")
        #expect(fixed(3, 0) == "3")
        #expect(fixed(1234.5678, 2) == "1234.57")
        var b: [UInt8] = []
        ByteText.appendInt(Int.min + 1, to: &b)
        #expect(String(decoding: b, as: UTF8.self) == String(Int.min + 1))
    }

    @Test func randomStreamsAreStable() {
        // xoshiro256** seeded by SplitMix64: fixed values guard against drift.
        var r = GeneratorRandom(seed: 0)
        let first = (0 ..< 3).map { _ in r.next() }
        var again = GeneratorRandom(seed: 0)
        #expect(first == (0 ..< 3).map { _ in again.next() })
        #expect(GeneratorRandom.mix(0) == 0xE220_A839_7B1D_CDAF)  // SplitMix64's first output for state 0
        var u = GeneratorRandom(seed: 7)
        let draws = (0 ..< 100_000).map { _ in u.normal() }
        let mean = draws.reduce(0, +) / 100_000
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 99_999
        #expect(abs(mean) < 0.02 && abs(variance - 1) < 0.02)
        var b = GeneratorRandom(seed: 8)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0 ..< 60_000 { counts[b.below(6)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
    }
}
