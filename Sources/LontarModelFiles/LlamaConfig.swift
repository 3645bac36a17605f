import Foundation

/// The hyper-parameters of a Llama-architecture model, from a Hugging Face
/// `config.json` or from GGUF metadata.
public struct LlamaConfig: Sendable, Equatable {
    /// Llama 3.1-style RoPE frequency scaling (`rope_type: "llama3"`).
    public struct RopeScaling: Sendable, Equatable {
        public var type: String
        public var factor: Double
        public var lowFreqFactor: Double
        public var highFreqFactor: Double
        public var originalMaxPositionEmbeddings: Int

        public init(type: String, factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositionEmbeddings: Int) {
            self.type = type
            self.factor = factor
            self.lowFreqFactor = lowFreqFactor
            self.highFreqFactor = highFreqFactor
            self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
        }
    }

    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Key/value heads (grouped-query attention); equals numAttentionHeads without GQA.
    public var numKeyValueHeads: Int
    public var intermediateSize: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var ropeScaling: RopeScaling?
    public var vocabSize: Int
    /// Whether the output projection reuses the token embedding matrix.
    public var tieWordEmbeddings: Bool
    public var maxPositionEmbeddings: Int?
    /// Per-head dimension (hiddenSize / numAttentionHeads unless given).
    public var headDim: Int

    public init(hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, numKeyValueHeads: Int,
                intermediateSize: Int, rmsNormEps: Double, ropeTheta: Double, ropeScaling: RopeScaling? = nil,
                vocabSize: Int, tieWordEmbeddings: Bool, maxPositionEmbeddings: Int? = nil, headDim: Int? = nil) {
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads
        self.intermediateSize = intermediateSize
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.ropeScaling = ropeScaling
        self.vocabSize = vocabSize
        self.tieWordEmbeddings = tieWordEmbeddings
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.headDim = headDim ?? (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0)
    }

