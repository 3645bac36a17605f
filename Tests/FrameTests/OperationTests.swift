import Foundation
@testable import LontarFrame
import Testing

@Suite struct OperationTests {
    @Test func projection() throws {
        let f = try Frames.frame(Frames.ints("a", [1, 2, 3]), Frames.strings("b", ["x", "y", "z"]))
        #expect(try f.limit(2).count() == 2)
        #expect(try f.limit(10).count() == 3)
        #expect(try f.select(["b"]).columnNames == ["b"])
        #expect(try f.rename("a", to: "n").columnNames == ["n", "b"])
        #expect(try f.drop(["a"]).columnNames == ["b"])
        #expect(throws: FrameError.self) { try f.drop(["c"]) }
        #expect(throws: FrameError.duplicateColumn("b")) { try f.rename("a", to: "b") }
        let g = try f.withColumn("c", .col("a") * .lit(2)).withColumn("a", .upper(.col("b")))
        #expect(g.columnNames == ["a", "b", "c"])
        #expect(g.column(named: "a")!.scalars == [.string("X"), .string("Y"), .string("Z")])
        #expect(g.column(named: "c")!.scalars == [.int(2), .int(4), .int(6)])
        let s = try f.select([(nil, .length(.col("b"))), ("twice", .col("a") + .col("a"))])
        #expect(s.columnNames == ["length(b)", "twice"])
        #expect(try f.filter(.col("a").greaterThan(.lit(1))).column(named: "b")!.scalars == [.string("y"), .string("z")])
        let u = try f.union(try Frames.frame(Frames.doubles("x", [0.5]), Frames.strings("y", [nil])))
        #expect(u.column(named: "a")!.scalars == [.double(1), .double(2), .double(3), .double(0.5)])
        #expect(u.column(named: "b")!.scalars.last == .null)
    }

    /// Many chunks, assembled in order: the same column on 1 or 3 threads, and
    /// equal to evaluating each row on its own.
    @Test func evaluationAcrossChunksIsThreadIndependent() throws {
        var rng = SplitMix(seed: 5)
        let n = Parallel.chunkRows * 3 + 123
        let texts: [String?] = (0 ..< n).map { i in rng.int(7) == 0 ? nil : "Row \(i)  Σ\tİ" + String(repeating: "x", count: rng.int(5)) }
        let f = try Frames.frame(Frames.strings("t", texts), Frames.ints("i", (0 ..< n).map { Int64($0) }))
        let e = ColumnExpression.concat([.lower(.col("t")), .lit("|"), .cast(.col("i") * .lit(2), .string)])
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 1
        let one = try f.evaluate(e), oneTokens = try f.evaluate(.tokenize(.col("t")))
        Parallel.threadCount = 3
        let three = try f.evaluate(e), threeTokens = try f.evaluate(.tokenize(.col("t")))
        #expect(one == three)
        #expect(oneTokens == threeTokens)
        for i in [0, 1, Parallel.chunkRows - 1, Parallel.chunkRows, 2 * Parallel.chunkRows + 7, n - 1] {
            let row = try f.gather([i])
            #expect(try row.evaluate(e)[0] == three[i], "row \(i)")
            #expect(try row.evaluate(.tokenize(.col("t")))[0] == threeTokens[i], "row \(i)")
        }
        #expect(three.count == n)
        #expect(three.isNull(texts.firstIndex(where: { $0 == nil })!))
    }

    /// Spark: ascending puts nulls first, descending last; -0.0 ties with
    /// 0.0; NaN is the largest value.
    @Test func sortOrderMatchesSpark() throws {
        let f = try Frames.frame(Frames.doubles("x", [1.0, .nan, nil, -0.0, 0.0, -1.0]), Frames.ints("row", [0, 1, 2, 3, 4, 5]))
        let asc = try f.sort([.asc("x")]).column(named: "row")!.scalars
        #expect(asc == [.int(2), .int(5), .int(3), .int(4), .int(0), .int(1)])
        let desc = try f.sort([.desc("x")]).column(named: "row")!.scalars
        #expect(desc == [.int(1), .int(0), .int(3), .int(4), .int(5), .int(2)])
        let nullsLast = try f.sort([SortKey("x", nullsFirst: false)]).column(named: "row")!.scalars
        #expect(nullsLast.last == .int(2))
    }

