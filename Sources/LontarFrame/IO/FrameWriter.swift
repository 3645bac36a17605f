import Foundation

/// Writes frames to data files, atomically: the target is replaced only by a
/// complete, synced file (see `AtomicFileWriter`).
public enum FrameWriter {
    /// Writes `frame` to `url` as `format` (by default, from the extension).
    /// JSON Lines round-trips through `FrameReader` exactly (see
    /// `JSONLinesWriter` for the two exceptions); Parquet is read-only.
    public static func write(_ frame: Frame, to url: URL, format: FileFormat? = nil) throws {
        let format = try format ?? FileFormat.infer(from: url)
        if format == .parquet {
            throw FileError(path: url.path, message: "writing Parquet is not supported; write .jsonl or .csv",
                            kind: .unsupported)
        }
        let out = try AtomicFileWriter(path: url.path)
        switch format {
        case .jsonLines: try JSONLinesWriter.write(frame, to: out)
        case .csv: try CSVWriter.write(frame, to: out)
        case .parquet: break
        }
        try out.commit()
    }
}
