import Foundation
import Testing
import LontarFrame
import LontarTestSupport

/// Lontar's JSON Lines and CSV readers against PySpark on edge-case files:
/// the same columns, types and values.
@Suite("IO readers against PySpark")
struct IOSparkPeerTests {
    static let sparkUsable = TestSupport.peersRequired || TestSupport.peerAvailable(["pyspark"])

    static let jsonLines = #"""
    {"id": 1, "input": "plain", "num": 1, "mixed": 1.50, "nested": {"z" : [1, 2.50, "\u00e9"] }, "flag": true, "nulls": null}
    {"id": 2, "input": "esc \" \\ \/ \b\f\n\r\t \u00e9\u4e2d \ud83d\ude00 lone \ud800 x", "num": 2.5, "mixed": "s", "nested": "text", "flag": false}
    {"id": 3, "input": "", "num": -0, "mixed": -0, "nested": [1, {"a": null}], "extra": "only here", "nulls": null}

    {"id": 4, "num": 1e400, "mixed": true, "nested": null, "flag": null, "input": "é ü 中文 😀"}
    {"id": 5, "num": NaN, "mixed": {"k": "v"}, "input": "tab\tend"}
    {"id": 6, "num": -Infinity, "mixed": 12345, "input": "\u0000\u001f"}
    {"id": 7, "num": 0.1, "mixed": 1E2, "input": "last"}

    """#

    static let csv = #"""
    id,text,n,d,flag,mixed,ws,big,empty,Dup,dup
    1,plain,7,1.5,true,1,5,9223372036854775807,,a,b
    2,"quoted, comma",-3,.5,FALSE,true, 6 ,1,,c,d
    3,"say ""hi""",007,1e3,,x,,2,,e,f
    4,"multi
    line",,2d,TRUE,2.5, 7,3,,g,h

    5,,8,NaN,false,,8 ,4,,i,j
    6,"",9,-Inf,true,z,9,-9223372036854775808,,k,l
    7,é 中 😀,+10,Infinity,true,007,1e1,5,,m,n

    """#

    @Test(.enabled(if: sparkUsable, "pyspark is not installed (LONTAR_REQUIRE_PEERS=1 makes this a failure)"))
    func readersMatchSpark() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let jsonURL = dir.appendingPathComponent("edge.jsonl")
        let csvURL = dir.appendingPathComponent("edge.csv")
        try Data(Self.jsonLines.utf8).write(to: jsonURL)
        try Data(Self.csv.utf8).write(to: csvURL)
        let out = dir.appendingPathComponent("spark.json")
        let script = TestSupport.oracles.appendingPathComponent("spark_read_oracle.py").path
        let run = try TestSupport.runPython([script, out.path, "json", jsonURL.path, "csv", csvURL.path])
        try #require(run.status == 0, "spark oracle failed: \(run.stderr.suffix(2000))")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [[String: Any]])
        try #require(results.count == 2)
        for (result, url) in zip(results, [jsonURL, csvURL]) {
            let (frame, _) = try FrameReader.read(url: url)
            try compare(frame, toSpark: result, file: url.lastPathComponent)
        }
    }

    private func compare(_ frame: Frame, toSpark result: [String: Any], file: String) throws {
        let schema = try #require(result["schema"] as? [[String: String]])
        let rows = try #require(result["rows"] as? [[Any]])
        // Spark sorts JSON columns by name; Lontar keeps first appearance. Compare by name.
        #expect(Set(frame.columnNames) == Set(schema.map { $0["name"]! }), "\(file) columns")
        #expect(frame.rowCount == rows.count, "\(file) rows")
        for (c, field) in schema.enumerated() {
            let name = field["name"]!
            guard let column = frame.column(named: name) else { continue }
            #expect(column.type.rawValue == field["type"], "\(file) column \(name) type")
            for (r, row) in rows.enumerated() where r < column.count {
                let expected = Self.normalize(row[c])
                #expect(Self.tag(column[r]) == expected, "\(file) column \(name) row \(r)")
            }
        }
    }

    /// An oracle cell with its double (if any) re-spelled the way `tag` spells
    /// doubles, so values compare by number rather than by text layout.
    static func normalize(_ cell: Any?) -> String? {
        guard let text = cell as? String else { return nil }
        guard text.hasPrefix("d:") else { return text }
        let body = text.dropFirst(2)
        switch body {
        case "NaN", "Infinity", "-Infinity": return text
        default: return Double(body).map { tag(.double($0)) ?? "" } ?? text
        }
    }

    /// The oracle's cell encoding.
    static func tag(_ s: Scalar) -> String? {
        switch s {
        case .null: return nil
        case .int(let v): return "i:\(v)"
        case .double(let v): return "d:" + (v.isNaN ? "NaN" : v.isInfinite ? (v > 0 ? "Infinity" : "-Infinity") : v.description)
        case .bool(let v): return "b:\(v)"
        case .string(let v): return "s:" + v
        case .list(let v): return "list:\(v)"
        }
    }
}
