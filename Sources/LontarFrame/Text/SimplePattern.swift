/// A fast matcher for the simplest Java regexes, which is what data cleaning
/// mostly uses: `@xcite`, `\n`, `[^a-z0-9\s]`, `\s+`, `xmath[0-9]+`.
///
/// Recognised: a sequence of atoms — a literal character, an escape (`\t`,
/// `\n`, `\.`, `\xhh`, `\uhhhh`, …), a class `[...]` (ranges, negation, `\s`
/// `\d` `\w` and their negations), `.` or `\s` `\d` `\w` `\S` `\D` `\W` — where
/// only the last atom may carry a `+`. Such a pattern has a single way to match
/// at a position (no alternation, and a final greedy `+` never has to give
/// back), so scanning left to right gives exactly Java's leftmost match.
/// Anything else (groups, `|`, `*`, `?`, `{}`, anchors, flags, nested or
/// intersected classes) returns `nil` and goes to the regex engine.
struct SimplePattern: Sendable {
    /// The atoms in order; `repeatLast` is the final `+`.
    let atoms: [ScalarSet]
    let repeatLast: Bool

    static func parse(_ pattern: String) -> SimplePattern? {
        var parser = Parser(Array(pattern.unicodeScalars))
        return parser.parse()
    }

    /// The first match starting at or after `from` (a scalar boundary).
    func find(_ p: UnsafePointer<UInt8>, count n: Int, from: Int) -> Range<Int>? {
        if atoms.isEmpty { return from <= n ? from ..< from : nil }
        let first = atoms[0]
        var i = from
        if first.isASCIIOnly {
            // Members are ASCII, so no byte ≥ 0x80 (lead or continuation) can
            // start a match: scan bytes without decoding.
            while i < n {
                if first.containsASCII(p[i]), let end = matchAt(p, n, i) { return i ..< end }
                i += 1
            }
            return nil
        }
        while i < n {
            if let end = matchAt(p, n, i) { return i ..< end }
            i += p[i] < 0x80 ? 1 : UTF8Scalars.decode(p, i, n).length
        }
        return nil
    }

    /// The end of the match starting exactly at `start`, if there is one.
    @inline(__always)
    private func matchAt(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int? {
        var i = start
        for atom in atoms {
            guard i < n else { return nil }
            let len = step(atom, p, n, i)
            if len == 0 { return nil }
            i += len
        }
        if repeatLast, let last = atoms.last {
            while i < n {
                let len = step(last, p, n, i)
                if len == 0 { break }
                i += len
            }
        }
        return i
    }

    /// Bytes consumed if `atom` matches the scalar at `i`, else 0.
    @inline(__always)
    private func step(_ atom: ScalarSet, _ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Int {
        let b = p[i]
        if b < 0x80 { return atom.containsASCII(b) ? 1 : 0 }
        let (s, len) = UTF8Scalars.decode(p, i, n)
        return atom.contains(s) ? len : 0
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func parse() -> SimplePattern? {
            var atoms: [ScalarSet] = []
            var repeatLast = false
            while i < s.count {
                if repeatLast { return nil }               // `+` only on the last atom
                let c = s[i]
                switch c {
                case "+":
                    guard !atoms.isEmpty else { return nil }
                    repeatLast = true
                    i += 1
                case "[":
                    guard let set = parseClass() else { return nil }
                    atoms.append(set)
                case "\\":
                    guard let set = parseEscape(inClass: false) else { return nil }
                    atoms.append(set)
                case ".":
                    atoms.append(.javaDot); i += 1
                case "^", "$", "|", "?", "*", "(", ")", "{", "}", "]":
                    return nil
                default:
                    atoms.append(.single(c.value)); i += 1
                }
            }
            return SimplePattern(atoms: atoms, repeatLast: repeatLast)
        }

        /// `[...]` with ranges and escapes; no nesting, no `&&`.
        mutating func parseClass() -> ScalarSet? {
            i += 1                                          // [
            var negate = false
            if i < s.count && s[i] == "^" { negate = true; i += 1 }
            var set = ScalarSet()
            var first = true
            while i < s.count && (s[i] != "]" || first) {
                if s[i] == "[" || s[i] == "]" { return nil }
                if s[i] == "&" && i + 1 < s.count && s[i + 1] == "&" { return nil }
                first = false
                var lo: UInt32
                if s[i] == "\\" {
                    guard let e = parseEscape(inClass: true) else { return nil }
                    guard let single = e.singleScalar else {
                        if e.negated { return nil }                // [\S] etc.: leave to the engine
                        set.formUnion(e)
                        continue
                    }
                    lo = single
                } else {
                    lo = s[i].value; i += 1
                }
                // A range `a-z` (a trailing `-` is a literal).
                if i + 1 < s.count && s[i] == "-" && s[i + 1] != "]" {
                    i += 1
                    var hi: UInt32
                    if s[i] == "\\" {
                        guard let e = parseEscape(inClass: true), let single = e.singleScalar else { return nil }
                        hi = single
                    } else {
                        if s[i] == "[" { return nil }
                        hi = s[i].value; i += 1
                    }
                    guard lo <= hi else { return nil }
                    set.insert(lo ... hi)
                } else {
                    set.insert(lo ... lo)
                }
            }
            guard i < s.count else { return nil }             // unterminated
            i += 1                                            // ]
            return negate ? set.inverted() : set
        }

        /// An escape at `s[i] == "\\"`: a class escape or one literal scalar.
        mutating func parseEscape(inClass: Bool) -> ScalarSet? {
            i += 1
            guard i < s.count else { return nil }
            let c = s[i]
            i += 1
            switch c {
            case "s": return .javaSpace
            case "d": return .javaDigit
            case "w": return .javaWord
            case "S": return ScalarSet.javaSpace.inverted()
            case "D": return ScalarSet.javaDigit.inverted()
            case "W": return ScalarSet.javaWord.inverted()
            case "t": return .single(0x09)
            case "n": return .single(0x0A)
            case "r": return .single(0x0D)
            case "f": return .single(0x0C)
            case "a": return .single(0x07)
            case "e": return .single(0x1B)
            case "x":
                guard i + 2 <= s.count, let v = UInt32(String(String.UnicodeScalarView(s[i ..< i + 2])), radix: 16) else { return nil }
                i += 2
                return .single(v)
            case "u":
                guard i + 4 <= s.count, let v = UInt32(String(String.UnicodeScalarView(s[i ..< i + 4])), radix: 16),
                      !(0xD800 ... 0xDFFF).contains(v) else { return nil }
                i += 4
                return .single(v)
            default:
                // Java: a backslash before a non-alphabetic character quotes it;
                // before a letter or digit it is an escape this parser doesn't know.
                if c.properties.isAlphabetic || ("0" ... "9").contains(c) { return nil }
                return .single(c.value)
            }
        }
    }
}
