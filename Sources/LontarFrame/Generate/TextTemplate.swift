/// A tiny template language for the synthetic corpus, compiled once into
/// pieces of pre-encoded UTF-8 so that generating text is mostly `memcpy`.
///
/// Syntax (inside ordinary text):
/// - `{slot}` — one phrase from the field's word list `slot`, itself a template;
/// - `{=a|b|c}` — one of the alternatives (each a template);
/// - `{?30:text}` — `text` with probability 30 %;
/// - `{#kind:args}` — a number (see `NumberSpec`);
/// - `{@math}`, `{@cite}` — the corpus artifacts `@xmath12` and `@xcite`;
/// - `{q}`, `{qb}`, `{qv}`, `{qv2}`, `{qn}`, `{qn2}`, `{qsd}`, `{qunit}` — the
///   sentence's measured quantity: its name; its name without a leading
///   `the` (for `the mean {qb}`); a value and a second, larger
///   value with unit (`12.4 mg / kg`); the same numbers alone; a standard
///   deviation; and the unit with a leading space (nothing for a unitless
///   quantity, so write `{qn}{qunit}`);
/// - `{greek}` — a Greek letter.
indirect enum Piece {
    case text([UInt8])
    case choice(Choice)
    case optional(percent: Int, [Piece])
    case number(NumberSpec)
    case math
    case cite
    case quantity(QuantityPart)
    case greek
}

/// A set of alternatives, shared by every template that names the same slot.
///
/// A sticky choice (a paper's topic, system, method…) picks once per row and
/// repeats that pick, so a paper's input and output talk about one thing.
/// Other choices avoid repeating an option within one text until all have
/// been used (see `PaperWriter.choose`), so a long text does not say the
/// same thing twice in a row.
final class Choice: @unchecked Sendable {  // immutable after compilation
    let options: [[Piece]]
    /// Index among a field's sticky choices, or -1.
    let stickySlot: Int
    init(_ options: [[Piece]], stickySlot: Int = -1) {
        self.options = options
        self.stickySlot = stickySlot
    }
}

enum QuantityPart: Int32 {
    case name, bareName, value, secondValue, number, secondNumber, deviation, unit
}

/// A measurable quantity of a field: `the critical temperature`, `K`, values
/// drawn uniformly in `low ... high` and printed with `decimals` decimals.
struct Quantity {
    var name: [Piece]
    var bareName: [Piece]
    var unit: [Piece]
    var low: Double
    var high: Double
    var decimals: Int
}

/// Numbers the templates can ask for.
enum NumberSpec {
    case int(Int, Int)
    case decimal(Double, Double, Int)
    /// `12.4 %`
    case percent
    /// `p = 0.021`, `p < 0.001`, `p = 0.34`
    case pValue
    case year
    /// `2004 and 2011` (ordered)
    case yearRange
    /// `1.84 ( 95 % ci , 1.21 - 2.79 )`
    case ratioWithInterval
}

/// Template syntax errors: a fault in the corpus's own word lists, caught by tests.
struct TemplateError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Compiles templates against one field's word lists, caching each slot's
/// `Choice` so shared lists are compiled once.
struct TemplateCompiler {
    var lists: [String: [String]]
    /// Word lists picked once per row, in sticky-slot order.
    var sticky: [String]
    private var cache: [String: Choice] = [:]
    private var compiling: Set<String> = []

    init(lists: [String: [String]], sticky: [String] = []) {
        self.lists = lists
        self.sticky = sticky
    }

