import Foundation
import LontarTestSupport
import Testing
@testable import LontarFrame

/// The corpus's word counts as PySpark itself counts them (`Tokenizer` then
/// `size`, and `describe()`), so the Table 3 match holds for the real
/// engine, tabs, newlines and doubled spaces included.
@Suite struct GeneratePeerTests {
    static let enabled = TestSupport.peersRequired || TestSupport.peerAvailable(["pyspark"])

    static let script = #"""
    import json, sys
    from pyspark.sql import SparkSession
    from pyspark.ml.feature import Tokenizer
    from pyspark.sql.functions import col, size
    from pyspark.sql.types import LongType, StringType, StructField, StructType
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "1").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    schema = StructType([StructField("id", LongType()), StructField("input", StringType()),
                         StructField("output", StringType())])
    df = spark.createDataFrame([(r["id"], r["input"], r["output"]) for r in rows], schema)
    for c in ["input", "output"]:
        df = Tokenizer(inputCol=c, outputCol=c + "_tokens").transform(df)
        df = df.withColumn(c + "_words", size(col(c + "_tokens")))
    counts = [[r["input_words"], r["output_words"]] for r in df.orderBy("id").collect()]
    described = {r["summary"]: [r["input_words"], r["output_words"]]
                 for r in df.select("input_words", "output_words").describe().collect()}
    print("RESULT " + json.dumps({"counts": counts, "describe": described}))
    spark.stop()
    """#

    @Test(.enabled(if: enabled)) func sparkCountsTheSameWords() throws {
        let frame = try PaperCorpus.generate(rows: 400, seed: 11)
        let input = strings(frame, "input"), output = strings(frame, "output")
        var lines = Data()
        for i in 0 ..< frame.rowCount {
            let row: [String: Any] = ["id": i, "input": input[i], "output": output[i]]
            lines.append(try JSONSerialization.data(withJSONObject: row))
            lines.append(0x0A)
        }
        let result = try TestSupport.runPython(["-c", Self.script], stdin: lines)
        try #require(result.status == 0, "pyspark failed: \(result.stderr.suffix(2000))")
        let line = try #require(result.text.split(separator: "\n").first { $0.hasPrefix("RESULT ") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Any])
        let counts = try #require(json["counts"] as? [[Int]])
        try #require(counts.count == frame.rowCount)
        for i in 0 ..< frame.rowCount {
            #expect(counts[i] == [sparkWordCount(input[i]), sparkWordCount(output[i])], "row \(i)")
        }
        // describe(): count, mean, stddev (sample), min, max — as strings.
        let described = try #require(json["describe"] as? [String: [String]])
        let ours = [Summary(counts.map { $0[0] }), Summary(counts.map { $0[1] })]
        for (k, summary) in ours.enumerated() {
            #expect(Double(described["mean"]?[k] ?? "") .map { abs($0 - summary.mean) < 1e-9 } ?? false)
            #expect(Double(described["stddev"]?[k] ?? "").map { abs($0 - summary.stddev) < 1e-9 } ?? false)
            #expect(described["min"]?[k] == String(summary.min))
            #expect(described["max"]?[k] == String(summary.max))
        }
    }
}
