import Foundation
import Testing
import LontarFrame
import LontarTestSupport

@Suite("CSV reader")
struct IOCSVTests {
    @Test func infersTypesLikeSpark() throws {
        let text = """
        a,b,c,d,e,f,g
        1,x,1.5,true,,007,TRUE
        ,"",2,FALSE, 5,8,1
        007,,1e3,, 7 ,-9,false

        """
        let (frame, report) = try IOTest.read("t.csv", text)
        #expect(report.rowsRead == 3)
        #expect(frame.columns.map(\.type) == [.int64, .string, .double, .bool, .double, .int64, .string])
        #expect(IOTest.values(frame, "a") == [.int(1), .null, .int(7)])
        // Empty fields are null, quoted or not (Spark's nullValue is "").
        #expect(IOTest.values(frame, "b") == [.string("x"), .null, .null])
        #expect(IOTest.values(frame, "c") == [.double(1.5), .double(2), .double(1000)])
        #expect(IOTest.values(frame, "d") == [.bool(true), .bool(false), .null])
        // Java's Double.parseDouble ignores surrounding spaces; Long.parseLong does not.
        #expect(IOTest.values(frame, "e") == [.null, .double(5), .double(7)])
        #expect(IOTest.values(frame, "f") == [.int(7), .int(8), .int(-9)])
        // Booleans and integers together are strings, with the text as written.
        #expect(IOTest.values(frame, "g") == [.string("TRUE"), .string("1"), .string("false")])
    }

