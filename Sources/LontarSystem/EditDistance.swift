/// Edit distance and the "did you mean …?" candidates built on it, for every
/// place that tells a user about a name it does not know (commands,
/// variables, columns, members).

/// The Levenshtein distance between two strings, over characters.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0 ... b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1 ... a.count {
        current[0] = i
        for j in 1 ... b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The candidates close to `name`: those it is a prefix of, then those within
/// about a third of its length in edit distance, nearest first (ignoring case).
public func closeMatches(for name: String, in candidates: [String], limit: Int = 3) -> [String] {
    let lowered = name.lowercased()
    let threshold = max(1, lowered.count / 3 + 1)
    let scored = candidates.compactMap { candidate -> (String, Int)? in
        let c = candidate.lowercased()
        if c.hasPrefix(lowered) && !lowered.isEmpty { return (candidate, 0) }
        let d = editDistance(lowered, c)
        return d <= threshold ? (candidate, d) : nil
    }
    return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
}
