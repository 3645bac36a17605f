// Java oracle for Lontar's regex engine (Tests/RegexTests/JavaDifferentialTests.swift).
//
// Reads one case per line from stdin: four tab-separated fields
//   pattern-hex  input-hex  replacement-hex  split-limit
// where *-hex is the UTF-8 encoding of a string in hexadecimal. For each case
// writes one line with what java.util.regex does:
//   ERR <tab> message-hex                             if Pattern.compile throws
//   OK <tab> finds <tab> replaceAll <tab> split <tab> matches <tab> find
// finds: each successive Matcher.find() as "s,e" for every group (group 0
//   first) joined by ';', matches joined by '|'; offsets are UTF-8 byte
//   offsets, -1 for unset groups, X for a position inside a surrogate pair.
// replaceAll: "R" + result-hex, or "E" + message-hex if it throws.
// split: number of pieces, ':', pieces (hex) joined by ','.
// matches, find: 1 or 0 (Matcher.matches(), a fresh Matcher.find()).
//
// With the argument "categories" it instead prints Character.getType for
// every code point as runs: "first-code-point-hex category" per line.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class RegexOracle {
    static final String[] CATEGORY = {
        "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc",
        "Cf", "??", "Co", "Cs", "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf",
    };

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("categories")) {
            PrintStream out = new PrintStream(System.out, false, "UTF-8");
            int previous = -1;
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                int type = Character.getType(cp);
                if (type != previous) {
                    out.println(Integer.toHexString(cp) + " " + CATEGORY[type]);
                    previous = type;
                }
            }
            out.flush();
            return;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            out.println(run(unhex(f[0]), unhex(f[1]), unhex(f[2]), Integer.parseInt(f[3])));
        }
        out.flush();
    }

    static String run(String pattern, String input, String replacement, int limit) {
        try {
            return runCompiled(Pattern.compile(pattern), input, replacement, limit);
        } catch (PatternSyntaxException e) {
            return "ERR\t" + hex(e.getDescription());
        } catch (RuntimeException e) {
            // Some patterns compile but fail when matching (a JDK bug, e.g.
            // an empty right-hand side of && in a class); report as an error.
            return "ERR\t" + hex("matching throws " + e);
        }
    }

    static String runCompiled(Pattern p, String input, String replacement, int limit) {
        StringBuilder sb = new StringBuilder("OK\t");
        Matcher m = p.matcher(input);
        int count = 0;
        while (m.find()) {
            if (count++ > 0) sb.append('|');
            for (int g = 0; g <= m.groupCount(); g++) {
                if (g > 0) sb.append(';');
                sb.append(offset(input, m.start(g))).append(',').append(offset(input, m.end(g)));
            }
        }
        sb.append('\t');
        try {
            String replaced = p.matcher(input).replaceAll(replacement);
            sb.append('R').append(hex(replaced));
        } catch (RuntimeException e) {
            sb.append('E').append(hex(String.valueOf(e.getMessage())));
        }
        sb.append('\t');
        String[] pieces = p.split(input, limit);
        sb.append(pieces.length).append(':');
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(hex(pieces[i]));
        }
        sb.append('\t').append(p.matcher(input).matches() ? '1' : '0');
        sb.append('\t').append(p.matcher(input).find() ? '1' : '0');
        return sb.toString();
    }

    /** The UTF-8 byte offset of UTF-16 index i, or X inside a surrogate pair. */
    static String offset(String s, int i) {
        if (i < 0) return "-1";
        if (i > 0 && i < s.length() && Character.isHighSurrogate(s.charAt(i - 1))
                && Character.isLowSurrogate(s.charAt(i))) {
            return "X";
        }
        return Integer.toString(s.substring(0, i).getBytes(StandardCharsets.UTF_8).length);
    }

    static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) sb.append(String.format("%02x", b & 0xff));
        return sb.toString();
    }

    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return new String(b, StandardCharsets.UTF_8);
    }
}