    @Test func multiKeySortOnManyRowsIsStableAndThreadIndependent() throws {
        var rng = SplitMix(seed: 3)
        let n = 80_000
        let a = (0 ..< n).map { _ in Int64(rng.int(50)) }
        let b = (0 ..< n).map { _ in rng.int(10) == 0 ? nil : "w\(rng.int(1000))" }
        let f = try Frames.frame(Frames.ints("a", a), Frames.strings("b", b), Frames.ints("row", (0 ..< n).map { Int64($0) }))
        let keys: [SortKey] = [.desc("a"), .asc("b")]
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 1
        let one = try f.sortedIndices(keys)
        Parallel.threadCount = 4
        let four = try f.sortedIndices(keys)
        #expect(one == four)
        let expected = (0 ..< n).sorted { i, j in
            if a[i] != a[j] { return a[i] > a[j] }
            switch (b[i], b[j]) {
            case (nil, nil): return i < j
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x != y ? Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) : i < j
            }
        }
        #expect(one == expected)
    }

    @Test func distinctGroupsSignedZerosAndNaNs() throws {
        let f = try Frames.frame(Frames.doubles("x", [0.0, -0.0, .nan, .nan, nil, nil, 1]))
        let d = try f.distinct()
        #expect(d.count() == 4)
        let g = try f.groupBy(["x"], [.count()])
        #expect(g.column(named: "count")!.scalars == [.int(2), .int(2), .int(2), .int(1)])
    }

    @Test func groupByAggregates() throws {
        let f = try Frames.frame(
            Frames.strings("k", ["a", "b", "a", nil, "b", "a"]),
            Frames.ints("v", [1, 2, 3, 4, nil, 9]),
            Frames.doubles("d", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]))
        let g = try f.groupBy(["k"], [.count(), .count("v"), .sum("v"), .mean("v"), .min("v"), .max("d"), .stddev("v"), .sum("d")])
        #expect(g.columnNames == ["k", "count", "count(v)", "sum(v)", "avg(v)", "min(v)", "max(d)", "stddev(v)", "sum(d)"])
        #expect(g.column(named: "k")!.scalars == [.string("a"), .string("b"), .null])
        #expect(g.column(named: "count")!.scalars == [.int(3), .int(2), .int(1)])
        #expect(g.column(named: "count(v)")!.scalars == [.int(3), .int(1), .int(1)])
        #expect(g.column(named: "sum(v)")!.scalars == [.int(13), .int(2), .int(4)])
        #expect(g.column(named: "avg(v)")!.scalars == [.double(13.0 / 3), .double(2), .double(4)])
        #expect(g.column(named: "min(v)")!.scalars == [.int(1), .int(2), .int(4)])
        #expect(g.column(named: "stddev(v)")!.scalars[1] == .null)           // one value
        #expect(g.column(named: "stddev(v)")!.scalars[0] == .double(4.163331998932265))
        #expect(g.column(named: "sum(d)")!.scalars[0] == .double(0.1 + 0.3 + 0.6))
        // Rows are added left to right, as Spark does within one partition
        // (Spark's 0.6 for these rows comes from splitting them [0.1] + [0.2, 0.3]).
        let t = try Frames.frame(Frames.doubles("x", [0.1, 0.2, 0.3])).aggregate([.sum("x"), .mean("x")])
        #expect(t.column(named: "sum(x)")!.scalars == [.double(0.6000000000000001)])
        #expect(t.column(named: "avg(x)")!.scalars == [.double(0.6000000000000001 / 3)])
        #expect(throws: FrameError.self) { try f.groupBy(["k"], [.sum("k")]) }
        #expect(throws: FrameError.duplicateColumn("k")) { try f.groupBy(["k"], [.count(as: "k")]) }
        #expect(throws: FrameError.self) {
            try Frames.frame(Frames.ints("x", [Int64.max, 1])).aggregate([.sum("x")])
        }
        let empty = try Frames.frame(Frames.ints("x", [])).aggregate([.count("x"), .sum("x"), .min("x")])
        #expect(empty.count() == 1)
        #expect(empty.column(named: "count(x)")!.scalars == [.int(0)])
        #expect(empty.column(named: "sum(x)")!.scalars == [.null])
        #expect(empty.column(named: "min(x)")!.scalars == [.null])
    }

    @Test func sampleIsSeededExactAndThreadIndependent() throws {
        let n = 100_000
        let f = try Frames.frame(Frames.ints("row", (0 ..< n).map { Int64($0) }))
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 1
        let a = try f.sample(count: 1234, seed: 42).column(named: "row")!.scalars
        let fa = try f.sample(fraction: 0.1, seed: 42).column(named: "row")!.scalars
        Parallel.threadCount = 3
        let b = try f.sample(count: 1234, seed: 42).column(named: "row")!.scalars
        let fb = try f.sample(fraction: 0.1, seed: 42).column(named: "row")!.scalars
        #expect(a == b)
        #expect(fa == fb)
        #expect(a.count == 1234)
        #expect(Set(a).count == 1234)
        #expect(a == a.sorted { if case .int(let x) = $0, case .int(let y) = $1 { x < y } else { false } })  // original order
        #expect(abs(fa.count - 10_000) < 400)                                  // ~4 sigma
        #expect(try f.sample(count: 1234, seed: 43).column(named: "row")!.scalars != a)
        #expect(try f.sample(count: n + 5, seed: 1).count() == n)
        // The bottom-k subset is uniform: each decile gets about a tenth.
        let deciles = a.reduce(into: [Int](repeating: 0, count: 10)) { acc, v in if case .int(let x) = v { acc[Int(x) / 10_000] += 1 } }
        #expect(deciles.allSatisfy { abs($0 - 123) < 50 })
    }

    /// Values observed with PySpark 4.3 on the same rows.
    @Test func describeAndSummaryMatchSpark() throws {
        let f = try Frames.frame(
            Frames.strings("s", ["1", "2.5", "x", nil, " 4 "]),
            Frames.bools("b", [true, false, nil, true, true]),
            Frames.ints("i", [3, nil, 7, 1, 9]),
            Frames.doubles("d", [1.5, -0.0, .nan, 2.0, 0.0]))
        let d = try f.describe()
        #expect(d.columnNames == ["summary", "s", "i", "d"])
        #expect(d.column(named: "summary")!.scalars == ["count", "mean", "stddev", "min", "max"].map { .string($0) })
        #expect(d.column(named: "s")!.scalars == [.string("4"), .string("2.5"), .string("1.5"), .string(" 4 "), .string("x")])
        #expect(d.column(named: "i")!.scalars == ["4", "5.0", "3.6514837167011076", "1", "9"].map { .string($0) })
        #expect(d.column(named: "d")!.scalars == ["5", "NaN", "NaN", "-0.0", "NaN"].map { .string($0) })
        let s = try f.summary()
        #expect(s.column(named: "summary")!.scalars.count == 8)
        #expect(s.column(named: "s")!.scalars[4 ... 6] == [.string("1.0"), .string("2.5"), .string("4.0")])
        #expect(s.column(named: "i")!.scalars[4 ... 6] == [.string("1"), .string("3"), .string("7")])
        #expect(s.column(named: "d")!.scalars[5 ... 6] == [.string("1.5"), .string("2.0")])
        let x = try f.summary(["count_distinct", "10%", "sum"], columns: ["i", "d"])
        #expect(x.column(named: "i")!.scalars == [.string("4"), .string("1"), .string("20")])
        #expect(x.column(named: "d")!.scalars[0] == .string("4"))
        // The first example of the brief's data: ints 1…4 and doubles 1…10.
        let r = try Frames.frame(Frames.doubles("v", (1 ... 10).map { Double($0) })).summary()
        #expect(r.column(named: "v")!.scalars == ["10", "5.5", "3.0276503540974917", "1.0", "3.0", "5.0", "8.0", "10.0"].map { .string($0) })
        #expect(throws: FrameError.self) { try f.summary(["median"]) }
        // An empty frame: count 0, everything else null (Spark).
        let e = try Frames.frame(Frames.ints("i", []), Frames.strings("s", [])).describe()
        #expect(e.column(named: "i")!.scalars == [.string("0"), .null, .null, .null, .null])
        #expect(e.column(named: "s")!.scalars == [.string("0"), .null, .null, .null, .null])
    }

    @Test func histogramMatchesPySpark() throws {
        let f = try Frames.frame(Frames.doubles("v", [1, 2, 2, 3, 10, nil, .nan]), Frames.ints("i", [1, 2, 2, 3, 10, nil, 4]))
        let h = try f.histogram("v", bins: 4)
        #expect(h.edges == [1.0, 3.25, 5.5, 7.75, 10.0])
        #expect(h.counts == [4, 0, 0, 1])
        let d = try Frames.frame(Frames.doubles("d", [1.5, -0.0, 2.0, 0.0])).histogram("d", bins: 3)
        #expect(d.edges == [-0.0, 0.6666666666666666, 1.3333333333333333, 2.0])
        #expect(d.counts == [2, 0, 2])
        #expect(try f.histogram("i", bins: 3).counts == [4, 1, 1])
        #expect(try Frames.frame(Frames.ints("c", [5, 5])).histogram("c", bins: 3) == Histogram(edges: [5, 5], counts: [2]))
        #expect(throws: FrameError.self) { try Frames.frame(Frames.ints("c", [nil])).histogram("c", bins: 3) }
    }

    /// Hostile arguments give errors or sane values, never a crash.
    @Test func extremeInputsDoNotCrash() throws {
        let f = try Frames.frame(Frames.ints("i", [Int64.max, Int64.min, 0]), Frames.doubles("d", [0, Double.leastNonzeroMagnitude, 1]))
        #expect(throws: FrameError.self) { try f.gather([3]) }
        #expect(throws: FrameError.self) { try f.gather([-1]) }
        #expect(throws: FrameError.self) { try f.histogram("d", bins: Int.max) }
        #expect(try Frames.frame(Frames.doubles("d", [0, Double.leastNonzeroMagnitude])).histogram("d", bins: 3).counts.reduce(0, +) == 2)
        let s = try f.summary(["min", "50%", "max"], columns: ["i"])
        #expect(s.column(named: "i")!.scalars == [.string("\(Int64.min)"), .string("0"), .string("\(Int64.max)")])
        #expect(try f.evaluate(.round(.col("d"), scale: Int.max)).scalars == f.column(named: "d")!.scalars)
        #expect(try f.evaluate(.round(.col("i"), scale: Int.min)).scalars == [.int(0), .int(0), .int(0)])
        #expect(throws: FrameError.self) { try f.sample(fraction: .nan, seed: 1) }
        #expect(throws: FrameError.self) { try f.limit(-1) }
    }

    @Test func tokenFrequencies() throws {
        let f = try Frames.frame(Frames.strings("t", ["The cat  the", "a cat", nil, "Cat"]))
        let top = try f.tokenFrequencies("t", top: 3)
        #expect(top.column(named: "word")!.scalars == [.string("cat"), .string("the"), .string("")])
        #expect(top.column(named: "count")!.scalars == [.int(3), .int(2), .int(1)])
        let viaList = try f.withColumn("tokens", .tokenize(.col("t"))).tokenFrequencies("tokens", top: 3)
        #expect(viaList == top)
        let regex = try f.tokenFrequencies("t", top: 10, tokenizer: .regex(.init()))
        #expect(regex.column(named: "word")!.scalars == [.string("cat"), .string("the"), .string("a")])
    }
}
