import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a file: which file, where in it, and why.
public struct FileSystemError: Error, CustomStringConvertible, LocalizedError {
    public var path: String
    /// The byte offset the failure happened at, when it matters (a write).
    public var offset: Int?
    public var message: String

    public init(path: String, offset: Int? = nil, _ message: String) {
        self.path = path
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset { return "\(path): at byte \(offset): \(message)" }
        return "\(path): \(message)"
    }

    public var errorDescription: String? { description }
}

/// The current `errno` as text (`strerror`).
public func errnoText() -> String {
    String(cString: strerror(errno))
}
