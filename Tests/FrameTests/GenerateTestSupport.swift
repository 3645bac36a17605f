import Foundation
@testable import LontarFrame

/// Spark `Tokenizer` word count, written from its definition: Java's
/// `String.split("\\s")` on the text — every single whitespace character
/// (`[ \t\n\x0B\f\r]`) separates, trailing empty words are dropped, and the
/// empty string is one (empty) word.
func sparkWordCount(_ text: String) -> Int {
    let bytes = Array(text.utf8)
    if bytes.isEmpty { return 1 }
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09 ... 0x0D).contains(b) }
    if bytes.allSatisfy(isSpace) { return 0 }
    var trailing = 0
    while isSpace(bytes[bytes.count - 1 - trailing]) { trailing += 1 }
    return bytes.filter(isSpace).count + 1 - trailing
}

/// Count, mean, sample standard deviation, min and max, as Spark's `describe`.
struct Summary {
    var count: Int
    var mean: Double
    var stddev: Double
    var min: Int
    var max: Int

    init(_ values: [Int]) {
        count = values.count
        mean = Double(values.reduce(0, +)) / Double(Swift.max(values.count, 1))
        let m = mean
        let squares = values.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) }
        stddev = (squares / Double(Swift.max(values.count - 1, 1))).squareRoot()
        min = values.min() ?? 0
        max = values.max() ?? 0
    }
}

/// The string rows of a frame's column (tests only).
func strings(_ frame: Frame, _ name: String) -> StringColumn {
    guard case .string(let column)? = frame.column(named: name)?.storage else { return StringColumn() }
    return column
}
