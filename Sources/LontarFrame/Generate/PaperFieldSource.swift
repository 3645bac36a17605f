/// One scientific field's vocabulary: word lists for the generic templates,
/// measurable quantities, and sentence templates of its own.
struct PaperFieldSource {
    var name: String
    /// PubMed-style text starts sentences with a capital letter; arXiv-style
    /// text is lower case apart from names and acronyms.
    var sentenceCase: Bool
    /// Citations as `[ 12 ]` part of the time, besides `@xcite`.
    var numberedCitations: Bool
    var lists: [String: [String]]
    /// `name|unit|low|high|decimals`
    var quantities: [String]
    /// Templates added to the generic ones.
    var sentences: [SentenceKind: [String]]
    /// Sentence kinds an opening of this field uses after its opener.
    var usesOutline: Bool

    /// Every field, in the order rows draw them from.
    static let all: [PaperFieldSource] = [physics, astrophysics, computerScience, mathematics, medicine, biology]
}
