import Foundation
import LontarKernels

/// SHA-256 digests (FIPS 180-4; the C implementation is kernels/sha256.c).
public struct SHA256: Sendable {
    private var context = lt_sha256_ctx()

    public init() { lt_sha256_init(&context) }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        lt_sha256_update(&context, base, bytes.count)
    }

    /// Feeds more bytes.
    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest of everything fed so far.
    public func finalize() -> [UInt8] {
        var copy = context
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { lt_sha256_final(&copy, $0.baseAddress) }
        return digest
    }

    /// The digest as 64 lowercase hex digits.
    public func hexDigest() -> String { SHA256.hex(finalize()) }

    /// The hex digest of `data`.
    public static func hash(_ data: Data) -> String {
        var h = SHA256()
        h.update(data)
        return h.hexDigest()
    }

    /// The hex digest of the file at `url`, read in 4 MiB pieces (so any size
    /// works without loading the file), calling `progress` with bytes done.
    public static func hash(fileAt url: URL, progress: ((Int) -> Void)? = nil) throws -> String {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw ModelFileError(.io, file: url.path, "cannot open to compute its SHA-256: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        var h = SHA256()
        var done = 0
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 4 << 20) } catch {
                throw ModelFileError(.io, file: url.path, offset: done, "read failed: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            h.update(chunk)
            done += chunk.count
            progress?(done)
        }
        return h.hexDigest()
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
