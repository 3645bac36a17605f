/// Which variables a whole program still needs, statement by statement.
///
/// A notebook is a program known in full before it runs, so, as a compiler
/// would, its run can free a value after its last use (`words` after the last
/// cell that reads it) and hand a variable's value to the statement that
/// replaces it (`papers = papers | lower input …`) instead of keeping the old
/// value alive beside the new one. On a corpus of gigabytes that is the
/// difference between one copy of the text in memory and two. The REPL has
/// no future to look at and keeps everything.
///
/// The analysis is conservative: every identifier a statement contains
/// counts as a use (command words and function names included), and a cell
/// that does not parse counts as using every word in it.
public struct VariableLiveness: Sendable {
    /// One unit of the program, in run order.
    public enum Unit: Sendable {
        case statement(Statement)
        /// A cell that does not parse: the names it mentions.
        case opaque(Set<String>)
    }

    /// What to do around one statement.
    public struct Plan: Sendable, Equatable {
        /// Variables whose value this statement may take out of the session
        /// when it reads them: it reads them once and nothing later needs
        /// their current value.
        public var moves: Set<String> = []
        /// Variables no later statement reads: dropped after this one.
        public var deadAfter: Set<String> = []
    }

    private var plans: [SourcePosition: Plan] = [:]

    public init(_ units: [Unit]) {
        let uses = units.map(Self.uses)
        var usedLater = Set<String>()            // names read by units after the current one
        for (i, unit) in units.enumerated().reversed() {
            defer { usedLater.formUnion(uses[i].keys) }
            guard case .statement(let statement) = unit else { continue }
            var assigned: String?
            if case .assignment(let name, _, _) = statement { assigned = name }
            var plan = Plan()
            for (name, count) in uses[i] where count == 1 && (name == assigned || !usedLater.contains(name)) {
                plan.moves.insert(name)
            }
            for name in Set(uses[i].keys).union(assigned.map { [$0] } ?? []) where !usedLater.contains(name) {
                plan.deadAfter.insert(name)
            }
            plans[statement.location] = plan
        }
    }

    /// The plan for the statement at `location` (empty when unknown).
    public func plan(at location: SourcePosition) -> Plan {
        plans[location] ?? Plan()
    }

    /// Every name a unit mentions, with how many times.
    private static func uses(_ unit: Unit) -> [String: Int] {
        var counts: [String: Int] = [:]
        switch unit {
        case .opaque(let names):
            for name in names { counts[name, default: 0] += 2 }   // never "read once"
        case .statement(let statement):
            switch statement {
            case .parameter(_, let value, _): count(value, into: &counts)
            case .assignment(_, let pipeline, _), .evaluate(let pipeline): count(pipeline, into: &counts)
            }
        }
        return counts
    }

    private static func count(_ pipeline: Pipeline, into counts: inout [String: Int]) {
        for stage in pipeline.stages {
            switch stage {
            case .command(let call):
                counts[call.name, default: 0] += 1
                for term in call.terms { count(term, into: &counts) }
            case .expression(let expression):
                count(expression, into: &counts)
            }
        }
    }

    private static func count(_ expression: Expression, into counts: inout [String: Int]) {
        switch expression {
        case .literal: break
        case .identifier(let name, _): counts[name, default: 0] += 1
        case .member(let base, _, _): count(base, into: &counts)
        case .call(let name, let arguments, _):
            counts[name, default: 0] += 1
            for argument in arguments { count(argument.value, into: &counts) }
        case .unary(_, let operand, _): count(operand, into: &counts)
        case .binary(_, let lhs, let rhs, _):
            count(lhs, into: &counts)
            count(rhs, into: &counts)
        case .list(let items, _):
            for item in items { count(item, into: &counts) }
        }
    }

    /// The identifier-like words of `text`, for a cell that does not parse.
    public static func words(in text: String) -> Set<String> {
        var words = Set<String>()
        var current = ""
        for c in text.unicodeScalars {
            if c == "_" || c.properties.isAlphabetic || (!current.isEmpty && c.properties.numericType != nil) {
                current.unicodeScalars.append(c)
            } else if !current.isEmpty {
                words.insert(current)
                current = ""
            }
        }
        if !current.isEmpty { words.insert(current) }
        return words
    }
}
