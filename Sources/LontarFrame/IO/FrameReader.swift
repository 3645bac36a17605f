import Foundation

/// Reads data files into frames: the one entry point for every format.
///
/// ```swift
/// let (frame, report) = try FrameReader.read(url: URL(fileURLWithPath: "train.jsonl"))
/// let (some, _) = try FrameReader.read(url: url, options: ReadOptions(columns: ["input"], limit: 1000))
/// ```
public enum FrameReader {
    /// Reads `url` as `format` (by default, from its extension).
    /// - Throws: `FileError` with the file, position and reason.
    public static func read(url: URL, format: FileFormat? = nil,
                            options: ReadOptions = ReadOptions()) throws -> (Frame, ReadReport) {
        let format = try format ?? FileFormat.infer(from: url)
        let file = try InputFile(path: url.path)
        switch format {
        case .jsonLines: return try JSONLinesReader.read(file, options: options)
        case .csv: return try CSVReader.read(file, options: options)
        case .parquet: return try ParquetReader.read(file, options: options)
        }
    }
}
