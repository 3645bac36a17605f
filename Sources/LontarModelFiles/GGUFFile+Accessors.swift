/// A Swift type that a GGUF metadata value can be read as.
///
/// Integers convert from any integer type when the value fits (writers differ
/// in which width they use, e.g. for context lengths); floats convert from
/// float32, float64 or an integer; strings and bools must be exactly that.
public protocol GGUFMetadataReadable {
    /// The value as `Self`, or nil when it has another type or does not fit.
    static func fromGGUF(_ value: GGUFValue) -> Self?
    /// What the caller asked for, for error messages ("uint32", "array of string").
    static var ggufTypeName: String { get }
}

extension GGUFFile {
    /// The value of `key` as `T`; throws `.missingKey` when absent and
    /// `.typeMismatch` when it has another type (or does not fit in `T`).
    public func value<T: GGUFMetadataReadable>(_ key: String, as _: T.Type = T.self) throws -> T {
        guard let v = self[key] else {
            throw ModelFileError(.missingKey, file: name, "metadata key '\(key)' is missing")
        }
        return try convert(v, key: key)
    }

    /// The value of `key` as `T`, or nil when the key is absent; throws
    /// `.typeMismatch` when the key exists with another type.
    public func valueIfPresent<T: GGUFMetadataReadable>(_ key: String, as _: T.Type = T.self) throws -> T? {
        guard let v = self[key] else { return nil }
        return try convert(v, key: key)
    }

    /// The value of `key` as `T`, or `defaultValue` when the key is absent;
    /// throws `.typeMismatch` when the key exists with another type.
    public func value<T: GGUFMetadataReadable>(_ key: String, default defaultValue: T) throws -> T {
        try valueIfPresent(key) ?? defaultValue
    }

    private func convert<T: GGUFMetadataReadable>(_ v: GGUFValue, key: String) throws -> T {
        guard let t = T.fromGGUF(v) else {
            let found = v.type == .array ? v.typeName : "\(v.typeName) \(v)"
            throw ModelFileError(.typeMismatch, file: name,
                                 "metadata key '\(key)' is \(found), expected \(T.ggufTypeName)")
        }
        return t
    }

    // Named accessors for the common cases.

    public func string(_ key: String) throws -> String { try value(key) }
    public func bool(_ key: String) throws -> Bool { try value(key) }
    public func uint32(_ key: String) throws -> UInt32 { try value(key) }
    public func int32(_ key: String) throws -> Int32 { try value(key) }
    public func uint64(_ key: String) throws -> UInt64 { try value(key) }
    public func int64(_ key: String) throws -> Int64 { try value(key) }
    public func int(_ key: String) throws -> Int { try value(key) }
    public func float(_ key: String) throws -> Float { try value(key) }
    public func double(_ key: String) throws -> Double { try value(key) }
    public func array(_ key: String) throws -> GGUFArray { try value(key) }
    public func stringArray(_ key: String) throws -> [String] { try value(key) }
    public func int32Array(_ key: String) throws -> [Int32] { try value(key) }
    public func uint32Array(_ key: String) throws -> [UInt32] { try value(key) }
    public func int64Array(_ key: String) throws -> [Int64] { try value(key) }
    public func intArray(_ key: String) throws -> [Int] { try value(key) }
    public func floatArray(_ key: String) throws -> [Float] { try value(key) }
    public func boolArray(_ key: String) throws -> [Bool] { try value(key) }
}

extension String: GGUFMetadataReadable {
    public static func fromGGUF(_ value: GGUFValue) -> String? {
        if case .string(let s) = value { return s }
        return nil
    }
    public static var ggufTypeName: String { "string" }
}

extension Bool: GGUFMetadataReadable {
    public static func fromGGUF(_ value: GGUFValue) -> Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }
    public static var ggufTypeName: String { "bool" }
}

extension Float: GGUFMetadataReadable {
    public static func fromGGUF(_ value: GGUFValue) -> Float? {
        if case .float32(let f) = value { return f }
        return value.double.map(Float.init)
    }
    public static var ggufTypeName: String { "float32" }
}

extension Double: GGUFMetadataReadable {
    public static func fromGGUF(_ value: GGUFValue) -> Double? { value.double }
    public static var ggufTypeName: String { "float64" }
}

extension GGUFArray: GGUFMetadataReadable {
    public static func fromGGUF(_ value: GGUFValue) -> GGUFArray? {
        if case .array(let a) = value { return a }
        return nil
    }
    public static var ggufTypeName: String { "array" }
}

/// Integers: any GGUF integer type whose value fits.
public protocol GGUFIntegerReadable: FixedWidthInteger, GGUFMetadataReadable {}

extension GGUFIntegerReadable {
    public static func fromGGUF(_ value: GGUFValue) -> Self? { value.integer(as: Self.self) }
    public static var ggufTypeName: String {
        let name = "\(Self.self)".lowercased()
        return name == "int" ? "integer" : name
    }
}

extension UInt8: GGUFIntegerReadable {}
extension Int8: GGUFIntegerReadable {}
extension UInt16: GGUFIntegerReadable {}
extension Int16: GGUFIntegerReadable {}
extension UInt32: GGUFIntegerReadable {}
extension Int32: GGUFIntegerReadable {}
extension UInt64: GGUFIntegerReadable {}
extension Int64: GGUFIntegerReadable {}
extension Int: GGUFIntegerReadable {}

extension Array: GGUFMetadataReadable where Element: GGUFMetadataReadable {
    public static func fromGGUF(_ value: GGUFValue) -> [Element]? {
        guard case .array(let a) = value else { return nil }
        // Fast paths that avoid boxing every element in a GGUFValue.
        if Element.self == String.self { return a.strings() as? [Element] }
        if Element.self == Float.self { return a.floats() as? [Element] }
        var out = [Element]()
        out.reserveCapacity(a.count)
        for v in a {
            guard let e = Element.fromGGUF(v) else { return nil }
            out.append(e)
        }
        return out
    }
    public static var ggufTypeName: String { "array of \(Element.ggufTypeName)" }
}
