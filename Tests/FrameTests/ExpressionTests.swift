import Foundation
@testable import LontarFrame
import Testing

/// Helpers to build small frames in tests.
enum Frames {
    static func ints(_ name: String, _ values: [Int64?]) -> Column {
        Column(name: name, storage: .int64(values.map { $0 ?? 0 }), valid: values.contains(nil) ? values.map { $0 != nil } : nil)
    }
    static func doubles(_ name: String, _ values: [Double?]) -> Column {
        Column(name: name, storage: .double(values.map { $0 ?? 0 }), valid: values.contains(nil) ? values.map { $0 != nil } : nil)
    }
    static func bools(_ name: String, _ values: [Bool?]) -> Column {
        Column(name: name, storage: .bool(values.map { $0 ?? false }), valid: values.contains(nil) ? values.map { $0 != nil } : nil)
    }
    static func strings(_ name: String, _ values: [String?]) -> Column {
        Column(name: name, storage: .string(StringColumn(values.map { $0 ?? "" })),
               valid: values.contains(nil) ? values.map { $0 != nil } : nil)
    }
    static func frame(_ columns: Column...) throws -> Frame { try Frame(columns: columns) }
}

extension Column {
    var scalars: [Scalar] { (0 ..< count).map { self[$0] } }
}

/// Values below were observed in PySpark 4.3 (ANSI mode, the default).
@Suite struct ExpressionTests {
    let frame: Frame

    init() throws {
        frame = try Frames.frame(
            Frames.ints("i", [7, -7, nil, 5]),
            Frames.doubles("d", [7.5, -7.5, 2.5, .nan]),
            Frames.strings("s", ["a  b ", " x\u{A0}", nil, "İK"]),
            Frames.bools("b", [true, false, nil, true]))
    }

    func eval(_ e: ColumnExpression) throws -> [Scalar] { try frame.evaluate(e).scalars }

    @Test func arithmetic() throws {
        #expect(try eval(.col("i") % .lit(3)) == [.int(1), .int(-1), .null, .int(2)])
        #expect(try eval(.col("i") % .lit(-3)) == [.int(1), .int(-1), .null, .int(2)])
        #expect(try eval(.col("i") / .lit(2)) == [.double(3.5), .double(-3.5), .null, .double(2.5)])
        #expect(try eval(.col("d") % .lit(2)) .prefix(2) == [.double(1.5), .double(-1.5)])
        #expect(try eval(.col("i") * .col("d")).prefix(2) == [.double(52.5), .double(52.5)])
        #expect(try eval(-.col("i")) == [.int(-7), .int(7), .null, .int(-5)])
        #expect(try eval(.col("i") + .literal(.null)) == [.null, .null, .null, .null])
    }

