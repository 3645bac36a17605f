/// The parts of Parquet's metadata (parquet.thrift) that Lontar reads, and
/// their Thrift decoding. Field ids are the ones in parquet.thrift.

enum ParquetPhysicalType: Int32 {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    var name: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

enum ParquetCodec: Int32 {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    var name: String {
        switch self {
        case .uncompressed: "UNCOMPRESSED"
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .lzo: "LZO"
        case .brotli: "BROTLI"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        case .lz4Raw: "LZ4_RAW"
        }
    }
}

enum ParquetEncoding: Int32 {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9

    static func name(_ raw: Int32) -> String {
        switch ParquetEncoding(rawValue: raw) {
        case .plain: "PLAIN"
        case .plainDictionary: "PLAIN_DICTIONARY"
        case .rle: "RLE"
        case .bitPacked: "BIT_PACKED"
        case .deltaBinaryPacked: "DELTA_BINARY_PACKED"
        case .deltaLengthByteArray: "DELTA_LENGTH_BYTE_ARRAY"
        case .deltaByteArray: "DELTA_BYTE_ARRAY"
        case .rleDictionary: "RLE_DICTIONARY"
        case .byteStreamSplit: "BYTE_STREAM_SPLIT"
        case nil: "unknown encoding #\(raw)"
        }
    }
}

/// `LogicalType`, a union: which member is set, plus the integer details.
enum ParquetLogicalType: Equatable {
    case string, map, list, enumeration, decimal, date, time, timestamp
    case integer(bitWidth: Int8, signed: Bool)
    case unknown, json, bson, uuid, float16, other(Int16)

    var name: String {
        switch self {
        case .string: "STRING"
        case .map: "MAP"
        case .list: "LIST"
        case .enumeration: "ENUM"
        case .decimal: "DECIMAL"
        case .date: "DATE"
        case .time: "TIME"
        case .timestamp: "TIMESTAMP"
        case let .integer(w, s): "INTEGER(\(w), \(s ? "signed" : "unsigned"))"
        case .unknown: "UNKNOWN"
        case .json: "JSON"
        case .bson: "BSON"
        case .uuid: "UUID"
        case .float16: "FLOAT16"
        case .other(let id): "logical type #\(id)"
        }
    }
}

struct ParquetSchemaElement {
    var type: ParquetPhysicalType?
    var rawType: Int32?
    var repetition: Int32?      // 0 REQUIRED, 1 OPTIONAL, 2 REPEATED
    var name = ""
    var numChildren: Int = 0
    var convertedType: Int32?
    var logicalType: ParquetLogicalType?
}

struct ParquetColumnMetaData {
    var type: Int32 = -1
    var encodings: [Int32] = []
    var path: [String] = []
    var codec: Int32 = 0
    var numValues: Int64 = 0
    var totalUncompressedSize: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var dictionaryPageOffset: Int64?
}

struct ParquetColumnChunk {
    var filePath: String?
    var meta: ParquetColumnMetaData?
}

struct ParquetRowGroup {
    var columns: [ParquetColumnChunk] = []
    var numRows: Int64 = 0
}

struct ParquetFileMetaData {
    var version: Int32 = 0
    var schema: [ParquetSchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [ParquetRowGroup] = []
    var createdBy: String?
}

enum ParquetPageType: Int32 {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

struct ParquetPageHeader {
    var type: Int32 = -1
    var uncompressedSize: Int32 = 0
    var compressedSize: Int32 = 0
    // DataPageHeader (v1) and DataPageHeaderV2
    var numValues: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = 3
    var repetitionLevelEncoding: Int32 = 3
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed = true
    // DictionaryPageHeader
    var dictionaryNumValues: Int32 = 0
    var dictionaryEncoding: Int32 = 0
}

// MARK: Decoding

extension ParquetFileMetaData {
    static func decode(_ r: inout ThriftReader) throws(ThriftError) -> ParquetFileMetaData {
        var m = ParquetFileMetaData()
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch (id, type) {
            case (1, .i32): m.version = try r.readI32()
            case (2, .list): m.schema = try r.readList { (r, _) throws(ThriftError) in try ParquetSchemaElement.decode(&r) }
            case (3, .i64): m.numRows = try r.readI64()
            case (4, .list): m.rowGroups = try r.readList { (r, _) throws(ThriftError) in try ParquetRowGroup.decode(&r) }
            case (6, .binary): m.createdBy = try r.readString()
            default: try r.skip(type)
            }
        }
        return m
    }
}

extension ParquetSchemaElement {
    static func decode(_ r: inout ThriftReader) throws(ThriftError) -> ParquetSchemaElement {
        var e = ParquetSchemaElement()
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch (id, type) {
            case (1, .i32):
                let raw = try r.readI32()
                e.rawType = raw
                e.type = ParquetPhysicalType(rawValue: raw)
            case (3, .i32): e.repetition = try r.readI32()
            case (4, .binary): e.name = try r.readString()
            case (5, .i32): e.numChildren = Int(max(0, try r.readI32()))
            case (6, .i32): e.convertedType = try r.readI32()
            case (10, .structure): e.logicalType = try ParquetLogicalType.decode(&r)
            default: try r.skip(type)
            }
        }
        return e
    }
}

extension ParquetLogicalType {
    static func decode(_ r: inout ThriftReader) throws(ThriftError) -> ParquetLogicalType? {
        var result: ParquetLogicalType?
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 5: result = .decimal
            case 6: result = .date
            case 7: result = .time
            case 8: result = .timestamp
            case 10:
                var width: Int8 = 64
                var signed = true
                try r.readStruct { (r, id, type) throws(ThriftError) in
                    switch (id, type) {
                    case (1, .byte): width = Int8(bitPattern: try r.readByte())
                    case (2, .boolTrue), (2, .boolFalse): signed = r.bool(type)
                    default: try r.skip(type)
                    }
                }
                result = .integer(bitWidth: width, signed: signed)
                return
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            default: result = .other(id)
            }
            try r.skip(type)
        }
        return result
    }
}

