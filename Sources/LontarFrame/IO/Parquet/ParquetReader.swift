enum ParquetReader {
    static func read(_ file: InputFile, options: ReadOptions) throws -> (Frame, ReadReport) {
        throw ReadError(path: file.path, message: "Parquet: not yet", kind: .unsupported)
    }
}
