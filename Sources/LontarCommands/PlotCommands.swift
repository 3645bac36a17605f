import LontarFrame
import LontarLanguage
import LontarRender

/// `hist` and `plot`: ASCII plots of a frame's columns or of a list of numbers.
enum PlotCommands {
    static let width = 80

    static func register(in registry: CommandRegistry) {
        registry.register(CommandSpec(
            "hist", summary: "Histogram of a numeric column (or a list of numbers).",
            positional: [
                ParameterSpec("data", required: true, help: "a frame (or a list of numbers)"),
                ParameterSpec("column", .columns, help: "the numeric column to bin"),
            ],
            keywords: [
                ParameterSpec("bins", help: "number of equal-width bins (default 20)"),
                ParameterSpec("title", help: "the plot's title (default: the column name)"),
            ],
            details: "Bins run from the smallest to the largest value; the last bin includes the maximum, as Spark's histogram does. Nulls and NaNs are left out and counted.",
            examples: ["hist words num_input_tokens bins 30"]
        ) { call in
            let bins = try call.integer("bins") ?? 20
            guard (1 ... 500).contains(bins) else {
                throw LontarError("bins must be between 1 and 500", at: call.location(of: "bins"))
            }
            let (values, name) = try numbers(call, "data", column: "column")
            let title = try call.string("title") ?? name
            return .display([.preformatted(Histogram(title: title, values: values, bins: bins).render(width: width))])
        })

        registry.register(CommandSpec(
            "plot", summary: "Line chart of numeric columns (loss curves) or of a list of numbers.",
            positional: [ParameterSpec("data", required: true, help: "a frame, a list of numbers, or a run's member such as tuned.loss")],
            keywords: [
                ParameterSpec("x", .columns, help: "the x column (default: the first column)"),
                ParameterSpec("y", .columns, help: "the y columns (default: every other numeric column)"),
                ParameterSpec("title", help: "the chart's title"),
            ],
            details: "Each y column is one series with its own marker; nulls and NaNs leave gaps, so a sparse eval-loss column plots beside the train loss.",
            examples: ["plot tuned.loss", "plot losses x step y train, eval title \"QLoRA loss\""]
        ) { call in
            let data = try call.require("data")
            let title = try call.string("title") ?? ""
            switch data {
            case .list:
                let (values, _) = try numbers(call, "data", column: nil)
                let chart = LineChart(title: title, series: [.init(name: "value", y: values, xStart: 0)], xLabel: "index")
                return .display([.preformatted(chart.render(width: width))])
            case .frame(let frame):
                let xName = try call.columns("x")?.first ?? frame.columnNames.first ?? ""
                let x = try FrameValues.doubles(frame, xName, at: call.location(of: "x"))
                let yNames = try call.columns("y") ?? frame.columns.filter { $0.name != xName && $0.type.isNumeric }.map(\.name)
                guard !yNames.isEmpty else { throw LontarError("no numeric column to plot", at: call.location) }
                var series: [LineChart.Series] = []
                for name in yNames {
                    let y = try FrameValues.doubles(frame, name, at: call.location(of: "y"))
                    series.append(.init(name: name, x: x, y: y))
                }
                let chart = LineChart(title: title, series: series, xLabel: xName, yLabel: yNames.count == 1 ? yNames[0] : "")
                return .display([.preformatted(chart.render(width: width))])
            default:
                throw call.typeError("data", "a frame or a list of numbers", data)
            }
        })
    }

    /// The finite numbers of a list, or of one column of a frame.
    static func numbers(_ call: Invocation, _ name: String, column: String?) throws(LontarError) -> ([Double], String) {
        let data = try call.require(name)
        switch data {
        case .list(let items):
            var values: [Double] = []
            for item in items {
                guard let d = item.doubleValue else { throw call.typeError(name, "a list of numbers", item) }
                values.append(d)
            }
            return (values, "values")
        case .frame(let frame):
            guard let column, let columnName = try call.columns(column)?.first else {
                throw LontarError("which column? e.g. hist frame num_tokens", at: call.location)
            }
            return (try FrameValues.doubles(frame, columnName, at: call.location(of: column)).filter { !$0.isNaN }, columnName)
        default:
            throw call.typeError(name, "a frame or a list of numbers", data)
        }
    }
}

/// Reading frame columns as Swift values for commands.
enum FrameValues {
    /// A column as doubles; nulls become NaN so plots leave gaps.
    static func doubles(_ frame: Frame, _ name: String, at location: SourcePosition) throws(LontarError) -> [Double] {
        guard let column = frame.column(named: name) else {
            throw LontarError("unknown column '\(name)'", at: location,
                              notes: didYouMean(name, in: frame.columnNames) + ["columns: \(frame.columnNames.joined(separator: ", "))"])
        }
        var values: [Double]
        switch column.storage {
        case .int64(let v): values = v.map(Double.init)
        case .double(let v): values = v
        default: throw LontarError("column '\(name)' is \(column.type), not numeric", at: location)
        }
        if let valid = column.valid {
            for i in values.indices where !valid[i] { values[i] = .nan }
        }
        return values
    }
}
