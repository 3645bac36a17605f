/// Row-level helpers the readers need on string columns.
extension StringColumn {
    /// Appends `n` empty strings (the placeholders behind nulls).
    mutating func appendNullPlaceholders(_ n: Int = 1) {
        offsets.append(contentsOf: repeatElement(bytes.count, count: n))
    }

    /// Appends every row of `other`.
    mutating func appendAllRows(of other: StringColumn) {
        let shift = bytes.count
        bytes.append(contentsOf: other.bytes)
        offsets.reserveCapacity(offsets.count + other.count)
        for i in 1 ..< other.offsets.count { offsets.append(other.offsets[i] + shift) }
    }

    /// Keeps only the first `n` rows.
    mutating func truncateRows(to n: Int) {
        guard n < count else { return }
        bytes.removeSubrange(offsets[n]...)
        offsets.removeSubrange((n + 1)...)
    }
}
