import Foundation
import LontarTestSupport

/// Which Python peers the tests can use. A test that needs a peer is enabled
/// when the peer is installed, or when peers are required (CI), where a
/// missing peer must then fail the test rather than skip it.
enum Peers {
    static let gguf: Bool = TestSupport.peerAvailable(["gguf", "numpy"]) || TestSupport.peersRequired
}

/// The real model files (gitignored, fetched into `models/`).
enum RealModels {
    static let smollm2 = TestSupport.repoRoot.appendingPathComponent("models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    static var smollm2Present: Bool { FileManager.default.fileExists(atPath: smollm2.path) }
}
