import Foundation
import LontarFrame
import LontarTestSupport
import Testing

/// The paper's preprocessing on the 23 tricky rows PySpark was run on
/// (../shared/reference/spark): Tokenizer sizes before and after cleaning,
/// and the cleaned text, must match exactly.
@Suite struct SparkEdgeCaseTests {
    static let directory = TestSupport.sharedReference.appendingPathComponent("spark")

    /// Reads a JSONL file of flat objects into a frame (test-only helper; the
    /// real reader lives in LontarFrame's IO).
    static func readJSONL(_ url: URL) throws -> Frame {
        let text = try String(contentsOf: url, encoding: .utf8)
        var ids: [Int64] = [], inputs = StringColumn(), outputs = StringColumn()
        for line in text.split(separator: "\n") where !line.isEmpty {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            ids.append(Int64(try #require(object["id"] as? Int)))
            inputs.append(try #require(object["input"] as? String))
            outputs.append(try #require(object["output"] as? String))
        }
        return try Frame(columns: [
            Column(name: "id", storage: .int64(ids)),
            Column(name: "input", storage: .string(inputs)),
            Column(name: "output", storage: .string(outputs)),
        ])
    }

    /// The cleaning chain of shared/README.md, in PySpark's order.
    static func clean(_ c: ColumnExpression) -> ColumnExpression {
        var e = ColumnExpression.lower(c)
        for (pattern, replacement) in [("@xcite", ""), ("xcite", ""), ("xmath[0-9]+", ""), ("\n", ""),
                                       ("[^a-z0-9\\s]", ""), ("\\s+", " ")] {
            e = .regexpReplace(e, pattern: pattern, replacement: replacement)
        }
        return .trim(e)
    }

    @Test func tokenizerCountsAndCleanedRowsMatchPySpark() throws {
        let frame = try Self.readJSONL(Self.directory.appendingPathComponent("edge_cases.jsonl"))
        #expect(frame.count() == 23)
        let cleaned = try frame
            .withColumn("in_before", .size(.tokenize(.col("input"))))
            .withColumn("out_before", .size(.tokenize(.col("output"))))
            .withColumn("input", Self.clean(.col("input")))
            .withColumn("output", Self.clean(.col("output")))
            .withColumn("in_after", .size(.tokenize(.col("input"))))
            .withColumn("out_after", .size(.tokenize(.col("output"))))

        let csv = try String(contentsOf: Self.directory.appendingPathComponent("edge_cases.expected_counts.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").dropFirst()
        #expect(lines.count == 23)
        for line in lines {
            let f = line.split(separator: ",").map { Int64($0)! }
            let row = Int(f[0])
            #expect(cleaned.value("id", row) == .int(f[0]))
            for (k, name) in ["in_before", "out_before", "in_after", "out_after"].enumerated() {
                #expect(cleaned.value(name, row) == .int(f[k + 1]), "row \(row) \(name)")
            }
        }

        let expected = try Self.readJSONL(Self.directory.appendingPathComponent("edge_cases.expected_clean.jsonl"))
        for row in 0 ..< 23 {
            #expect(cleaned.value("input", row) == expected.value("input", row), "row \(row) input")
            #expect(cleaned.value("output", row) == expected.value("output", row), "row \(row) output")
        }
    }

    /// Materialised tokens agree with the fast count path on every row.
    @Test func tokensAgreeWithCounts() throws {
        let frame = try Self.readJSONL(Self.directory.appendingPathComponent("edge_cases.jsonl"))
        let t = try frame.withColumn("tokens", .tokenize(.col("output")))
            .withColumn("n", .size(.tokenize(.col("output"))))
            .withColumn("m", .size(.col("tokens")))
        for row in 0 ..< t.count() { #expect(t.value("n", row) == t.value("m", row)) }
        // "a\tb" → ["a", "b"]; "  a" → ["", "", "a"]; " " → []; "" → [""]
        #expect(t.value("tokens", 6) == .list([.string("a"), .string("b")]))
        let inputs = try frame.withColumn("tokens", .tokenize(.col("input")))
        #expect(inputs.value("tokens", 4) == .list([.string(""), .string(""), .string("a")]))
        #expect(inputs.value("tokens", 1) == .list([]))
        #expect(inputs.value("tokens", 0) == .list([.string("")]))
        #expect(inputs.value("tokens", 12) == .list([.string("i\u{307}stanbul")]))
    }
}

extension Frame {
    /// Cell (`column`, `row`) as a scalar; `.null` with a recorded issue if the column is missing.
    func value(_ column: String, _ row: Int) -> Scalar {
        guard let c = self.column(named: column) else {
            Issue.record("no column \(column)")
            return .null
        }
        return c[row]
    }
}
