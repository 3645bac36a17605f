enum CSVReader {
    static func read(_ file: InputFile, options: ReadOptions) throws -> (Frame, ReadReport) {
        throw ReadError(path: file.path, message: "CSV: not yet", kind: .unsupported)
    }
}