extension ParquetRowGroup {
    static func decode(_ r: inout ThriftReader) throws(ThriftError) -> ParquetRowGroup {
        var g = ParquetRowGroup()
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch (id, type) {
            case (1, .list): g.columns = try r.readList { (r, _) throws(ThriftError) in try ParquetColumnChunk.decode(&r) }
            case (3, .i64): g.numRows = try r.readI64()
            default: try r.skip(type)
            }
        }
        return g
    }
}

extension ParquetColumnChunk {
    static func decode(_ r: inout ThriftReader) throws(ThriftError) -> ParquetColumnChunk {
        var c = ParquetColumnChunk()
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch (id, type) {
            case (1, .binary): c.filePath = try r.readString()
            case (3, .structure): c.meta = try ParquetColumnMetaData.decode(&r)
            default: try r.skip(type)
            }
        }
        return c
    }
}

extension ParquetColumnMetaData {
    static func decode(_ r: inout ThriftReader) throws(ThriftError) -> ParquetColumnMetaData {
        var m = ParquetColumnMetaData()
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch (id, type) {
            case (1, .i32): m.type = try r.readI32()
            case (2, .list): m.encodings = try r.readList { (r, _) throws(ThriftError) in try r.readI32() }
            case (3, .list): m.path = try r.readList { (r, _) throws(ThriftError) in try r.readString() }
            case (4, .i32): m.codec = try r.readI32()
            case (5, .i64): m.numValues = try r.readI64()
            case (6, .i64): m.totalUncompressedSize = try r.readI64()
            case (7, .i64): m.totalCompressedSize = try r.readI64()
            case (9, .i64): m.dataPageOffset = try r.readI64()
            case (11, .i64): m.dictionaryPageOffset = try r.readI64()
            default: try r.skip(type)
            }
        }
        return m
    }
}

extension ParquetPageHeader {
    static func decode(_ r: inout ThriftReader) throws(ThriftError) -> ParquetPageHeader {
        var h = ParquetPageHeader()
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch (id, type) {
            case (1, .i32): h.type = try r.readI32()
            case (2, .i32): h.uncompressedSize = try r.readI32()
            case (3, .i32): h.compressedSize = try r.readI32()
            case (5, .structure):
                try r.readStruct { (r, id, type) throws(ThriftError) in
                    switch (id, type) {
                    case (1, .i32): h.numValues = try r.readI32()
                    case (2, .i32): h.encoding = try r.readI32()
                    case (3, .i32): h.definitionLevelEncoding = try r.readI32()
                    case (4, .i32): h.repetitionLevelEncoding = try r.readI32()
                    default: try r.skip(type)
                    }
                }
            case (7, .structure):
                try r.readStruct { (r, id, type) throws(ThriftError) in
                    switch (id, type) {
                    case (1, .i32): h.dictionaryNumValues = try r.readI32()
                    case (2, .i32): h.dictionaryEncoding = try r.readI32()
                    default: try r.skip(type)
                    }
                }
            case (8, .structure):
                try r.readStruct { (r, id, type) throws(ThriftError) in
                    switch (id, type) {
                    case (1, .i32): h.numValues = try r.readI32()
                    case (2, .i32): h.numNulls = try r.readI32()
                    case (3, .i32): h.numRows = try r.readI32()
                    case (4, .i32): h.encoding = try r.readI32()
                    case (5, .i32): h.definitionLevelsByteLength = try r.readI32()
                    case (6, .i32): h.repetitionLevelsByteLength = try r.readI32()
                    case (7, .boolTrue), (7, .boolFalse): h.isCompressed = r.bool(type)
                    default: try r.skip(type)
                    }
                }
            default: try r.skip(type)
            }
        }
        return h
    }
}
