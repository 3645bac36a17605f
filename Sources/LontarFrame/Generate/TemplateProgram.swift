/// Compiled templates flattened into arrays of plain values, for emitting.
///
/// The `Piece` tree is convenient to build and check, but walking it from
/// many threads would retain and release its shared arrays and classes on
/// every step, and those atomic reference counts on shared objects stop
/// the generator from scaling across cores. The program holds the same
/// templates as plain structs in buffers that live as long as the process
/// (fields are compiled once), read through raw pointers.
struct TemplateProgram {
    enum Op: UInt8 {
        /// `a` = byte offset, `b` = byte count.
        case text
        /// `a` = choice index.
        case choice
        /// `a` = percent, `b` = span index.
        case optional
        /// `a` = number spec index.
        case number
        case math
        case cite
        /// `a` = `QuantityPart` raw value.
        case quantity
        case greek
    }

    struct Node {
        var op: Op
        var a: Int32
        var b: Int32
    }

    /// A run of nodes: one template, option or optional body.
    struct Span {
        var start: Int32
        var count: Int32
    }

    /// A choice: its options are spans `first ..< first + count`.
    struct ChoiceEntry {
        var first: Int32
        var count: Int32
        var stickySlot: Int32
    }

    struct QuantityEntry {
        var name: Int32
        var bareName: Int32
        var unit: Int32
        var unitIsEmpty: Bool
        var low: Double
        var high: Double
        var decimals: Int32
    }

    let bytes: UnsafePointer<UInt8>
    let nodes: UnsafePointer<Node>
    let spans: UnsafePointer<Span>
    let choices: UnsafePointer<ChoiceEntry>
    let choiceCount: Int
    let numbers: UnsafePointer<NumberSpec>
    let quantities: UnsafePointer<QuantityEntry>
    let quantityCount: Int
    /// Choice index of each `SentenceKind`'s templates.
    let sentenceChoices: UnsafePointer<Int32>

    /// Flattens `sentences` (one choice per sentence kind) and `quantities`.
    /// The buffers are never freed: programs are built once per field and
    /// live for the whole process.
    init(sentences: [Choice], quantities: [Quantity]) {
        var b = Builder()
        let kinds = sentences.map { b.choice($0) }
        let qs = quantities.map { q in
            QuantityEntry(name: b.sequence(q.name), bareName: b.sequence(q.bareName), unit: b.sequence(q.unit),
                          unitIsEmpty: q.unit.isEmpty, low: q.low, high: q.high, decimals: Int32(q.decimals))
        }
        bytes = Self.permanent(b.bytes)
        nodes = Self.permanent(b.nodes)
        spans = Self.permanent(b.spans)
        choices = Self.permanent(b.choices)
        choiceCount = b.choices.count
        numbers = Self.permanent(b.numbers)
        self.quantities = Self.permanent(qs)
        quantityCount = qs.count
        sentenceChoices = Self.permanent(kinds)
    }

    private static func permanent<T>(_ values: [T]) -> UnsafePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
        _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
        return UnsafePointer(p)
    }

    private struct Builder {
        var bytes: [UInt8] = []
        var nodes: [Node] = []
        var spans: [Span] = []
        var choices: [ChoiceEntry] = []
        var numbers: [NumberSpec] = []
        var choiceIndex: [ObjectIdentifier: Int32] = [:]

        /// Appends `pieces` as one contiguous span (children first); returns the span index.
        mutating func sequence(_ pieces: [Piece]) -> Int32 {
            var own: [Node] = []
            for piece in pieces {
                switch piece {
                case .text(let text):
                    own.append(Node(op: .text, a: Int32(bytes.count), b: Int32(text.count)))
                    bytes.append(contentsOf: text)
                case .choice(let c):
                    own.append(Node(op: .choice, a: choice(c), b: 0))
                case .optional(let percent, let inner):
                    own.append(Node(op: .optional, a: Int32(percent), b: sequence(inner)))
                case .number(let spec):
                    own.append(Node(op: .number, a: Int32(numbers.count), b: 0))
                    numbers.append(spec)
                case .math: own.append(Node(op: .math, a: 0, b: 0))
                case .cite: own.append(Node(op: .cite, a: 0, b: 0))
                case .greek: own.append(Node(op: .greek, a: 0, b: 0))
                case .quantity(let part): own.append(Node(op: .quantity, a: Int32(part.rawValue), b: 0))
                }
            }
            spans.append(Span(start: Int32(nodes.count), count: Int32(own.count)))
            nodes.append(contentsOf: own)
            return Int32(spans.count - 1)
        }

        /// The index of `c`'s entry, flattening it on first sight.
        mutating func choice(_ c: Choice) -> Int32 {
            if let done = choiceIndex[ObjectIdentifier(c)] { return done }
            let options = c.options.map { sequence($0) }
            // Option spans must be consecutive: copy them to the end.
            let first = Int32(spans.count)
            spans.append(contentsOf: options.map { spans[Int($0)] })
            choices.append(ChoiceEntry(first: first, count: Int32(options.count), stickySlot: Int32(c.stickySlot)))
            let index = Int32(choices.count - 1)
            choiceIndex[ObjectIdentifier(c)] = index
            return index
        }
    }
}
