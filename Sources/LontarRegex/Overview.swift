// LontarRegex — Java-compatible regular expressions over UTF-8, in linear time.
//
// Spark evaluates `regexp_replace`, `rlike`, `split` and `RegexTokenizer`
// with java.util.regex, so Lontar reproduces Java 17's semantics exactly —
// or refuses a pattern with a `RegexError` (column + message) when it uses
// something this engine does not implement. It never silently matches
// differently.
//
// Pipeline (one file per stage):
//
//   Parser*.swift       Java syntax → RegexNode tree (Syntax.swift), following
//                       the structure of Java's own parser so the same patterns
//                       are accepted and rejected; flags are resolved here.
//   CharacterProperties, UnicodeCategory, CodePointSet
//                       the character classes (ASCII \w \d \s, Unicode \p{…}).
//   Compiler.swift      tree → Program (Program.swift): an NFA over code points
//                       with ordered alternatives (leftmost-first priority) and
//                       Java's rule that a loop ends after an empty round.
//   PikeVM.swift        runs the NFA in lock step with capture groups.
//   LazyDFA.swift, DFASearch.swift, Alphabet.swift
//                       a DFA built on demand from the same NFA: the forward
//                       scan finds where the leftmost-first match ends, the
//                       reverse scan (of the reversed pattern) where it starts.
//   Shortcut.swift, Prefilter.swift
//                       memchr and byte-table loops for literal and single-class
//                       patterns, and for skipping text no match can start in.
//   MatchEngine.swift   per-thread state; picks the fastest exact strategy.
//   JavaOperations.swift, Replacement.swift
//                       Java's find loop (empty-match rules), replaceAll with
//                       `$1`/`${name}`, Pattern.split.
//   RegexPattern.swift  the public API.
//
// Every search is linear in the text for a fixed pattern (find-all can be
// quadratic for patterns whose matches end long before the automaton can
// tell, as in other linear-time engines).
//
// Known differences from Java, all documented where they arise:
// - Text is UTF-8; invalid bytes read as U+FFFD (as Spark's conversion to a
//   Java String does). Java can match inside a surrogate pair (an empty match
//   between the halves of an emoji); positions here are code points.
// - Unicode tables come from the Swift standard library, which follows a newer
//   Unicode version than Java 17 (Unicode 13): newly assigned characters have
//   their categories here and are unassigned in Java, and three code points
//   changed category (see UnicodeCategoryTests).
// - Groups inside a repeated fixed-length group, for which Java reports values
//   left over from backtracking, are listed in
//   `RegexPattern.historyDependentGroups` and refused in replacements.
