import Foundation
import Testing
import LontarFrame
import LontarTestSupport

@Suite("JSON Lines reader")
struct IOJSONLinesTests {
    @Test func readsTypesNullsAndMissingKeysInFirstAppearanceOrder() throws {
        let text = """
        {"id": 1, "input": "a", "score": 0.5, "ok": true}
        {"id": 2, "input": null, "ok": false, "extra": "x"}
        {"input": "c", "id": 3, "score": 2}

        """
        let (frame, report) = try IOTest.read("t.jsonl", text)
        #expect(frame.columnNames == ["id", "input", "score", "ok", "extra"])
        #expect(frame.rowCount == 3)
        #expect(report.rowsRead == 3 && report.rowsSkipped == 0)
        #expect(frame.column(named: "id")?.type == .int64)
        #expect(IOTest.values(frame, "id") == [.int(1), .int(2), .int(3)])
        #expect(IOTest.values(frame, "input") == [.string("a"), .null, .string("c")])
        // An integer in a double column widens (Spark: long ∪ double = double).
        #expect(frame.column(named: "score")?.type == .double)
        #expect(IOTest.values(frame, "score") == [.double(0.5), .null, .double(2)])
        #expect(IOTest.values(frame, "ok") == [.bool(true), .bool(false), .null])
        #expect(IOTest.values(frame, "extra") == [.null, .string("x"), .null])
        #expect(frame.column(named: "id")?.valid == nil)  // no nulls: no mask
    }

    @Test func decodesEveryEscape() throws {
        let text = #"{"s": "q\" b\\ s\/ \b\f\n\r\t \u00e9\u4e2d \ud83d\ude00 é"}"# + "\n"
        let (frame, report) = try IOTest.read("t.jsonl", text)
        #expect(IOTest.values(frame, "s") == [.string("q\" b\\ s/ \u{8}\u{c}\n\r\t é中 😀 é")])
        #expect(report.loneSurrogates == 0)
    }

