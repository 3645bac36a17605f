import LontarFrame
import LontarLanguage

/// A frame with per-column string transformations still to apply.
///
/// `lower`, `upper`, `trim` and `replace` compose onto this instead of
/// rewriting whole columns at every stage, so the paper's eight-step cleaning
/// chain reads each text once and writes each cleaned column once: the
/// frame engine evaluates the composed expression chunk by chunk, keeping
/// only a chunk's intermediates. The next command that needs the frame, or
/// the end of the statement, materialises it.
final class PendingColumns: LontarObject, FrameConvertible, @unchecked Sendable {
    let base: Frame
    /// Column → its expression over `base`'s columns, in first-touched order.
    let pending: [(column: String, expression: ColumnExpression)]
    let location: SourcePosition

    init(base: Frame, pending: [(column: String, expression: ColumnExpression)], location: SourcePosition) {
        self.base = base
        self.pending = pending
        self.location = location
    }

    /// `value` (a frame or pending columns) with `transform` applied to `columns`.
    static func compose(_ value: Value, columns: [String], at location: SourcePosition,
                        _ transform: (ColumnExpression) -> ColumnExpression) throws(LontarError) -> PendingColumns {
        let base: Frame
        var pending: [(column: String, expression: ColumnExpression)]
        switch value {
        case .frame(let f):
            base = f
            pending = []
        case .object(let p as PendingColumns):
            base = p.base
            pending = p.pending
        default:
            throw LontarError("expected a frame, not \(value.typeName)", at: location)
        }
        try ColumnExpressions.requireColumns(columns, in: base, at: location)
        for column in columns {
            if let i = pending.firstIndex(where: { $0.column == column }) {
                pending[i].expression = transform(pending[i].expression)
            } else {
                pending.append((column, transform(.column(column))))
            }
        }
        // Check types and regexes now, so the error points at this stage.
        for (_, expression) in pending {
            _ = try frameCall(location) { try expression.resultType(in: base) }
        }
        return PendingColumns(base: base, pending: pending, location: location)
    }

    func materialize() throws(LontarError) -> Frame {
        var frame = base
        for (column, expression) in pending {
            let computed = try frameCall(location) { try base.evaluate(expression, as: column) }
            try frameCall(location) { try frame.add(computed) }
        }
        return frame
    }

    var typeName: String { "frame" }
    var memberNames: [String] { [] }
    func member(_ name: String) -> Value? { nil }
    func display() -> [Display] {
        (try? materialize()).map { [Presentation.table($0, limit: Presentation.defaultRowLimit)] } ?? []
    }
}
