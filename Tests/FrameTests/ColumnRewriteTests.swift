import Foundation
@testable import LontarFrame
import Testing

/// `rewritingColumns`: the same result as evaluating each expression, and the
/// original text released only when nothing else can still read it.
@Suite struct ColumnRewriteTests {
    /// Enough text for many chunks and pages (about 4 MB).
    static func corpus() throws -> Frame {
        var text = StringColumn(), other = StringColumn()
        for i in 0 ..< 60_000 {
            text.append("Row \(i): The Quick @xcite Brown FOX xmath\(i % 97) jumps ( pt ) over \(i * 7919 % 10_007) DOGS.")
            other.append("Other \(i % 13) ÄÖ")
        }
        return try Frame(columns: [Column(name: "text", storage: .string(text)),
                                   Column(name: "other", storage: .string(other))])
    }

    static let cleaning: ColumnExpression =
        .trim(.regexpReplace(.regexpReplace(.lower(.column("text")), pattern: "xmath[0-9]+", replacement: ""),
                             pattern: "[^a-z0-9\\s]", replacement: ""))

    @Test func theArrayUniquenessProbeHoldsOnThisPlatform() {
        #expect(arrayUniquenessWorks)
        var bytes = [UInt8](repeating: 1, count: 100)
        let alone = isUniquelyReferencedBuffer(&bytes)
        #expect(alone)
        let copy = bytes
        let shared = withExtendedLifetime(copy) { !isUniquelyReferencedBuffer(&bytes) }
        #expect(shared)
        var empty: [UInt8] = []
        let emptyUnique = isUniquelyReferencedBuffer(&empty)
        #expect(!emptyUnique)
    }

    @Test func aColumnKnowsWhetherItsTextIsShared() throws {
        var frame = try Self.corpus()
        let alone = frame.columns[0].textIsUniquelyReferenced()
        #expect(alone)
        let copy = frame
        let shared = withExtendedLifetime(copy) { !frame.columns[0].textIsUniquelyReferenced() }
        #expect(shared)
        #expect(frame.columns[0] == copy.columns[0])
    }

    @Test func anOwnedFrameIsRewrittenToWhatEvaluateGives() throws {
        let expected = try Self.corpus().evaluate(Self.cleaning, as: "text")
        let rewritten = try Self.corpus().rewritingColumns([("text", Self.cleaning)])
        #expect(rewritten.columnNames == ["text", "other"])
        #expect(rewritten.column(named: "text") == expected)
        #expect(rewritten.column(named: "other") == (try Self.corpus()).column(named: "other"))
        #expect(expected[0] == .string("row 0 the quick xcite brown fox  jumps  pt  over 0 dogs"))
    }

    @Test func aSharedFrameIsLeftIntact() throws {
        let original = try Self.corpus()
        let pristine = try Self.corpus()
        let rewritten = try original.rewritingColumns([("text", Self.cleaning)])
        #expect(original == pristine)                     // every byte still readable
        #expect(rewritten.column(named: "text") == (try pristine.evaluate(Self.cleaning, as: "text")))
    }

    @Test func everyExpressionReadsTheFrameAsItWas() throws {
        // `other` is read by both rewrites, so neither may consume it.
        let rewritten = try Self.corpus().rewritingColumns([
            ("text", .upper(.column("other"))),
            ("other", .lower(.column("other"))),
        ])
        #expect(rewritten.column(named: "text")?[13] == .string("OTHER 0 ÄÖ"))
        #expect(rewritten.column(named: "other")?[13] == .string("other 0 äö"))
    }

    @Test func errorsComeBeforeAnyWork() throws {
        #expect(throws: FrameError.self) {
            try Self.corpus().rewritingColumns([("text", .lower(.column("text"))), ("nope", .lower(.column("nope")))])
        }
    }
}
