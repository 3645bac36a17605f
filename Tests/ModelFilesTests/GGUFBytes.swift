import Foundation

/// Builds GGUF bytes by hand, field by field, so tests can write both valid
/// files and precisely malformed ones (independently of Lontar's own writer).
struct GGUFBytes {
    var data = Data()

    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func raw<T>(_ v: T) { withUnsafeBytes(of: v) { data.append(contentsOf: $0) } }
    mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        data.append(contentsOf: Array(s.utf8))
    }

    /// Magic, version, tensor count and metadata count.
    mutating func header(version: UInt32 = 3, tensors: UInt64, kvs: UInt64) {
        data.append(contentsOf: Array("GGUF".utf8))
        u32(version)
        u64(tensors)
        u64(kvs)
    }

    /// A key with a type tag; the caller appends the value.
    mutating func key(_ k: String, type: UInt32) {
        string(k)
        u32(type)
    }

    mutating func tensorInfo(_ name: String, dims: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dims.count))
        for d in dims { u64(d) }
        u32(type)
        u64(offset)
    }

    /// Zero bytes up to the next multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        while data.count % alignment != 0 { data.append(0) }
    }
}
