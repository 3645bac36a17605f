/// A ggml tensor type, as stored in GGUF tensor infos (`enum ggml_type`).
///
/// Every type ggml currently defines is listed, so any valid file can be read
/// and its tensors' byte sizes computed; which of them can be turned into
/// float32 is `canDequantize`. Ids that ggml has retired (4, 5, 31–33, 36–38)
/// are rejected as unknown, as ggml itself does.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case iq2_xxs = 16
    case iq2_xs = 17
    case iq3_xxs = 18
    case iq1_s = 19
    case iq4_nl = 20
    case iq3_s = 21
    case iq2_s = 22
    case iq4_xs = 23
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case iq1_m = 29
    case bf16 = 30
    case tq1_0 = 34
    case tq2_0 = 35
    case mxfp4 = 39
    case nvfp4 = 40
    case q1_0 = 41

    /// Number of elements in one block (1 for plain element types).
    public var blockSize: Int { layout.block }

    /// Number of bytes one block occupies.
    public var typeSize: Int { layout.bytes }

    /// ggml's name for the type, e.g. "Q4_K", "F32".
    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q2_K: "Q2_K"
        case .q3_K: "Q3_K"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        case .iq2_xxs: "IQ2_XXS"
        case .iq2_xs: "IQ2_XS"
        case .iq3_xxs: "IQ3_XXS"
        case .iq1_s: "IQ1_S"
        case .iq4_nl: "IQ4_NL"
        case .iq3_s: "IQ3_S"
        case .iq2_s: "IQ2_S"
        case .iq4_xs: "IQ4_XS"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .f64: "F64"
        case .iq1_m: "IQ1_M"
        case .bf16: "BF16"
        case .tq1_0: "TQ1_0"
        case .tq2_0: "TQ2_0"
        case .mxfp4: "MXFP4"
        case .nvfp4: "NVFP4"
        case .q1_0: "Q1_0"
        }
    }

    // (elements per block, bytes per block), as in ggml's type traits.
    private var layout: (block: Int, bytes: Int) {
        let qkK = 256
        switch self {
        case .f32: return (1, 4)
        case .f16: return (1, 2)
        case .bf16: return (1, 2)
        case .f64: return (1, 8)
        case .i8: return (1, 1)
        case .i16: return (1, 2)
        case .i32: return (1, 4)
        case .i64: return (1, 8)
        case .q4_0: return (32, 2 + 16)
        case .q4_1: return (32, 2 + 2 + 16)
        case .q5_0: return (32, 2 + 4 + 16)
        case .q5_1: return (32, 2 + 2 + 4 + 16)
        case .q8_0: return (32, 2 + 32)
        case .q8_1: return (32, 4 + 4 + 32)
        case .q2_K: return (qkK, 2 + 2 + qkK / 16 + qkK / 4)
        case .q3_K: return (qkK, 2 + qkK / 4 + qkK / 8 + 12)
        case .q4_K: return (qkK, 2 + 2 + qkK / 2 + 12)
        case .q5_K: return (qkK, 2 + 2 + qkK / 2 + qkK / 8 + 12)
        case .q6_K: return (qkK, 2 + qkK / 2 + qkK / 4 + qkK / 16)
        case .q8_K: return (qkK, 4 + qkK + qkK / 8)
        case .iq2_xxs: return (qkK, 2 + qkK / 4)
        case .iq2_xs: return (qkK, 2 + qkK / 4 + qkK / 32)
        case .iq3_xxs: return (qkK, 2 + qkK / 4 + qkK / 8)
        case .iq1_s: return (qkK, 2 + qkK / 8 + qkK / 16)
        case .iq4_nl: return (32, 2 + 16)
        case .iq3_s: return (qkK, 2 + qkK / 4 + qkK / 8 + qkK / 32 + 4)
        case .iq2_s: return (qkK, 2 + qkK / 4 + qkK / 16)
        case .iq4_xs: return (qkK, 2 + 2 + qkK / 2 + qkK / 64)
        case .iq1_m: return (qkK, qkK / 8 + qkK / 16 + qkK / 32)
        case .tq1_0: return (qkK, 2 + 4 * 13)
        case .tq2_0: return (qkK, 2 + 64)
        case .mxfp4: return (32, 1 + 16)
        case .nvfp4: return (64, 4 + 32)
        case .q1_0: return (128, 2 + 16)
        }
    }
}

extension GGMLType {
    /// The type named `name` (ggml spelling, any case), e.g. "q4_k" or "F16".
    public init?(name: String) {
        guard let type = GGMLType.allCases.first(where: { $0.description.lowercased() == name.lowercased() }) else { return nil }
        self = type
    }

    /// Bytes that `elements` values of this type occupy, or nil when
    /// `elements` is not a whole number of blocks or the size overflows.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockSize == 0 else { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : bytes
    }
}
