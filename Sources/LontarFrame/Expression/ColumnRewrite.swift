/// Rewriting columns in place: the cleaning chains (`lower`, `replace`,
/// `trim` …) replace each text column by an expression over itself.

extension Frame {
    /// This frame with each `column` replaced by its `expression`, every
    /// expression evaluated against this frame as it is now.
    ///
    /// Memory: a text column that only its own rewrite reads, and that this
    /// frame holds alone (no variable, other frame or copy shares it), is
    /// released page by page as its replacement is written, so rewriting a
    /// corpus needs about one copy of its text rather than two. Shared columns
    /// are left intact and cost a copy, as `evaluate` does; the result is the
    /// same either way.
    public consuming func rewritingColumns(_ rewrites: [(column: String, expression: ColumnExpression)]) throws -> Frame {
        var source = consume self
        for rewrite in rewrites { _ = try rewrite.expression.resultType(in: source) }   // errors before any work
        var results: [Column] = []
        for (k, rewrite) in rewrites.enumerated() {
            let readElsewhere = rewrites.indices.contains { $0 != k && rewrites[$0].expression.referencedColumns.contains(rewrite.column) }
            if !readElsewhere, rewrite.expression.referencedColumns == [rewrite.column],
               let i = source.index(of: rewrite.column), let owned = source.takeTextIfUnique(at: i) {
                results.append(try Self.evaluate(rewrite.expression, as: rewrite.column, consuming: owned))
            } else {
                results.append(try source.evaluate(rewrite.expression, as: rewrite.column))
            }
        }
        for column in results { try source.replaceOrAdd(column) }
        return source
    }

    /// Evaluates `expression` over the single text column `owned`, releasing
    /// `owned`'s pages as rows are consumed.
    private static func evaluate(_ expression: ColumnExpression, as name: String, consuming owned: Column) throws -> Column {
        guard case .string(let text) = owned.storage else { preconditionFailure("takeTextIfUnique returns text") }
        let frame = try Frame(columns: [owned])
        let offsets = text.offsets
        return try text.bytes.withUnsafeBufferPointer { buffer in
            var pages = PageReleaser(buffer)
            return try frame.evaluate(expression, as: name) { rows in pages.release(upTo: offsets[rows]) }
        }
    }

    /// Column `i`, taken out of this frame (a placeholder stays until
    /// `replaceOrAdd`), when it is text and this frame was its only holder;
    /// otherwise nil and the frame is unchanged.
    private mutating func takeTextIfUnique(at i: Int) -> Column? {
        guard case .string = columns[i].storage else { return nil }
        var column = columns[i]
        // Drop the frame's reference; if another frame shares this one's
        // column list, the write copies the list and the text stays shared.
        columns[i] = Column(name: column.name, storage: .int64([]))
        guard column.textIsUniquelyReferenced() else {
            columns[i] = column
            return nil
        }
        return column
    }

    /// Adds `column`, or puts it in the place of the column of its name
    /// (including a placeholder left by `takeTextIfUnique`).
    private mutating func replaceOrAdd(_ column: Column) throws {
        if let i = index(of: column.name) {
            if column.count != rowCount {
                throw FrameError.lengthMismatch(column: column.name, expected: rowCount, actual: column.count)
            }
            columns[i] = column
        } else {
            try add(column)
        }
    }
}

extension Column {
    /// Whether this column is text whose bytes no other value references.
    mutating func textIsUniquelyReferenced() -> Bool {
        guard case .string(var text) = storage else { return false }
        storage = .int64([])                 // so `text` is the only copy here
        let unique = isUniquelyReferencedBuffer(&text.bytes)
        storage = .string(text)
        return unique
    }
}
