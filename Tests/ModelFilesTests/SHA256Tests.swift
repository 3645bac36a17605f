import Foundation
import Testing
@testable import LontarModelFiles
import LontarTestSupport

@Test func sha256KnownVectors() {
    // FIPS 180-4 / NIST examples.
    #expect(SHA256.hash(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hash(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hash(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(SHA256.hash(Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test func sha256StreamingEqualsOneShot() {
    var rng = SplitMix64(seed: 3)
    let data = Data((0 ..< 10_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    let whole = SHA256.hash(data)
    for _ in 0 ..< 50 {
        var h = SHA256()
        var at = 0
        while at < data.count {
            let n = min(Int(rng.next() % 200), data.count - at)
            h.update(data[at ..< at + n])
            at += n
        }
        #expect(h.hexDigest() == whole)
    }
    // finalize() does not consume the state.
    var h = SHA256()
    h.update(Data("ab".utf8))
    _ = h.finalize()
    h.update(Data("c".utf8))
    #expect(h.hexDigest() == SHA256.hash(Data("abc".utf8)))
}

/// Every length around the 64-byte block and 56-byte padding boundaries,
/// and random lengths, against Python's hashlib.
@Test func sha256MatchesHashlib() throws {
    var rng = SplitMix64(seed: 11)
    var lengths = Array(0 ... 130) + [1000, 4095, 4096, 4097, 65_536 + 55]
    lengths += (0 ..< 20).map { _ in Int(rng.next() % 100_000) }
    var blob = Data()
    var mine = [String]()
    for n in lengths {
        let d = Data((0 ..< n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        blob.append(d)
        mine.append(SHA256.hash(d))
    }
    let script = """
        import hashlib, sys
        data = sys.stdin.buffer.read()
        at = 0
        for n in map(int, sys.argv[1:]):
            print(hashlib.sha256(data[at:at + n]).hexdigest()); at += n
        """
    let out = try TestSupport.runPython(["-c", script] + lengths.map(String.init), stdin: blob)
    try #require(out.status == 0, "\(out.stderr)")
    #expect(out.text.split(separator: "\n").map(String.init) == mine)
}

@Test func sha256OfAFile() throws {
    let dir = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("blob")
    var data = Data(count: 5_000_000)
    data.withUnsafeMutableBytes { for i in 0 ..< $0.count { $0[i] = UInt8(truncatingIfNeeded: i &* 31) } }
    try data.write(to: url)
    var reported = [Int]()
    #expect(try SHA256.hash(fileAt: url) { reported.append($0) } == SHA256.hash(data))
    #expect(reported == [4 << 20, data.count])
    let e = #expect(throws: ModelFileError.self) { try SHA256.hash(fileAt: dir.appendingPathComponent("none")) }
    #expect(e?.kind == .io)
}