    mutating func compile(_ template: String) throws -> [Piece] {
        let chars = Array(template.unicodeScalars)
        var pieces: [Piece] = []
        var literal = ""
        var i = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.text(Array(literal.utf8))) }
            literal = ""
        }
        while i < chars.count {
            let c = chars[i]
            if c == "}" { throw TemplateError(message: "unmatched } in \"\(template)\"") }
            guard c == "{" else {
                literal.unicodeScalars.append(c)
                i += 1
                continue
            }
            var depth = 1
            var j = i + 1
            while j < chars.count && depth > 0 {
                if chars[j] == "{" { depth += 1 }
                if chars[j] == "}" { depth -= 1 }
                j += 1
            }
            guard depth == 0 else { throw TemplateError(message: "unclosed { in \"\(template)\"") }
            var inner = ""
            inner.unicodeScalars.append(contentsOf: chars[(i + 1) ..< (j - 1)])
            flush()
            pieces.append(try directive(inner, in: template))
            i = j
        }
        flush()
        return pieces
    }

    private mutating func directive(_ d: String, in template: String) throws -> Piece {
        if d.hasPrefix("=") {
            return .choice(makeChoice(try splitTopLevel(String(d.dropFirst())).map { try compile($0) }))
        }
        if d.hasPrefix("?") {
            guard let colon = d.firstIndex(of: ":"), let p = Int(d[d.index(after: d.startIndex) ..< colon]),
                  (1 ... 99).contains(p)
            else { throw TemplateError(message: "bad optional {\(d)} in \"\(template)\"") }
            return .optional(percent: p, try compile(String(d[d.index(after: colon)...])))
        }
        if d.hasPrefix("#") { return .number(try number(String(d.dropFirst()), in: template)) }
        switch d {
        case "@math": return .math
        case "@cite": return .cite
        case "q": return .quantity(.name)
        case "qb": return .quantity(.bareName)
        case "qv": return .quantity(.value)
        case "qv2": return .quantity(.secondValue)
        case "qn": return .quantity(.number)
        case "qn2": return .quantity(.secondNumber)
        case "qsd": return .quantity(.deviation)
        case "qunit": return .quantity(.unit)
        case "greek": return .greek
        default: return .choice(try slot(d, in: template))
        }
    }

    private mutating func slot(_ name: String, in template: String) throws -> Choice {
        if let done = cache[name] { return done }
        guard let phrases = lists[name], !phrases.isEmpty else {
            throw TemplateError(message: "unknown word list {\(name)} in \"\(template)\"")
        }
        guard !compiling.contains(name) else { throw TemplateError(message: "word list {\(name)} refers to itself") }
        compiling.insert(name)
        defer { compiling.remove(name) }
        for p in phrases where p != p.trimmingSpaces || p.contains("  ") {
            throw TemplateError(message: "stray spaces in phrase \"\(p)\" of {\(name)}")
        }
        let choice = makeChoice(try phrases.map { try compile($0) }, stickySlot: sticky.firstIndex(of: name) ?? -1)
        cache[name] = choice
        return choice
    }

    func makeChoice(_ options: [[Piece]], stickySlot: Int = -1) -> Choice {
        Choice(options, stickySlot: stickySlot)
    }

    private func number(_ spec: String, in template: String) throws -> NumberSpec {
        let parts = spec.split(separator: ":").map(String.init)
        switch (parts.first ?? "", parts.count) {
        case ("int", 3):
            if let lo = Int(parts[1]), let hi = Int(parts[2]), lo <= hi { return .int(lo, hi) }
        case ("dec", 4):
            if let lo = Double(parts[1]), let hi = Double(parts[2]), let d = Int(parts[3]), lo <= hi, (0 ... 6).contains(d) {
                return .decimal(lo, hi, d)
            }
        case ("pct", 1): return .percent
        case ("p", 1): return .pValue
        case ("year", 1): return .year
        case ("years", 1): return .yearRange
        case ("or", 1): return .ratioWithInterval
        default: break
        }
        throw TemplateError(message: "bad number {#\(spec)} in \"\(template)\"")
    }

    /// Splits on `|` outside braces.
    private func splitTopLevel(_ s: String) throws -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in s.unicodeScalars {
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1 }
            if c == "|" && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.unicodeScalars.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    /// Compiles `name|unit|low|high|decimals` quantity lines.
    mutating func compileQuantities(_ lines: [String]) throws -> [Quantity] {
        try lines.map { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5, let lo = Double(f[2]), let hi = Double(f[3]), let d = Int(f[4]), lo <= hi else {
                throw TemplateError(message: "bad quantity line \"\(line)\"")
            }
            let bare = f[0].hasPrefix("the ") ? String(f[0].dropFirst(4)) : f[0]
            return Quantity(name: try compile(f[0]), bareName: try compile(bare), unit: try compile(f[1]),
                            low: lo, high: hi, decimals: d)
        }
    }
}

extension String {
    /// The string without leading or trailing spaces.
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
