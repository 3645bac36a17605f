/// `\Q…\E` quoting, rewritten into escapes before parsing as Java does.
extension PatternParser {
    /// Rewrites `\Q…\E` quoting into escapes, as Java's `RemoveQEQuoting`
    /// does, keeping the source column of every resulting character.
    static func removeQuoting(_ p: [Unicode.Scalar]) -> ([Unicode.Scalar], [Int]) {
        var i = 0
        while i < p.count - 1 {
            if p[i] != "\\" { i += 1 } else if p[i + 1] != "Q" { i += 2 } else { break }
        }
        if i >= p.count - 1 { return (p, Array(1...(p.count + 1))) }
        var out = Array(p[0..<i])
        var cols = Array(1...(i + 1)).dropLast().map { $0 }
        func emit(_ c: Unicode.Scalar, _ col: Int) { out.append(c); cols.append(col) }
        i += 2
        var inQuote = true
        var beginQuote = true
        while i < p.count {
            let c = p[i]
            let col = i + 1
            i += 1
            if !c.isASCII || c.properties.isAlphabetic {
                emit(c, col)
            } else if c >= "0" && c <= "9" {
                if beginQuote {
                    // Keeps a digit that starts a quote from extending an
                    // escape before it (Java writes it as \x3N).
                    emit("\\", col); emit("x", col); emit("3", col)
                }
                emit(c, col)
            } else if c != "\\" {
                if inQuote { emit("\\", col) }
                emit(c, col)
            } else if inQuote {
                inQuote = false
                if i < p.count && p[i] == "E" {
                    i += 1
                } else {
                    emit("\\", col)
                    emit("\\", col)
                }
            } else {
                if i < p.count && p[i] == "Q" {
                    i += 1
                    inQuote = true
                    beginQuote = true
                    continue
                }
                emit(c, col)
                if i != p.count {
                    emit(p[i], i + 1)
                    i += 1
                }
            }
            beginQuote = false
        }
        cols.append(p.count + 1)
        return (out, cols)
    }
}
