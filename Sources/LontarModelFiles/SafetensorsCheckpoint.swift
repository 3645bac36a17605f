import Foundation

/// A model's weights in safetensors form: one file, or several shards tied
/// together by `model.safetensors.index.json` (its "weight_map" names the
/// shard holding each tensor). Every shard is mapped and validated on open,
/// and every tensor the index lists must be in its shard.
public final class SafetensorsCheckpoint: Sendable {
    /// The shards (a single file for an unsharded checkpoint).
    public let files: [SafetensorsFile]
    /// The index file, when sharded.
    public let indexURL: URL?
    /// The index's "metadata" (e.g. total_size), as JSON values.
    public let indexMetadata: [String: String]
    private let location: [String: (file: Int, tensor: SafetensorsTensorInfo)]

    /// Opens a checkpoint from a folder (its `model.safetensors.index.json`,
    /// else `model.safetensors`, else its only `.safetensors` file), an index
    /// file, or a single `.safetensors` file.
    public init(contentsOf url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelFileError(.io, file: url.path, "no such file or folder")
        }
        var target = url
        if isDirectory.boolValue {
            let index = url.appendingPathComponent("model.safetensors.index.json")
            let single = url.appendingPathComponent("model.safetensors")
            let fm = FileManager.default
            if fm.fileExists(atPath: index.path) {
                target = index
            } else if fm.fileExists(atPath: single.path) {
                target = single
            } else {
                let all = ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".safetensors") }.sorted()
                guard all.count == 1 else {
                    throw ModelFileError(.io, file: url.path, all.isEmpty
                        ? "folder has no .safetensors files"
                        : "folder has several .safetensors files (\(all.joined(separator: ", "))) but no model.safetensors.index.json")
                }
                target = url.appendingPathComponent(all[0])
            }
        }
        if target.pathExtension == "json" {
            let (files, metadata, location) = try Self.openSharded(index: target)
            self.files = files
            indexURL = target
            indexMetadata = metadata
            self.location = location
        } else {
            let file = try SafetensorsFile(contentsOf: target)
            files = [file]
            indexURL = nil
            indexMetadata = [:]
            location = Dictionary(uniqueKeysWithValues: file.tensorInfos.map { ($0.name, (0, $0)) })
        }
    }

    private static func openSharded(index: URL) throws
        -> ([SafetensorsFile], [String: String], [String: (file: Int, tensor: SafetensorsTensorInfo)])
    {
        let path = index.path
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(contentsOf: index)) } catch {
            throw ModelFileError(.invalidValue, file: path, "not valid JSON: \(error.localizedDescription)")
        }
        guard let root = json as? [String: Any], let weightMap = root["weight_map"] as? [String: Any] else {
            throw ModelFileError(.invalidValue, file: path, "no \"weight_map\" object")
        }
        var metadata: [String: String] = [:]
        for (k, v) in root["metadata"] as? [String: Any] ?? [:] { metadata[k] = "\(v)" }
        let folder = index.deletingLastPathComponent()
        var files: [SafetensorsFile] = []
        var fileIndex: [String: Int] = [:]
        var location: [String: (file: Int, tensor: SafetensorsTensorInfo)] = [:]
        for (tensor, value) in weightMap.sorted(by: { $0.key < $1.key }) {
            guard let shard = value as? String, !shard.isEmpty, !shard.contains("/"), shard != "..", shard != "." else {
                throw ModelFileError(.invalidValue, file: path, "weight_map entry for '\(tensor)' is not a file name in the index's folder")
            }
            let i: Int
            if let known = fileIndex[shard] {
                i = known
            } else {
                i = files.count
                files.append(try SafetensorsFile(contentsOf: folder.appendingPathComponent(shard)))
                fileIndex[shard] = i
            }
            guard let info = files[i].tensorIfPresent(tensor)?.info else {
                throw ModelFileError(.missingTensor, file: path, "the index puts tensor '\(tensor)' in \(shard), which has no such tensor")
            }
            location[tensor] = (i, info)
        }
        return (files, metadata, location)
    }

    /// All tensor names, sorted.
    public var tensorNames: [String] { location.keys.sorted() }

    public func tensorIfPresent(_ name: String) -> SafetensorsTensor? {
        location[name].map { SafetensorsTensor(info: $0.tensor, region: files[$0.file].region) }
    }

    public func tensor(_ name: String) throws -> SafetensorsTensor {
        guard let t = tensorIfPresent(name) else {
            throw ModelFileError(.missingTensor, file: indexURL?.path ?? files[0].name,
                                 "no tensor named '\(name)' (the checkpoint has \(location.count) tensors)")
        }
        return t
    }
}
