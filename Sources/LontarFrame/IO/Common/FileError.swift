/// An error from reading or writing a data file (`FrameReader`,
/// `FrameWriter`): the file, where in it, and what is wrong, worded for the
/// person who has to fix the file.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file breaks its format's rules (a malformed record, a corrupt footer).
        case malformed
        /// The file is valid but uses a feature Lontar does not read.
        case unsupported
        /// The file could not be opened, read or written.
        case io
        /// The request itself is wrong (an unknown column, an unknown extension).
        case usage
    }

    public var path: String
    public var position: FilePosition
    public var message: String
    public var kind: Kind

    public init(path: String, position: FilePosition = FilePosition(), message: String, kind: Kind = .malformed) {
        self.path = path
        self.position = position
        self.message = message
        self.kind = kind
    }

    /// `path:line:column: message (byte N)`, the shape compilers use, so
    /// editors can jump to it.
    public var description: String {
        var s = path
        if let line = position.line {
            s += ":\(line)"
            if let column = position.column { s += ":\(column)" }
        }
        s += ": \(message)"
        if let byte = position.byteOffset { s += " (byte \(byte))" }
        return s
    }
}

/// Describes one byte of input for an error message: the character itself
/// when it is printable ASCII, otherwise its hex value.
func describeByte(_ b: UInt8) -> String {
    if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
    switch b {
    case 0x20: return "a space"
    case 0x09: return "a tab"
    case 0x0A: return "a line feed"
    case 0x0D: return "a carriage return"
    default:
        let hex = Array("0123456789ABCDEF")
        return "byte 0x\(hex[Int(b >> 4)])\(hex[Int(b & 15)])"
    }
}

/// The name `FileError` had first; kept so code written against it still compiles.
public typealias ReadError = FileError
