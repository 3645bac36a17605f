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
///
/// Materialising hands the base frame over to the rewrite (and keeps the
/// result), so when nothing else holds the original text, the frame engine
/// can release it while the cleaned text is written.
final class PendingColumns: LontarObject, FrameConvertible, @unchecked Sendable {
    private enum State {
        case pending(base: Frame)
        case done(Result<Frame, LontarError>)
    }
    /// Touched only from the session's thread, like every value.
    private var state: State
    /// Column → its expression over the base frame's columns, in first-touched order.
    let pending: [(column: String, expression: ColumnExpression)]
    let location: SourcePosition

    init(base: Frame, pending: [(column: String, expression: ColumnExpression)], location: SourcePosition) {
        self.state = .pending(base: base)
        self.pending = pending
        self.location = location
    }

    /// The frame and the expressions still to apply to it, for the next stage
    /// to compose onto (a materialised result has none left).
    private var composable: (base: Frame, pending: [(column: String, expression: ColumnExpression)]) {
        switch state {
        case .pending(let base): (base, pending)
        case .done(let result): ((try? result.get()) ?? Frame(), [])
        }
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
            (base, pending) = p.composable
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
            _ = try engineCall(location) { try expression.resultType(in: base) }
        }
        return PendingColumns(base: base, pending: pending, location: location)
    }

    func materialize() throws(LontarError) -> Frame {
        guard case .pending(let base) = state else {
            guard case .done(let result) = state else { preconditionFailure() }
            return try result.get()
        }
        // Hand `base` to the rewrite without keeping a copy here (no closure
        // captures it, and `consume` ends this binding even in debug builds),
        // so the frame engine can see that it owns the text alone.
        state = .done(.success(Frame()))
        let result = rewrite(consume base)
        state = .done(result)
        return try result.get()
    }

    private func rewrite(_ base: consuming Frame) -> Result<Frame, LontarError> {
        do {
            return .success(try base.rewritingColumns(pending))
        } catch let error as LontarError {
            return .failure(error)
        } catch {
            return .failure(LontarError(String(describing: error), at: location))
        }
    }

    var typeName: String { "frame" }
    var memberNames: [String] { [] }
    func member(_ name: String) -> Value? { nil }
    func display() -> [Display] {
        (try? materialize()).map { [Presentation.table($0, limit: Presentation.defaultRowLimit)] } ?? []
    }
}
