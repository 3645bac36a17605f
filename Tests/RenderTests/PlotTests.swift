import Foundation
import Testing
@testable import LontarRender

@Suite struct HistogramTests {
    @Test func precomputedBins() throws {
        let h = try Histogram(title: "Words", edges: [0, 2.5, 5, 7.5, 10], counts: [3, 10, 0, 1])
        #expect(h.render(width: 40) == """
            Words
            0.0 –  2.5 │███████▌ 3
            2.5 –  5.0 │█████████████████████████ 10
            5.0 –  7.5 │ 0
            7.5 – 10.0 │██▌ 1
            n = 14
            """)
    }

    @Test func binsValuesLikeSpark() {
        let h = Histogram(title: "v", values: [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, .nan], bins: 3)
        #expect(h.edges == [1, 2, 3, 4])
        #expect(h.counts == [1, 2, 7])  // the last bin includes the maximum
        #expect(h.skipped == 1)
        #expect(h.render(width: 40) == """
            v
            1 – 2 │████▍ 1
            2 – 3 │████████▉ 2
            3 – 4 │███████████████████████████████ 7
            n = 10 (1 non-finite skipped)
            """)
    }

    @Test func binEdgesAreExact() {
        // 0.1 * 3 is not 0.3 in binary; values on an edge still land in the upper bin.
        let h = Histogram(title: "t", values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], bins: 10)
        #expect(h.counts == [1, 1, 1, 1, 1, 1, 1, 1, 1, 2])
        #expect(h.edges.first == 0 && h.edges.last == 1)
    }

    @Test func degenerateInputs() throws {
        let constant = Histogram(title: "c", values: [5, 5, 5], bins: 4)
        #expect(constant.counts == [3])
        #expect(constant.render(width: 30) == "c\n5 – 5 │█████████████████████ 3\nn = 3")
        let empty = Histogram(title: "e", values: [.nan, .infinity], bins: 4)
        #expect(empty.counts == [0])
        #expect(empty.render(width: 30) == "e\n0 – 1 │ 0\nn = 0 (2 non-finite skipped)")
        #expect(throws: RenderError.self) { try Histogram(title: "x", edges: [0, 1], counts: [1, 2]) }
        #expect(throws: RenderError.self) { try Histogram(title: "x", edges: [1, 0], counts: [1]) }
        #expect(throws: RenderError.self) { try Histogram(title: "x", edges: [0, .nan], counts: [1]) }
        #expect(throws: RenderError.self) { try Histogram(title: "x", edges: [0, 1], counts: [-1]) }
        #expect(throws: RenderError.self) { try Histogram(title: "x", edges: [0], counts: []) }
    }

    @Test func edgeLabelsStayDistinct() {
        let labels = Histogram.edgeLabels([1000.1, 1000.12, 1000.14])
        #expect(labels == ["1,000.10", "1,000.12", "1,000.14"])
        #expect(Histogram.edgeLabels([11, 151.5, 292]) == ["11.0", "151.5", "292.0"])
        #expect(Histogram.edgeLabels([0, 1 / 3, 2 / 3, 1]) == ["0.00", "0.33", "0.67", "1.00"])
        #expect(Histogram.edgeLabels([0, 5, 10]) == ["0", "5", "10"])
    }
}

@Suite struct LineChartTests {
    @Test func twoSeriesWithLegend() {
        let chart = LineChart(title: "Loss", series: [
            .init(name: "train", y: [4, 3, 2.5, 2, 1.8, 1.7, 1.65, 1.6]),
            .init(name: "eval", x: [2, 6], y: [2.7, 1.9]),
        ], xLabel: "step", yLabel: "loss", height: 6)
        #expect(chart.render(width: 40) == """
            Loss
            loss
            4 ┤*
              │
              │     *
              │          o
            2 ┤               *               o
              │                     *    *    *    *
              └┬─────────┬──────────┬─────────┬─────
               0         2          4         6
                               step
              * train   o eval
            """)
    }

    @Test func constantSeries() {
        let chart = LineChart(title: "const", series: [.init(name: "c", y: [1, 1, 1])],
                              xLabel: "step", yLabel: "loss", height: 5)
        #expect(chart.render(width: 40) == """
            const
            loss
            1.1 ┤
                │
            1.0 ┤*                *                *
                │
            0.9 ┤
                └┬────────────────┬────────────────┬
                 0                1                2
                                step
            """)
    }

    @Test func emptyAndNaN() {
        let chart = LineChart(title: "empty", series: [.init(name: "a", y: []), .init(name: "b", y: [.nan, .infinity])])
        #expect(chart.render(width: 40) == "empty\n(no finite data to plot)\n  * a   o b")
        let one = LineChart(title: "one point", series: [.init(name: "a", x: [3], y: [.nan]), .init(name: "b", x: [7], y: [2])])
        let text = one.render(width: 30)
        #expect(text.contains("o"))
        #expect(!text.contains("*\n") && text.hasSuffix("  * a   o b"))
    }

    @Test func denseSeriesIsAveragedPerColumn() {
        // 10,000 noisy points: exactly one marker per canvas column.
        let noisy = (0 ..< 10_000).map { 2 + sin(Double($0) * 1.7) }
        let lines = LineChart(title: "noise", series: [.init(name: "n", y: noisy)], height: 5)
            .render(width: 60).split(separator: "\n")
        let axis = lines.first { $0.contains("└") }!
        let plotWidth = axis.split(separator: "└")[1].count
        #expect(plotWidth > 40)
        #expect(lines.map { $0.filter { $0 == "*" }.count }.reduce(0, +) == plotWidth)
    }

    @Test func largeAndTinyAxisLabels() {
        let big = LineChart(title: "tokens", series: [.init(name: "t", x: [0, 1_500_000], y: [0.0001, 0.0003])], height: 4)
        let text = big.render(width: 60)
        #expect(text.contains("500k") && text.contains("1M"))
        #expect(text.contains("0.0002"))
    }
}

@Suite struct SparklineAndBarChartTests {
    @Test func sparkline() {
        #expect(Sparkline.glyphs([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.glyphs([0, .nan, 7]) == "▁ █")
        #expect(Sparkline.glyphs([2, 2, 2]) == "▄▄▄")
        #expect(Sparkline.glyphs([]) == "")
        #expect(Sparkline.glyphs([1, 1, 8, 8], maxWidth: 2) == "▁█")  // bucket means
        #expect(Sparkline(title: "loss", values: [4, 3, 2.5, 2, 1.8, .nan, 1.65, 1]).render(width: 40)
            == "loss  █▆▅▃▃ ▃▁  min 1, max 4")
        #expect(Sparkline(title: "none", values: [.nan]).render(width: 40) == "none     no finite values")
    }

    @Test func sparklineWrapsWhenTitleIsLong() {
        let text = Sparkline(title: String(repeating: "t", count: 30), values: (0 ..< 50).map(Double.init)).render(width: 40)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == Substring(String(repeating: "t", count: 30)))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 40 })
    }

    @Test func barChart() {
        let chart = BarChart(title: "Top tokens", counts: [("the", 120), ("of", 60), ("and", 45), ("a|b", 1)])
        #expect(chart.render(width: 40) == """
            Top tokens
            the │███████████████████████████████ 120
            of  │███████████████▌ 60
            and │███████████▋ 45
            a|b │▎ 1
            """)
        #expect(BarChart(title: "none", labels: [], values: []).render(width: 40) == "none\n(no data)")
    }

    @Test func topNIsDeterministic() {
        let top = BarChart.top(["b": 3, "a": 3, "c": 5, "d": 1], 3)
        #expect(top.map(\.label) == ["c", "a", "b"])
        #expect(top.map(\.count) == [5, 3, 3])
    }

    @Test func fencedBlocks() {
        #expect(Markdown.fenced("x") == "```\nx\n```")
        #expect(Markdown.fenced("a ``` b", info: "text") == "````text\na ``` b\n````")
        let bar = BarChart(title: "t", counts: [("a", 1)])
        #expect(bar.fenced(width: 30) == "```\n" + bar.render(width: 30) + "\n```")
    }
}

/// Properties every plot keeps, on many seeded random inputs and widths.
@Suite struct PlotPropertyTests {
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    func plots(seed: UInt64) -> [any TextPlot] {
        var r = LCG(state: seed)
        let n = Int(r.next() * 300)
        let scale = [1e-6, 1e-3, 1, 100, 1e6, 1e12][Int(r.next() * 6)]
        let ys = (0 ..< n).map { _ in r.next() < 0.05 ? Double.nan : (r.next() - 0.3) * scale }
        let sparse = (0 ..< n / 10).map { _ in (r.next() * Double(n), r.next() * scale) }
        let names = ["train", "eval loss 日本語", String(repeating: "long name ", count: 10)]
        return [
            Histogram(title: "h \(seed)", values: ys, bins: 1 + Int(r.next() * 30)),
            LineChart(title: "l \(seed) " + names[2], series: [
                .init(name: names[0], y: ys),
                .init(name: names[1], x: sparse.map(\.0), y: sparse.map(\.1)),
                .init(name: names[2], y: ys.reversed()),
            ], xLabel: "step", yLabel: "loss", height: 3 + Int(r.next() * 20)),
            Sparkline(title: "s", values: ys),
            BarChart(title: "b", labels: ys.indices.map { names[$0 % 3] + "\($0)" }, values: ys.map { abs($0) }),
        ]
    }

    @Test(arguments: 0 ..< 40)
    func linesFitWidthWithoutTrailingSpace(seed: Int) {
        for width in [24, 40, 57, 80, 132] {
            for plot in plots(seed: UInt64(seed)) {
                let text = plot.render(width: width)
                #expect(text == plot.render(width: width), "deterministic")
                #expect(!text.hasSuffix("\n"))
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    #expect(DisplayWidth.of(line) <= width, "\(type(of: plot)) width \(width):\n\(text)")
                    #expect(line.last != " ")
                }
            }
        }
    }

    @Test func narrowWidthsAreRaised() {
        let plot = BarChart(title: "t", counts: [("a", 1)])
        #expect(plot.render(width: 1) == plot.render(width: PlotText.minimumWidth))
    }
}
