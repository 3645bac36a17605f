import Foundation
import Testing
import LontarModel
import LontarModelFiles
import LontarTestSupport

/// Loading Llama GGUF files: the q/k permutation is undone, and bad files
/// (NaN weights, wrong shapes, missing tensors, other architectures) are
/// refused with errors naming the file and tensor.
@Suite struct GGUFLoadingTests {
    func withTemporaryFile<T>(_ body: (URL) throws -> T) throws -> T {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir.appendingPathComponent("model.gguf"))
    }

    @Test(arguments: [false, true])
    func roundTripGivesTheSameLogits(tied: Bool) throws {
        let original = try LlamaModel.random(config: try tinyConfig(tied: tied), seed: 7)
        let (tensors, metadata) = ggufContents(of: original)
        try withTemporaryFile { url in
            try writeGGUF(tensors, metadata: metadata, to: url)
            let loaded = try LlamaModel.load(gguf: url, as: .f32)
            #expect(loaded.config.tieWordEmbeddings == tied)
            #expect(loaded.bosTokenId == 1 && loaded.eosTokenIds == [2])
            let batch: [[Int32]] = [[5, 9, 200, 31, 7, 7, 100], [3, 1, 4, 1, 5, 9]]
            let a = try original.forward(batch, logits: .all), b = try loaded.forward(batch, logits: .all)
            // Same float32 weights in the same layout: the same bits.
            #expect(a.logits!.array == b.logits!.array)
        }
    }

    @Test func nanWeightIsReportedWithTensorAndPosition() throws {
        let model = try LlamaModel.random(config: try tinyConfig(), seed: 1)
        var (tensors, metadata) = ggufContents(of: model)
        tensors["blk.1.ffn_up.weight"]!.values[64 * 3 + 5] = .nan
        try withTemporaryFile { url in
            try writeGGUF(tensors, metadata: metadata, to: url)
            let error = try #require(throws: ModelError.self) { try LlamaModel.load(gguf: url, as: .nf4) }
            #expect(error.kind == .nonFiniteWeights)
            #expect(error.tensor == "blk.1.ffn_up.weight")
            #expect(error.file == url.path)
            #expect(error.description.contains("row 3, column 5"))
        }
    }

    @Test func infiniteWeightIsRefused() throws {
        let model = try LlamaModel.random(config: try tinyConfig(), seed: 1)
        var (tensors, metadata) = ggufContents(of: model)
        tensors["token_embd.weight"]!.values[0] = -.infinity
        try withTemporaryFile { url in
            try writeGGUF(tensors, metadata: metadata, to: url)
            let error = try #require(throws: ModelError.self) { try LlamaModel.load(gguf: url, as: .f32) }
            #expect(error.kind == .nonFiniteWeights && error.tensor == "token_embd.weight")
        }
    }

    @Test func inconsistentShapeIsReported() throws {
        let model = try LlamaModel.random(config: try tinyConfig(), seed: 1)
        var (tensors, metadata) = ggufContents(of: model)
        // The key projection claims 3 key/value heads' rows while the metadata says 2.
        tensors["blk.0.attn_k.weight"] = ([64, 48], [Float](repeating: 0.01, count: 64 * 48))
        try withTemporaryFile { url in
            try writeGGUF(tensors, metadata: metadata, to: url)
            let error = try #require(throws: ModelError.self) { try LlamaModel.load(gguf: url, as: .nf4) }
            #expect(error.kind == .shapeMismatch)
            #expect(error.tensor == "blk.0.attn_k.weight")
            #expect(error.description.contains("[48, 64]") && error.description.contains("[32, 64]"))
        }
    }

    @Test func missingTensorIsReported() throws {
        let model = try LlamaModel.random(config: try tinyConfig(), seed: 1)
        var (tensors, metadata) = ggufContents(of: model)
        tensors["blk.1.ffn_norm.weight"] = nil
        try withTemporaryFile { url in
            try writeGGUF(tensors, metadata: metadata, to: url)
            let error = try #require(throws: ModelError.self) { try LlamaModel.load(gguf: url, as: .f32) }
            #expect(error.kind == .missingTensor && error.tensor == "blk.1.ffn_norm.weight")
        }
    }

    @Test func impossibleHeadCountsAreRefused() throws {
        let model = try LlamaModel.random(config: try tinyConfig(), seed: 1)
        let (tensors, contents) = ggufContents(of: model)
        let metadata: [(String, GGUFWriter.Value)] = contents.map { $0.0 == "llama.attention.head_count_kv" ? ($0.0, .uint32(3)) : $0 }
        try withTemporaryFile { url in
            try writeGGUF(tensors, metadata: metadata, to: url)
            #expect(throws: (any Error).self) { try LlamaModel.load(gguf: url, as: .f32) }
        }
    }

    @Test func otherArchitecturesAreRefused() throws {
        let model = try LlamaModel.random(config: try tinyConfig(), seed: 1)
        let (tensors, contents) = ggufContents(of: model)
        var metadata = contents
        metadata[0] = ("general.architecture", .string("gpt2"))
        try withTemporaryFile { url in
            try writeGGUF(tensors, metadata: metadata, to: url)
            let error = try #require(throws: ModelError.self) { try LlamaModel.load(gguf: url, as: .f32) }
            #expect(error.kind == .unsupported && error.description.contains("gpt2"))
        }
    }

    @Test func notAGGUFFileIsAClearError() throws {
        try withTemporaryFile { url in
            try Data("definitely not a model".utf8).write(to: url)
            let error = try #require(throws: ModelFileError.self) { try LlamaModel.load(gguf: url) }
            #expect(error.file == url.path)
        }
    }
}
