import Foundation
import LontarModelFiles
import LontarTestSupport

/// Which Python peers the tests can use. A test that needs a peer is enabled
/// when the peer is installed, or when peers are required (CI), where a
/// missing peer must then fail the test rather than skip it.
enum Peers {
    static let gguf: Bool = TestSupport.peerAvailable(["gguf", "numpy"]) || TestSupport.peersRequired
    static let safetensors: Bool = TestSupport.peerAvailable(["safetensors", "numpy"]) || TestSupport.peersRequired
}

/// The real model files (gitignored) in the repository's `models/`.
enum RealModels {
    static let store = ModelStore(root: TestSupport.repoRoot.appendingPathComponent("models"))

    /// Tests on SmolLM2 run when the file is there, and always in CI, which
    /// fetches it (through ModelStore) on first use.
    static let smollm2Available: Bool = store.isFetched(.smollm2) || TestSupport.peersRequired

    /// The SmolLM2 GGUF, fetched if needed (only once per test run).
    static func smollm2() throws -> URL { try fetched.get() }

    private static let fetched = Result { try store.resolve("smollm2") }
}
