/// Makes arbitrary cell and label text safe for a one-line, fixed-width slot.
///
/// Data cells hold whatever the data held: newlines, tabs, other control
/// characters, `|`. A table row must stay on one line and a markdown pipe
/// table must not see a stray `|`, so these are spelled out visibly
/// (`\n`, `\t`, `\r`, `\x1b`, and `\|` for markdown). Escaping happens before
/// truncation, on whole escape sequences, so a cut never leaves half an
/// escape (a lone `\` before the cell's closing `|` would swallow the pipe).
public enum CellText {
    /// The escaped pieces of `text`: each piece is one input scalar, spelled
    /// visibly if needed, with its display width.
    static func pieces(_ text: String, escapePipes: Bool) -> [(text: String, width: Int)] {
        var out: [(text: String, width: Int)] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out.append(("\\n", 2))
            case 0x0D: out.append(("\\r", 2))
            case 0x09: out.append(("\\t", 2))
            case 0x7C where escapePipes: out.append(("\\|", 2))
            case 0x00 ..< 0x20, 0x7F ..< 0xA0:
                out.append(("\\x" + hex2(scalar.value), 4))
            default:
                out.append((String(scalar), DisplayWidth.of(scalar)))
            }
        }
        return out
    }

    /// `text` escaped for one line (and for a markdown table cell when
    /// `escapePipes`), then cut to `maxWidth` columns with a final `…`.
    public static func fit(_ text: String, maxWidth: Int, escapePipes: Bool) -> String {
        let parts = pieces(text, escapePipes: escapePipes)
        let total = parts.reduce(0) { $0 + $1.width }
        var out = ""
        if total <= maxWidth {
            for p in parts { out += p.text }
            return out
        }
        guard maxWidth > 0 else { return "" }
        var used = 0
        for p in parts {
            if used + p.width > maxWidth - 1 { break }
            out += p.text
            used += p.width
        }
        return out + "…"
    }

    static func hex2(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(v >> 4) & 0xF], digits[Int(v) & 0xF]])
    }
}
