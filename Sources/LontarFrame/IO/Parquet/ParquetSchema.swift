/// Maps a Parquet schema to Lontar columns: which top-level columns are flat
/// leaves Lontar can read, and for the others, why not.

/// A top-level column of the file: readable, or not (and why).
enum ParquetTopColumn {
    case leaf(ParquetLeaf)
    case unsupported(name: String, reason: String)

    var name: String {
        switch self {
        case .leaf(let l): l.name
        case .unsupported(let name, _): name
        }
    }
}

enum ParquetSchema {
    /// The top-level columns of a flattened schema tree (element 0 is the root).
    static func columns(_ schema: [ParquetSchemaElement]) throws(ParquetDecodeError) -> [ParquetTopColumn] {
        guard let root = schema.first else { throw ParquetDecodeError(message: "the schema is empty") }
        var result: [ParquetTopColumn] = []
        var i = 1
        var leafIndex = 0
        for _ in 0 ..< root.numChildren {
            guard i < schema.count else { throw ParquetDecodeError(message: "the schema lists fewer elements than its root declares") }
            let e = schema[i]
            if e.numChildren > 0 {
                let (size, leaves) = try subtree(schema, at: i, depth: 0)
                result.append(.unsupported(name: e.name, reason: "is nested (\(groupKind(e))); Lontar reads flat columns only"))
                i += size
                leafIndex += leaves
            } else {
                result.append(leaf(e, index: leafIndex))
                i += 1
                leafIndex += 1
            }
        }
        var seen = Set<String>()
        for c in result where !seen.insert(c.name).inserted {
            throw ParquetDecodeError(message: "two columns are named '\(c.name)'")
        }
        return result
    }

    /// The number of schema elements and of leaves in the subtree at `i`.
    private static func subtree(_ schema: [ParquetSchemaElement], at i: Int, depth: Int) throws(ParquetDecodeError) -> (Int, Int) {
        guard depth < 100 else { throw ParquetDecodeError(message: "the schema is nested too deeply") }
        guard i < schema.count else { throw ParquetDecodeError(message: "the schema tree is cut off") }
        let e = schema[i]
        if e.numChildren == 0 { return (1, 1) }
        var size = 1, leaves = 0
        for _ in 0 ..< e.numChildren {
            let (s, l) = try subtree(schema, at: i + size, depth: depth + 1)
            size += s
            leaves += l
        }
        return (size, leaves)
    }

    private static func groupKind(_ e: ParquetSchemaElement) -> String {
        if e.logicalType == .list || e.convertedType == 3 { return "a LIST" }
        if e.logicalType == .map || e.convertedType == 1 || e.convertedType == 2 { return "a MAP" }
        return "a struct"
    }

    /// How Lontar reads a leaf, or why it cannot.
    private static func leaf(_ e: ParquetSchemaElement, index: Int) -> ParquetTopColumn {
        func no(_ reason: String) -> ParquetTopColumn { .unsupported(name: e.name, reason: reason) }
        if e.repetition == 2 { return no("is a repeated field (a list); Lontar reads flat columns only") }
        guard let type = e.type else { return no("has an unknown physical type #\(e.rawType ?? -1)") }
        let logical = e.logicalType
        let converted = e.convertedType
        let annotation = logical?.name ?? converted.map(convertedTypeName) ?? ""
        let conversion: ParquetConversion
        switch type {
        case .boolean:
            conversion = .boolean
        case .int32:
            switch (logical, converted) {
            case (nil, nil), (nil, 15), (nil, 16), (nil, 17): conversion = .int32(unsigned: false)
            case (nil, 11), (nil, 12), (nil, 13): conversion = .int32(unsigned: true)
            case (.integer(_, let signed), _): conversion = .int32(unsigned: !signed)
            default: return no("is INT32 with logical type \(annotation), which Lontar does not read")
            }
        case .int64:
            switch (logical, converted) {
            case (nil, nil), (nil, 18), (.integer(_, true), _): conversion = .int64
            case (nil, 14), (.integer(_, false), _): return no("is an unsigned 64-bit integer, which Lontar's bigint cannot hold")
            default: return no("is INT64 with logical type \(annotation), which Lontar does not read")
            }
        case .float: conversion = .float
        case .double: conversion = .double
        case .byteArray:
            switch (logical, converted) {
            case (nil, nil), (.string, _), (.enumeration, _), (.json, _), (nil, 0), (nil, 4), (nil, 19):
                conversion = .string
            default: return no("is BYTE_ARRAY with logical type \(annotation), which Lontar does not read")
            }
        case .int96:
            return no("is INT96 (a legacy timestamp), which Lontar does not read")
        case .fixedLenByteArray:
            return no("is FIXED_LEN_BYTE_ARRAY\(annotation.isEmpty ? "" : " (\(annotation))"), which Lontar does not read")
        }
        return .leaf(ParquetLeaf(name: e.name, conversion: conversion,
                                 maxDefinitionLevel: e.repetition == 1 ? 1 : 0, leafIndex: index))
    }

    private static func convertedTypeName(_ c: Int32) -> String {
        let names = ["UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS", "TIME_MICROS",
                     "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8",
                     "INT_16", "INT_32", "INT_64", "JSON", "BSON", "INTERVAL"]
        return c >= 0 && Int(c) < names.count ? names[Int(c)] : "converted type #\(c)"
    }
}