    @Test(arguments: [
        ("1.", 1.0), (".5", 0.5), ("2d", 2.0), ("2.5F", 2.5), ("-1E-2", -0.01), ("+3", 3.0),
        ("NaN", Double.nan), ("Inf", Double.infinity), ("-Inf", -Double.infinity),
        ("Infinity", Double.infinity), ("-Infinity", -Double.infinity), ("9223372036854775808", 9223372036854775808.0),
        ("0.1000000000000000055511151231257827", 0.1), ("1e-320", 1e-320),
    ])
    func javaDoubleSyntax(text: String, value: Double) throws {
        let (frame, _) = try IOTest.read("t.csv", "x\n\(text)\n1.5\n")
        let got = IOTest.values(frame, "x").first
        #expect(frame.column(named: "x")?.type == .double)
        if value.isNaN {
            if case .double(let v) = got { #expect(v.isNaN) } else { Issue.record("\(String(describing: got))") }
        } else {
            #expect(got == .double(value))
        }
    }

    @Test(arguments: ["+Inf", "0x10", "1e", "e5", "--1", "1.5.2", "1,5", "inf", "nan", "1 2"])
    func notNumbers(text: String) throws {
        let quoted = text.contains(",") ? "\"\(text)\"" : text
        let (frame, _) = try IOTest.read("t.csv", "x\n\(quoted)\n1.5\n")
        #expect(frame.column(named: "x")?.type == .string)
        #expect(IOTest.values(frame, "x").first == .string(text))
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let text = "id,text,n\r\n1,\"a, b\",1\r\n2,\"say \"\"hi\"\"\",2\r\n3,\"two\r\nlines\n\",3\r\n4,5'10\",4\r\n5,\"\",\r\n"
        let (frame, _) = try IOTest.read("t.csv", text)
        #expect(IOTest.values(frame, "text") == [.string("a, b"), .string("say \"hi\""), .string("two\r\nlines\n"),
                                                .string("5'10\""), .null])
        #expect(IOTest.values(frame, "n") == [.int(1), .int(2), .int(3), .int(4), .null])
    }

    @Test func headerNamesFollowSpark() throws {
        let (frame, _) = try IOTest.read("t.csv", "a,,A,b,\"\"\n1,2,3,4,5\n")
        #expect(frame.columnNames == ["a0", "_c1", "A2", "b", "_c4"])
        let (clash, _) = try IOTest.read("t.csv", "a,a,a0\n1,2,3\n")
        #expect(clash.columnNames == ["a0", "a1", "a0_2"])
        #expect(IOTest.values(clash, "a0_2") == [.int(3)])
    }

    @Test func byteOrderMarkBlankLinesAndNoFinalNewline() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\n\nname,n\n\nx,1\r\n\r\ny,2".utf8)
        let (frame, _) = try FrameReader.read(url: IOTest.file("t.csv", bytes: bytes))
        #expect(frame.columnNames == ["name", "n"])
        #expect(IOTest.values(frame, "name") == [.string("x"), .string("y")])
        #expect(IOTest.values(frame, "n") == [.int(1), .int(2)])
    }

    @Test func headerOnlyAndEmptyFiles() throws {
        let (header, _) = try IOTest.read("t.csv", "a,b\n")
        #expect(header.columnNames == ["a", "b"] && header.rowCount == 0)
        #expect(header.column(named: "a")?.type == .string)
        let (empty, _) = try IOTest.read("t.csv", "")
        #expect(empty.columns.isEmpty)
        let (trailing, _) = try IOTest.read("t.csv", "a,b,c\n1,2,\n")
        #expect(IOTest.values(trailing, "c") == [.null])
    }

    @Test func errorsGiveLineFieldAndByte() throws {
        let tooMany = try #require(IOTest.readError("t.csv", "a,b\n1,2\n3,4,5\n"))
        #expect(tooMany.position == FilePosition(line: 3, column: 3, byteOffset: 12))
        #expect(tooMany.message == "record has 3 fields, but the header has 2")
        let tooFew = try #require(IOTest.readError("t.csv", "a,b\n1,2\n\"multi\nline\"\n"))
        #expect(tooFew.position == FilePosition(line: 3, column: nil, byteOffset: 8))
        #expect(tooFew.message == "record has 1 field, but the header has 2")
        let afterQuote = try #require(IOTest.readError("t.csv", "a,b\n1,\"x\"y\n"))
        #expect(afterQuote.position == FilePosition(line: 2, column: 2, byteOffset: 9))
        #expect(afterQuote.message.hasPrefix("unexpected 'y' after the closing quote of field 2"))
        let unterminated = try #require(IOTest.readError("t.csv", "a,b\n1,2\n3,\"open\n4,5\n"))
        #expect(unterminated.position == FilePosition(line: 3, column: 2, byteOffset: 10))
        #expect(unterminated.message.hasPrefix("unterminated quoted field"))
        let badHeader = try #require(IOTest.readError("t.csv", "a,\"b\n"))
        #expect(badHeader.message.hasPrefix("in the header: unterminated"))
        let utf8 = try #require(try { () -> FileError? in
            let url = try IOTest.file("t.csv", bytes: Array("a,b\nx,\"ok".utf8) + [0xFF] + Array("\"\n".utf8))
            do { _ = try FrameReader.read(url: url); return nil } catch let e as FileError { return e }
        }())
        #expect(utf8.position == FilePosition(line: 2, column: 2, byteOffset: 9))
        #expect(utf8.message.contains("invalid UTF-8"))
    }

    @Test func skipModeAcrossBlocksAndThreads() throws {
        var text = "id,text\n"
        var line = 2
        var badLines: [Int] = []
        for i in 0 ..< 600 {
            if i % 50 == 7 {
                text += "\(i),\"bad\"x,\n"
                badLines.append(line)
                line += 1
            } else if i % 3 == 0 {
                text += "\(i),\"multi\nline, \"\"quoted\"\"\"\n"
                line += 2
            } else {
                text += "\(i),plain \(i)\n"
                line += 1
            }
        }
        let options = ReadOptions(onError: .skip, threads: 4, blockSize: 1024)
        let (frame, report) = try IOTest.read("t.csv", text, options)
        #expect(report.rowsSkipped == badLines.count)
        #expect(report.issues.map { $0.position.line } == badLines)
        #expect(frame.rowCount == 600 - badLines.count)
        let (single, _) = try IOTest.read("t.csv", text, ReadOptions(onError: .skip, threads: 1))
        #expect(frame == single)
        #expect(IOTest.values(frame, "text")[0] == .string("multi\nline, \"quoted\""))
        let failing = try #require(IOTest.readError("t.csv", text, ReadOptions(threads: 4, blockSize: 1024)))
        #expect(failing.position.line == badLines[0])
    }

    @Test func randomFilesParseTheSameOnAnyNumberOfThreads() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "b", ",", "\"", "\n", "\r\n", " ", "é", "1", "2.5", "x\"y"]
        var text = "c1,c2,c3\n"
        var expected: [[String]] = []
        for _ in 0 ..< 400 {
            var row: [String] = []
            for _ in 0 ..< 3 {
                let s = (0 ..< Int.random(in: 1 ... 6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
                row.append(s)
            }
            expected.append(row)
            text += row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\n"
        }
        let (one, _) = try IOTest.read("t.csv", text, ReadOptions(threads: 1))
        let (many, _) = try IOTest.read("t.csv", text, ReadOptions(threads: 3, blockSize: 1024))
        #expect(one == many)
        #expect(one.rowCount == 400)
        for (c, name) in ["c1", "c2", "c3"].enumerated() where one.column(named: name)?.type == .string {
            #expect(IOTest.values(one, name) == expected.map { .string($0[c]) })
        }
    }

    @Test func selectAndLimit() throws {
        var text = "id,input,output\n"
        for i in 0 ..< 1000 { text += "\(i),in \(i),out \(i)\n" }
        let (frame, _) = try IOTest.read("t.csv", text, ReadOptions(columns: ["output", "id"], limit: 10, blockSize: 1024))
        #expect(frame.columnNames == ["output", "id"])
        #expect(IOTest.values(frame, "id") == (0 ..< 10).map { .int(Int64($0)) })
        let e = try #require(IOTest.readError("t.csv", text, ReadOptions(columns: ["nope"])))
        #expect(e.message == "no column 'nope' in the file; it has: id, input, output")
    }
}