    /// Reads a Hugging Face `config.json`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelFileError(.io, file: url.path, "cannot read: \(error.localizedDescription)")
        }
        try self.init(json: data, name: url.path)
    }

    /// Parses `config.json` text. Required: hidden_size, num_hidden_layers,
    /// num_attention_heads, intermediate_size, vocab_size. Defaults as in
    /// transformers' LlamaConfig: num_key_value_heads = num_attention_heads,
    /// rms_norm_eps 1e-6, rope_theta 10000, no rope scaling, untied
    /// embeddings. Newer files keep rope_theta and the scaling in
    /// "rope_parameters"; both layouts are read.
    public init(json: Data, name: String = "config.json") throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: json) } catch {
            throw ModelFileError(.invalidValue, file: name, "not valid JSON: \(error.localizedDescription)")
        }
        guard let c = object as? [String: Any] else { throw ModelFileError(.invalidValue, file: name, "not a JSON object") }

        func int(_ key: String, in dict: [String: Any] = c) throws -> Int? {
            guard let v = dict[key], !(v is NSNull) else { return nil }
            guard let i = jsonInteger(v), i >= 0 else {
                throw ModelFileError(.typeMismatch, file: name, "\"\(key)\" is \(v), expected a non-negative integer")
            }
            return i
        }
        func required(_ key: String) throws -> Int {
            guard let v = try int(key) else { throw ModelFileError(.missingKey, file: name, "\"\(key)\" is missing") }
            return v
        }
        func double(_ key: String, in dict: [String: Any] = c) throws -> Double? {
            guard let v = dict[key], !(v is NSNull) else { return nil }
            guard let n = v as? NSNumber, !(v is String) else {
                throw ModelFileError(.typeMismatch, file: name, "\"\(key)\" is \(v), expected a number")
            }
            return n.doubleValue
        }

        let heads = try required("num_attention_heads")
        let ropeParameters = c["rope_parameters"] as? [String: Any]
        var scaling: RopeScaling?
        let scalingDict = (c["rope_scaling"] as? [String: Any]) ?? ropeParameters
        if let s = scalingDict {
            let type = (s["rope_type"] as? String) ?? (s["type"] as? String) ?? "default"
            if type == "llama3" {
                func need(_ key: String) throws -> Double {
                    guard let v = try double(key, in: s) else {
                        throw ModelFileError(.missingKey, file: name, "rope scaling of type llama3 lacks \"\(key)\"")
                    }
                    return v
                }
                guard let original = try int("original_max_position_embeddings", in: s) else {
                    throw ModelFileError(.missingKey, file: name, "rope scaling of type llama3 lacks \"original_max_position_embeddings\"")
                }
                scaling = RopeScaling(type: type, factor: try need("factor"), lowFreqFactor: try need("low_freq_factor"),
                                      highFreqFactor: try need("high_freq_factor"), originalMaxPositionEmbeddings: original)
            } else if type != "default" {
                throw ModelFileError(.unsupported, file: name, "rope scaling type \"\(type)\" is not supported (only llama3)")
            }
        }
        let tie: Bool
        switch c["tie_word_embeddings"] {
        case nil, is NSNull: tie = false
        case let b as Bool: tie = b
        case let v?: throw ModelFileError(.typeMismatch, file: name, "\"tie_word_embeddings\" is \(v), expected true or false")
        }
        self.init(hiddenSize: try required("hidden_size"),
                  numHiddenLayers: try required("num_hidden_layers"),
                  numAttentionHeads: heads,
                  numKeyValueHeads: try int("num_key_value_heads") ?? heads,
                  intermediateSize: try required("intermediate_size"),
                  rmsNormEps: try double("rms_norm_eps") ?? 1e-6,
                  ropeTheta: try double("rope_theta") ?? ropeParameters.flatMap { try? double("rope_theta", in: $0) } ?? 10000,
                  ropeScaling: scaling,
                  vocabSize: try required("vocab_size"),
                  tieWordEmbeddings: tie,
                  maxPositionEmbeddings: try int("max_position_embeddings"),
                  headDim: try int("head_dim"))
        if numAttentionHeads == 0 || numKeyValueHeads == 0 || numAttentionHeads % numKeyValueHeads != 0 {
            throw ModelFileError(.invalidValue, file: name,
                                 "num_attention_heads \(numAttentionHeads) is not a positive multiple of num_key_value_heads \(numKeyValueHeads)")
        }
    }

    /// Reads the `<arch>.*` hyper-parameters of a Llama-family GGUF file
    /// (architecture "llama" or another using the same keys). Embeddings are
    /// tied when the file has no `output.weight` tensor.
    public init(gguf: GGUFFile) throws {
        let arch = try gguf.string("general.architecture")
        func key(_ k: String) -> String { "\(arch).\(k)" }
        let heads = try gguf.int(key("attention.head_count"))
        let vocab = try gguf.valueIfPresent(key("vocab_size"), as: Int.self)
            ?? gguf.array("tokenizer.ggml.tokens").count
        let hidden = try gguf.int(key("embedding_length"))
        self.init(hiddenSize: hidden,
                  numHiddenLayers: try gguf.int(key("block_count")),
                  numAttentionHeads: heads,
                  numKeyValueHeads: try gguf.value(key("attention.head_count_kv"), default: heads),
                  intermediateSize: try gguf.int(key("feed_forward_length")),
                  rmsNormEps: Double(try gguf.float(key("attention.layer_norm_rms_epsilon"))),
                  ropeTheta: Double(try gguf.value(key("rope.freq_base"), default: Float(10000))),
                  vocabSize: vocab,
                  tieWordEmbeddings: gguf.tensorInfo("output.weight") == nil,
                  maxPositionEmbeddings: try gguf.valueIfPresent(key("context_length")),
                  headDim: try gguf.valueIfPresent(key("attention.key_length")))
    }
}
