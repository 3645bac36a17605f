/// An element type of a safetensors file, spelled as in its header.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8_e5m2 = "F8_E5M2"
    case f8_e4m3 = "F8_E4M3"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8_e5m2, .f8_e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// The ggml type with the same encoding, for float types Lontar converts.
    var ggmlType: GGMLType? {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        default: nil
        }
    }

    /// Position in the safetensors library's dtype order; its writer puts
    /// tensors of later dtypes first, so Lontar's writer does too.
    var rank: Int {
        switch self {
        case .bool: 0
        case .u8: 4
        case .i8: 5
        case .f8_e5m2: 6
        case .f8_e4m3: 7
        case .i16: 9
        case .u16: 10
        case .f16: 11
        case .bf16: 12
        case .i32: 13
        case .u32: 14
        case .f32: 15
        case .f64: 17
        case .i64: 18
        case .u64: 19
        }
    }
}
