import LontarLanguage

/// Runs a call into an engine (frames, tokenizers, models, files), turning
/// whatever it throws into a `LontarError` located at the command, so every
/// engine failure reaches the user with a file, line and column.
func engineCall<T>(_ location: SourcePosition, _ body: () throws -> T) throws(LontarError) -> T {
    do {
        return try body()
    } catch let error as LontarError {
        throw error
    } catch {
        throw LontarError(String(describing: error), at: location)
    }
}
