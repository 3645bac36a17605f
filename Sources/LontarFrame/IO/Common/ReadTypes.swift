import Foundation

/// The file formats Lontar reads and writes.
public enum FileFormat: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// One JSON object per line (`.jsonl`, `.ndjson`, `.json`), as Spark's
    /// `spark.read.json` and Hugging Face's `to_json` use.
    case jsonLines = "jsonl"
    /// Comma-separated values with a header row (RFC 4180).
    case csv
    /// Apache Parquet (read only).
    case parquet

    public var description: String { rawValue }

    /// The format a file name implies, or a clear error for names that imply
    /// nothing (or a compressed file, which must be decompressed first).
    public static func infer(from url: URL) throws -> FileFormat {
        let ext = url.pathExtension.lowercased()
        switch ext {
        case "jsonl", "ndjson", "json": return .jsonLines
        case "csv": return .csv
        case "parquet", "pq": return .parquet
        case "gz", "zst", "bz2", "xz", "zip", "lz4":
            throw FileError(path: url.path, message:
                "compressed files (.\(ext)) are not supported; decompress it first", kind: .unsupported)
        default:
            throw FileError(path: url.path, message:
                "cannot tell the format from the extension '.\(ext)'; use .jsonl, .csv or .parquet, or name the format",
                kind: .usage)
        }
    }
}

/// What a reader does with a malformed record.
public enum ErrorPolicy: Sendable, Equatable {
    /// Stop at the first malformed record and throw (Spark's `FAILFAST`).
    case fail
    /// Drop malformed records and keep going; the report counts them and keeps
    /// the first few errors (Spark's `DROPMALFORMED`).
    case skip
}

/// Options shared by the readers.
public struct ReadOptions: Sendable, Equatable {
    /// Read only these columns, in this order (`nil`: every column, in file order).
    public var columns: [String]?
    /// Stop after this many rows (`nil`: read everything).
    public var limit: Int?
    /// What to do with malformed records.
    public var onError: ErrorPolicy
    /// Blocks parsed at once, each by one worker of `Parallel` (whose
    /// `threadCount` caps the threads actually used); at least 1.
    public var threads: Int
    /// Bytes read and parsed per work item; records are never split.
    public var blockSize: Int
    /// How many skipped-record errors the report keeps (all are counted).
    public var maxReportedIssues: Int

    public init(columns: [String]? = nil, limit: Int? = nil, onError: ErrorPolicy = .fail,
                threads: Int = ReadOptions.defaultThreads, blockSize: Int = 8 << 20,
                maxReportedIssues: Int = 20) {
        self.columns = columns
        self.limit = limit
        self.onError = onError
        self.threads = max(1, threads)
        self.blockSize = max(1 << 10, blockSize)
        self.maxReportedIssues = max(0, maxReportedIssues)
    }

    /// The machine's active cores, between 1 and 8.
    public static var defaultThreads: Int {
        min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }
}

/// Where in a file something went wrong. Lines and columns count from 1,
/// byte offsets from 0 (from the start of the file); the column counts
/// characters (Unicode scalars) in text formats and fields in CSV.
public struct FilePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int?
    public var column: Int?
    public var byteOffset: Int?

    public init(line: Int? = nil, column: Int? = nil, byteOffset: Int? = nil) {
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let column { parts.append("column \(column)") }
        if let byteOffset { parts.append("byte \(byteOffset)") }
        return parts.joined(separator: ", ")
    }
}

/// A record that could not be read, as kept in a `ReadReport`.
public struct ReadIssue: Sendable, Equatable, CustomStringConvertible {
    public var position: FilePosition
    public var message: String

    public var description: String { "\(position): \(message)" }
}

/// What a read did besides building the frame.
public struct ReadReport: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var format: FileFormat
    /// Rows in the frame.
    public var rowsRead: Int = 0
    /// Malformed records dropped (`onError: .skip` only).
    public var rowsSkipped: Int = 0
    /// The first `maxReportedIssues` of the dropped records' errors.
    public var issues: [ReadIssue] = []
    /// Bytes of the file consumed.
    public var bytesRead: Int = 0
    /// JSON `\u` escapes naming a lone UTF-16 surrogate, each read as `?`
    /// (Spark's behaviour: Java's UTF-8 encoder substitutes `?`).
    public var loneSurrogates: Int = 0

    public init(path: String, format: FileFormat) {
        self.path = path
        self.format = format
    }

    public var description: String {
        var s = "read \(rowsRead) rows from \(path) (\(format))"
        if rowsSkipped > 0 { s += "; skipped \(rowsSkipped) malformed" }
        if loneSurrogates > 0 { s += "; \(loneSurrogates) lone surrogate escapes read as '?'" }
        return s
    }
}