    @Test func ansiErrors() throws {
        #expect(throws: FrameError.divideByZero(expression: "(i / 0)", row: 0)) { try eval(.col("i") / .lit(0)) }
        #expect(throws: FrameError.divideByZero(expression: "(d % 0.0)", row: 0)) { try eval(.col("d") % .lit(0.0)) }
        #expect(throws: FrameError.overflow(expression: "(i + 9223372036854775807)", row: 0)) {
            try eval(.col("i") + .lit(Int64.max))
        }
        #expect(throws: FrameError.overflow(expression: "abs(-9223372036854775808)", row: 0)) { try eval(.abs(.lit(Int64.min))) }
        // A null row never fails.
        let nullRow = try frame.filter(.isNull(.col("i")))
        #expect(try nullRow.evaluate(.col("i") / .lit(0)).scalars == [.null])
    }

    @Test func comparisonsAndLogic() throws {
        #expect(try eval(.col("d").greaterThan(.lit(100.0))) == [.bool(false), .bool(false), .bool(false), .bool(true)])  // NaN is largest
        #expect(try eval(.col("d").equals(.lit(Double.nan))) == [.bool(false), .bool(false), .bool(false), .bool(true)])
        #expect(try eval(.col("i").equals(.lit(7.0))) == [.bool(true), .bool(false), .null, .bool(false)])
        #expect(try eval(.literal(.double(-0.0)).equals(.lit(0.0))) == Array(repeating: .bool(true), count: 4))
        #expect(try eval(.lit("é").greaterThan(.lit("z"))) == Array(repeating: .bool(true), count: 4))
        #expect(try eval(.comparison(.nullSafeEqual, .col("i"), .literal(.null))) == [.bool(false), .bool(false), .bool(true), .bool(false)])
        // Kleene logic: false AND null = false, true OR null = true.
        #expect(try eval(.col("b") && .literal(.null)) == [.null, .bool(false), .null, .null])
        #expect(try eval(.col("b") || .literal(.null)) == [.bool(true), .null, .null, .bool(true)])
        #expect(try eval(!.col("b")) == [.bool(false), .bool(true), .null, .bool(false)])
        #expect(try eval(.isNull(.col("s"))) == [.bool(false), .bool(false), .bool(true), .bool(false)])
    }

    @Test func stringFunctions() throws {
        #expect(try eval(.trim(.col("s"))) == [.string("a  b"), .string("x\u{A0}"), .null, .string("İK")])
        #expect(try eval(.ltrim(.col("s"))).first == .string("a  b "))
        #expect(try eval(.rtrim(.lit("  a  "))).first == .string("  a"))
        #expect(try eval(.length(.col("s"))) == [.int(5), .int(3), .null, .int(2)])
        #expect(try eval(.length(.lit("𝔼x"))).first == .int(2))
        #expect(try eval(.lower(.col("s"))) == [.string("a  b "), .string(" x\u{A0}"), .null, .string("i\u{307}k")])
        #expect(try eval(.upper(.lit("ß"))).first == .string("SS"))
        #expect(try eval(.concat([.lit("a"), .col("i"), .col("d")])).prefix(3) == [.string("a77.5"), .string("a-7-7.5"), .null])
        #expect(try eval(.contains(.col("s"), .lit("x"))) == [.bool(false), .bool(true), .null, .bool(false)])
        #expect(try eval(.contains(.lit("abc"), .lit(""))).first == .bool(true))
        #expect(try eval(.startsWith(.lit("abc"), .lit("ab"))).first == .bool(true))
        #expect(try eval(.endsWith(.lit("abc"), .lit("bc"))).first == .bool(true))
    }

    @Test func regexFunctions() throws {
        #expect(try eval(.regexpReplace(.lit("a.b"), pattern: "[.]", replacement: "\\$")).first == .string("a$b"))
        #expect(try eval(.regexpReplace(.lit("a\nb"), pattern: "\n", replacement: "")).first == .string("ab"))
        #expect(try eval(.regexpReplace(.lit("x"), pattern: "", replacement: "-")).first == .string("-x-"))
        #expect(try eval(.regexpReplace(.lit("xmath12 @xmath3a"), pattern: "xmath[0-9]+", replacement: "<$0>")).first
                == .string("<xmath12> @<xmath3>a"))
        #expect(try eval(.regexpReplace(.lit("é–x"), pattern: "[^a-z0-9\\s]", replacement: "")).first == .string("x"))
        #expect(try eval(.rlike(.col("s"), pattern: "\\s")) == [.bool(true), .bool(true), .null, .bool(false)])
        func split(_ s: String, _ p: String, _ limit: Int = -1) throws -> Scalar {
            try eval(.split(.lit(s), pattern: p, limit: limit)).first!
        }
        func list(_ xs: String...) -> Scalar { .list(xs.map { .string($0) }) }
        #expect(try split("a,b,,c,,", ",") == list("a", "b", "", "c", "", ""))
        #expect(try split("abc", "") == list("a", "b", "c"))
        #expect(try split("a,b,c", ",", 2) == list("a", "b,c"))
        #expect(try split("a b  c ", " ", 0) == list("a", "b", "", "c", ""))
        #expect(try split(" a", " ") == list("", "a"))
        #expect(try split("", " ") == list(""))
        #expect(throws: FrameError.self) { try eval(.regexpReplace(.lit("a"), pattern: "a", replacement: "$1")) }
    }

    @Test func regexTokenizer() throws {
        func tok(_ s: String, _ o: RegexTokenizerOptions) throws -> Scalar { try eval(.regexTokenize(.lit(s), o)).first! }
        func list(_ xs: String...) -> Scalar { .list(xs.map { .string($0) }) }
        #expect(try tok("A  b\tC ", .init()) == list("a", "b", "c"))
        #expect(try tok("𝔼é  x", .init(minTokenLength: 2)) == list("𝔼é"))       // 𝔼 counts 2 UTF-16 units
        #expect(try tok("A  b\tC ", .init(toLowercase: false)) == list("A", "b", "C"))
        #expect(try tok("A  b\tC ", .init(pattern: " ")) == list("a", "b\tc"))
        #expect(try tok("A  b\tC ", .init(pattern: " ", minTokenLength: 0)) == list("a", "", "b\tc"))
        #expect(try tok("", .init(pattern: " ", minTokenLength: 0)) == list(""))
        #expect(try tok("A  b\tC ", .init(pattern: "\\w+", gaps: false)) == list("a", "b", "c"))
    }

    @Test func casts() throws {
        func cast(_ s: Scalar, _ t: ColumnType) throws -> Scalar { try eval(.cast(.literal(s), t)).first! }
        #expect(try cast(.string(" 12 "), .int64) == .int(12))
        #expect(try cast(.string("\t12\n"), .int64) == .int(12))
        #expect(throws: FrameError.invalidCast(value: "1.5", to: .int64, row: 0)) { try cast(.string("1.5"), .int64) }
        #expect(throws: FrameError.self) { try cast(.string("abc"), .int64) }
        #expect(try cast(.string("1e3"), .double) == .double(1000))
        #expect(try cast(.string("-Infinity"), .double) == .double(-.infinity))
        #expect(try cast(.double(3.99), .int64) == .int(3))
        #expect(try cast(.double(-3.99), .int64) == .int(-3))
        #expect(throws: FrameError.self) { try cast(.double(1e20), .int64) }
        #expect(throws: FrameError.self) { try cast(.double(.nan), .int64) }
        #expect(try cast(.double(1.5), .bool) == .bool(true))
        #expect(try cast(.string(" true "), .bool) == .bool(true))
        #expect(try cast(.string("0"), .bool) == .bool(false))
        #expect(try cast(.bool(true), .string) == .string("true"))
        #expect(try cast(.double(-0.0), .string) == .string("-0.0"))
        #expect(try cast(.double(.infinity), .string) == .string("Infinity"))
        #expect(try cast(.list([.string("a"), .string("b")]), .string) == .string("[a, b]"))
    }

    @Test func rounding() throws {
        func round(_ x: Scalar, _ scale: Int = 0) throws -> Scalar { try eval(.round(.literal(x), scale: scale)).first! }
        #expect(try round(.double(2.5)) == .double(3))
        #expect(try round(.double(-2.5)) == .double(-3))
        #expect(try round(.double(-0.5)) == .double(-1))
        #expect(try round(.double(1.005), 2) == .double(1.01))
        #expect(try round(.double(2.675), 2) == .double(2.68))
        #expect(try round(.double(-1.25), 1) == .double(-1.3))
        #expect(try round(.double(123.456), -1) == .double(120))
        #expect(try round(.double(1e-20), 2) == .double(0))
        #expect(try round(.double(1e300), 2) == .double(1e300))
        #expect(try round(.double(1.5e-7), 8) == .double(1.5e-7))
        #expect(try round(.int(1234), -2) == .int(1200))
        #expect(try round(.int(15), -1) == .int(20))
        #expect(try round(.int(-15), -1) == .int(-20))
        if case .double(let z) = try round(.double(-0.4)) { #expect(z == 0 && z.sign == .plus) } else { Issue.record("not a double") }
        if case .double(let n) = try round(.double(.nan)) { #expect(n.isNaN) } else { Issue.record("not a double") }
    }

    @Test func coalesceAndNullLiterals() throws {
        #expect(try eval(.coalesce([.col("i"), .lit(0)])) == [.int(7), .int(-7), .int(0), .int(5)])
        #expect(try eval(.coalesce([.col("i"), .col("d")])) == [.double(7), .double(-7), .double(2.5), .double(5)])
        #expect(try eval(.coalesce([.col("s"), .lit("?")])).map { $0 == .null } == [false, false, false, false])
        #expect(try eval(.coalesce([.literal(.null), .col("b")])) == [.bool(true), .bool(false), .null, .bool(true)])
        #expect(throws: FrameError.self) { try eval(.coalesce([.col("s"), .col("i")])) }
        #expect(try eval(.lower(.literal(.null))) == [.null, .null, .null, .null])
        #expect(try eval(.size(.tokenize(.literal(.null)))) == [.null, .null, .null, .null])
        #expect(try frame.evaluate(.literal(.null)).type == .string)
    }

    @Test func typeErrorsNameTheProblem() throws {
        #expect(throws: FrameError.unknownColumn("sx", available: ["i", "d", "s", "b"])) { try eval(.lower(.col("sx"))) }
        let message = FrameError.unknownColumn("Text", available: ["text", "id", "texts"]).description
        #expect(message.contains("did you mean 'text' or 'texts'?"))
        #expect(throws: FrameError.typeMismatch(column: "i", expected: "string", actual: .int64)) { try eval(.lower(.col("i"))) }
        #expect(throws: FrameError.typeMismatch(column: "s", expected: "a number", actual: .string)) { try eval(.col("s") + .lit(1)) }
        #expect(throws: FrameError.self) { try eval(.col("s").equals(.lit(1))) }
        #expect(throws: FrameError.self) { try frame.filter(.col("i")) }
    }

    @Test func functionCatalog() throws {
        #expect(try ColumnExpression.call("LOWER", [.col("s")]) == .lower(.col("s")))
        #expect(try ColumnExpression.call("regexp_replace", [.col("s"), .lit("a+"), .lit("")])
                == .regexpReplace(.col("s"), pattern: "a+", replacement: ""))
        #expect(try ColumnExpression.call("split", [.col("s"), .lit(" "), .lit(2)]) == .split(.col("s"), pattern: " ", limit: 2))
        #expect(try ColumnExpression.call("cast", [.col("s"), .lit("int")]) == .cast(.col("s"), .int64))
        #expect(throws: FrameError.self) { try ColumnExpression.call("regexp_replace", [.col("s"), .col("s"), .lit("")]) }
        #expect(throws: FrameError.self) { try ColumnExpression.call("lower", []) }
        do {
            _ = try ColumnExpression.call("lowr", [.col("s")])
            Issue.record("expected an error")
        } catch let e as FrameError {
            #expect(e.description.contains("did you mean 'lower'"))
        }
    }
}