    @Test func loneSurrogatesBecomeQuestionMarksLikeSpark() throws {
        let text = #"""
        {"s": "a\ud800b"}
        {"s": "\udc00"}
        {"s": "\ud800\u0041"}
        {"s": "x\ud83d"}
        {"s": "\ud83d\ud83d\ude00"}

        """#
        let (frame, report) = try IOTest.read("t.jsonl", text)
        #expect(IOTest.values(frame, "s") == [.string("a?b"), .string("?"), .string("?A"), .string("x?"), .string("?😀")])
        #expect(report.loneSurrogates == 5)
    }

    @Test func numbers() throws {
        let text = """
        {"i": 0, "j": -0, "big": 9223372036854775807, "small": -9223372036854775808, "over": 9223372036854775808, "e": 1E2, "f": -0.0, "inf": 1e400, "nan": NaN, "pinf": Infinity, "ninf": -Infinity, "frac": 0.000123, "long": 3.14159265358979323846264338327950288}

        """
        let (frame, _) = try IOTest.read("t.jsonl", text)
        #expect(IOTest.values(frame, "i") == [.int(0)])
        #expect(IOTest.values(frame, "j") == [.int(0)])
        #expect(IOTest.values(frame, "big") == [.int(.max)])
        #expect(IOTest.values(frame, "small") == [.int(.min)])
        #expect(IOTest.values(frame, "over") == [.double(9223372036854775808.0)])
        #expect(IOTest.values(frame, "e") == [.double(100)])
        let f = IOTest.values(frame, "f")
        if case .double(let v) = f.first { #expect(v == 0 && v.sign == .minus) } else { Issue.record("f: \(f)") }
        #expect(IOTest.values(frame, "inf") == [.double(.infinity)])
        if case .double(let v) = IOTest.values(frame, "nan").first { #expect(v.isNaN) } else { Issue.record("nan") }
        #expect(IOTest.values(frame, "pinf") == [.double(.infinity)])
        #expect(IOTest.values(frame, "ninf") == [.double(-.infinity)])
        #expect(IOTest.values(frame, "frac") == [.double(0.000123)])
        #expect(IOTest.values(frame, "long") == [.double(3.141592653589793)])
    }

    @Test func doublesParseToTheNearestValue() throws {
        // Hard cases for decimal → binary: halfway points, subnormals, 17+ digits.
        let cases = ["2.2250738585072011e-308", "4.9406564584124654e-324", "1.7976931348623157e308",
                     "9007199254740993", "0.1", "0.30000000000000004", "123456789012345678901234567890",
                     "7.2057594037927933e16", "1e-7", "5e-324", "2.4703282292062328e-324", "8.98846567431158e307"]
        let text = cases.map { "{\"d\": \($0)}" }.joined(separator: "\n")
        let (frame, _) = try IOTest.read("t.jsonl", text)
        let expected = cases.map { Scalar.double(Double($0)!) }
        #expect(IOTest.values(frame, "d") == expected)
    }

    @Test func mixedTypesBecomeStringsHoldingTheJSONText() throws {
        let text = """
        {"a": 1, "b": 1.50, "c": true, "d": {"z" : [1, 2.50, "\\u00e9"] }, "e": -0, "f": [1, 2]}
        {"a": "x", "b": "y", "c": 3, "d": "s", "e": "t", "f": null}

        """
        let (frame, _) = try IOTest.read("t.jsonl", text)
        for name in ["a", "b", "c", "d", "e", "f"] { #expect(frame.column(named: name)?.type == .string) }
        #expect(IOTest.values(frame, "a") == [.string("1"), .string("x")])
        #expect(IOTest.values(frame, "b") == [.string("1.50"), .string("y")])
        #expect(IOTest.values(frame, "c") == [.string("true"), .string("3")])
        #expect(IOTest.values(frame, "d") == [.string(#"{"z" : [1, 2.50, "\u00e9"] }"#), .string("s")])
        #expect(IOTest.values(frame, "e") == [.string("-0"), .string("t")])
        #expect(IOTest.values(frame, "f") == [.string("[1, 2]"), .null])
    }

    @Test func wideningGivesTheSameResultWhicheverBlockSeesAValueFirst() throws {
        // Types widen across blocks parsed on different threads; the text of
        // earlier numbers must survive the widening exactly.
        var lines: [String] = []
        for i in 0 ..< 400 { lines.append(#"{"n": \#(i % 3 == 0 ? "-0" : "\(i)"), "d": \#(i).250, "m": \#(i)}"#) }
        lines.append(#"{"n": "text", "d": "text", "m": 0.5}"#)
        let text = lines.joined(separator: "\n")
        let small = ReadOptions(threads: 3, blockSize: 1024)
        let (a, _) = try IOTest.read("t.jsonl", text, small)
        let (b, _) = try IOTest.read("t.jsonl", text, ReadOptions(threads: 1))
        #expect(a == b)
        #expect(a.column(named: "n")?.type == .string)
        #expect(IOTest.values(a, "n")[0] == .string("-0"))
        #expect(IOTest.values(a, "n")[1] == .string("1"))
        #expect(IOTest.values(a, "d")[7] == .string("7.250"))
        #expect(a.column(named: "m")?.type == .double)
        #expect(IOTest.values(a, "m")[399] == .double(399))
    }

    @Test func onlyNullColumnsAreStringColumnsOfNulls() throws {
        let (frame, _) = try IOTest.read("t.jsonl", "{\"a\": null}\n{\"a\": null}\n")
        let a = try #require(frame.column(named: "a"))
        #expect(a.type == .string)
        #expect(a.valid == [false, false])
    }

    @Test func blankLinesCRLFByteOrderMarkAndNoFinalNewline() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}\r\n\r\n   \n{\"a\": 2}\r\n{\"a\": 3}".utf8)
        let url = try IOTest.file("t.jsonl", bytes: bytes)
        let (frame, _) = try FrameReader.read(url: url)
        #expect(IOTest.values(frame, "a") == [.int(1), .int(2), .int(3)])
    }

    @Test func emptyFileAndEmptyObjects() throws {
        let (empty, _) = try IOTest.read("t.jsonl", "")
        #expect(empty.rowCount == 0 && empty.columns.isEmpty)
        let (objects, _) = try IOTest.read("t.jsonl", "{}\n{\"a\":1}\n{ }\n")
        #expect(IOTest.values(objects, "a") == [.null, .int(1), .null])
    }

    @Test func malformedRecordsReportFileLineColumnAndByte() throws {
        let text = "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3, \"b\": tru}\n"
        let e = try #require(IOTest.readError("bad.jsonl", text))
        #expect(e.position == FilePosition(line: 3, column: 15, byteOffset: 18 + 14))
        #expect(e.message.contains("expected a value"))
        #expect(e.description.hasSuffix("bad.jsonl:3:15: expected a value (string, number, object, array, true, false or null), found 't' (byte 32)"))
        // Columns count characters, not bytes.
        let e2 = try #require(IOTest.readError("bad.jsonl", "{\"é\": \"ü\" x}\n"))
        #expect(e2.position == FilePosition(line: 1, column: 11, byteOffset: 12))
    }

    @Test(arguments: [
        ("[1, 2]", 1, "expected '{' to start a record"),
        ("7", 1, "expected '{' to start a record"),
        (#"{"a": 1} x"#, 10, "after the record's closing '}'"),
        (#"{"a": 1, "a": 2}"#, 10, "duplicate key \"a\""),
        (#"{"a": 01}"#, 7, "leading zeros"),
        (#"{"a": 1.}"#, 9, "after the decimal point"),
        (#"{"a": "x"#, 7, "unterminated string"),
        (#"{"a": "\x"}"#, 8, "invalid escape \\x"),
        (#"{"a": "\u12"}"#, 8, "four hex digits"),
        ("{\"a\": \"\u{1}\"}", 8, "control character U+0001"),
        (#"{"a" 1}"#, 6, "expected ':' after a key"),
        (#"{"a": 1"#, 8, "expected ',' or '}' after a value, but the line ended"),
        (#"{a: 1}"#, 2, "expected '\"' to start a key"),
        (#"{"a": [1, 2}"#, 12, "expected ',' or ']'"),
        (#"{"a": nul}"#, 7, "expected a value"),
    ])
    func malformedRecordMessages(line: String, column: Int, message: String) throws {
        let e = try #require(IOTest.readError("bad.jsonl", "{\"ok\": 1}\n" + line + "\n"))
        #expect(e.position.line == 2)
        #expect(e.position.column == column)
        #expect(e.position.byteOffset == 10 + column - 1)
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test func invalidUTF8IsAnError() throws {
        let bytes = Array("{\"a\": 1}\n{\"a\": \"ab".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)
        let url = try IOTest.file("t.jsonl", bytes: bytes)
        #expect(throws: FileError.self) { try FrameReader.read(url: url) }
        do { _ = try FrameReader.read(url: url) } catch let e as FileError {
            #expect(e.position == FilePosition(line: 2, column: 10, byteOffset: 18))
            #expect(e.message.contains("invalid UTF-8"))
        }
    }

    @Test func skipModeDropsMalformedRecordsAndCountsThem() throws {
        // Spread records over many small blocks and threads: positions must
        // still be the file's, and dropped records must leave no trace.
        var lines: [String] = []
        var bad: [Int] = []
        for i in 1 ... 500 {
            if i % 37 == 0 {
                lines.append(#"{"a": \#(i), "never": "seen", "b": }"#)
                bad.append(i)
            } else {
                lines.append(#"{"a": \#(i), "b": "row \#(i)"}"#)
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        let options = ReadOptions(onError: .skip, threads: 4, blockSize: 1024, maxReportedIssues: 5)
        let (frame, report) = try IOTest.read("t.jsonl", text, options)
        #expect(report.rowsSkipped == bad.count)
        #expect(report.rowsRead == 500 - bad.count)
        #expect(frame.columnNames == ["a", "b"])  // "never" came only from dropped records
        #expect(report.issues.count == 5)
        #expect(report.issues.map { $0.position.line } == Array(bad.prefix(5)))
        let firstBad = bad[0]
        let offset = lines[0 ..< firstBad - 1].reduce(0) { $0 + $1.utf8.count + 1 }
        #expect(report.issues[0].position.byteOffset == offset + 32)
        #expect(report.issues[0].position.column == 33)
        #expect(IOTest.values(frame, "a").count == frame.rowCount)
        #expect(!IOTest.values(frame, "a").contains(.int(37)))
        // In fail mode the same file stops at the first bad line.
        let e = try #require(IOTest.readError("t.jsonl", text, ReadOptions(threads: 4, blockSize: 1024)))
        #expect(e.position.line == 37)
    }

    @Test func aMalformedRecordDoesNotWidenTypes() throws {
        let text = "{\"a\": 1}\n{\"a\": \"text\", oops}\n{\"a\": 2}\n"
        let (frame, report) = try IOTest.read("t.jsonl", text, ReadOptions(onError: .skip))
        #expect(frame.column(named: "a")?.type == .int64)
        #expect(report.rowsSkipped == 1)
    }

    @Test func selectsColumnsAndLimitsRows() throws {
        var text = ""
        for i in 0 ..< 1000 { text += #"{"id": \#(i), "input": "in \#(i)", "output": "out \#(i)"}"# + "\n" }
        let options = ReadOptions(columns: ["output", "id"], limit: 250, threads: 2, blockSize: 2048)
        let (frame, report) = try IOTest.read("t.jsonl", text, options)
        #expect(frame.columnNames == ["output", "id"])
        #expect(frame.rowCount == 250 && report.rowsRead == 250)
        #expect(IOTest.values(frame, "id").last == .int(249))
        #expect(IOTest.values(frame, "output")[100] == .string("out 100"))
        let e = try #require(IOTest.readError("t.jsonl", text, ReadOptions(columns: ["inptu"])))
        #expect(e.kind == .usage)
        #expect(e.message == "no column 'inptu' in the file; it has: id, input, output")
        // A malformed value in a column that is not selected is still an error.
        let e2 = try #require(IOTest.readError("t.jsonl", "{\"a\": 1, \"b\": [1,}\n", ReadOptions(columns: ["a"])))
        #expect(e2.position.line == 1)
    }

    @Test func linesLongerThanABlockAndManyThreadsGiveTheSameFrame() throws {
        var text = ""
        var rng = SystemRandomNumberGenerator()
        for i in 0 ..< 300 {
            let len = i == 150 ? 50_000 : Int.random(in: 0 ..< 300, using: &rng)
            let s = String((0 ..< len).map { _ in "abcé\\n\"𝄞 ".randomElement(using: &rng)! })
                .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            text += #"{"i": \#(i), "s": "\#(s)", "x": \#(Double(i) / 7)}"# + "\n"
        }
        let (one, _) = try IOTest.read("t.jsonl", text, ReadOptions(threads: 1))
        let (many, _) = try IOTest.read("t.jsonl", text, ReadOptions(threads: 5, blockSize: 1024))
        #expect(one.rowCount == 300)
        #expect(one == many)
        #expect(IOTest.values(one, "i")[299] == .int(299))
    }

    @Test func formatFromExtension() throws {
        #expect(try FileFormat.infer(from: URL(fileURLWithPath: "a.JSONL")) == .jsonLines)
        #expect(try FileFormat.infer(from: URL(fileURLWithPath: "a.json")) == .jsonLines)
        #expect(try FileFormat.infer(from: URL(fileURLWithPath: "a.csv")) == .csv)
        #expect(try FileFormat.infer(from: URL(fileURLWithPath: "a.parquet")) == .parquet)
        #expect(throws: FileError.self) { try FileFormat.infer(from: URL(fileURLWithPath: "a.jsonl.gz")) }
        #expect(throws: FileError.self) { try FileFormat.infer(from: URL(fileURLWithPath: "a.txt")) }
        let missing = URL(fileURLWithPath: "/nonexistent/dir/x.jsonl")
        do {
            _ = try FrameReader.read(url: missing)
            Issue.record("read a missing file")
        } catch let e as FileError {
            #expect(e.kind == .io)
            #expect(e.description.hasPrefix("/nonexistent/dir/x.jsonl: cannot open"))
        }
    }
}
