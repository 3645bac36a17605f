import Foundation
import LontarKernels
import LontarModelFiles

/// Adapters for llama.cpp: a GGUF LoRA adapter (`--lora adapter.gguf`) and a
/// GGUF model with the adapters merged into its weights.
extension LoRAAdapters {
    /// Writes a llama.cpp LoRA adapter: `general.type` = adapter,
    /// `adapter.type` = lora, `adapter.lora.alpha`, and per adapted weight
    /// `blk.N.<name>.weight.lora_a` (ggml dims [in, r]) and `.lora_b` ([r, out]),
    /// stored as `type` (F32, F16 or Q8_0). Rows are in GGUF order already
    /// (the model was loaded from GGUF), which is what llama.cpp expects.
    public func saveGGUF(to url: URL, architecture: String = "llama", name: String = "Lontar LoRA",
                         type: GGMLType = .f32) throws {
        var writer = GGUFWriter()
        try writer.set("general.architecture", .string(architecture))
        try writer.set("general.type", .string("adapter"))
        try writer.set("general.name", .string(name))
        try writer.set("adapter.type", .string("lora"))
        try writer.set("adapter.lora.alpha", .float32(Float(config.alpha)))
        for s in slots {
            let base = TrainableLlama.ggufName(layer: s.layer, s.target)
            try writer.add(base + ".lora_a", dimensions: [s.inFeatures, config.rank], floats: a(s), as: type)
            try writer.add(base + ".lora_b", dimensions: [config.rank, s.outFeatures], floats: b(s),
                           as: config.rank % 32 == 0 || type != .q8_0 ? type : .f16)
        }
        try writer.write(to: url)
    }

    /// scale * B A for a slot: the change to its weight, [out * in].
    public func delta(_ s: Slot) -> [Float] {
        var d = [Float](repeating: 0, count: s.outFeatures * s.inFeatures)
        lt_matmul_nn_f32(parameters.at(s.bOffset), parameters.at(s.aOffset), &d, s.outFeatures, config.rank,
                           s.inFeatures, 0)
        lt_train_scale(&d, d.count, config.scale)
        return d
    }

    /// Writes `base` with every adapted weight replaced by W + (alpha/r) B A,
    /// stored as `type` (F32, F16 or Q8_0); all other tensors and all
    /// metadata are copied unchanged.
    public func mergeIntoGGUF(base: GGUFFile, to url: URL, type: GGMLType = .f16) throws {
        var writer = GGUFWriter(alignment: base.alignment)
        for (key, value) in base.metadata where key != "general.alignment" {
            try writer.set(key, GGUFWriter.Value(value))
        }
        var merged: [String: Slot] = [:]
        for s in slots { merged[TrainableLlama.ggufName(layer: s.layer, s.target)] = s }
        for tensor in base.tensors {
            guard let s = merged[tensor.name] else {
                try writer.add(tensor)
                continue
            }
            guard tensor.dimensions == [s.inFeatures, s.outFeatures] else {
                throw TrainingError.adapterFile("\(base.name): \(tensor.name) has dims \(tensor.dimensions), the adapter expects [\(s.inFeatures), \(s.outFeatures)]")
            }
            var w = try tensor.dequantize()
            let d = delta(s)
            for i in w.indices { w[i] += d[i] }
            try writer.add(tensor.name, dimensions: tensor.dimensions, floats: w, as: type)
        }
        try writer.write(to: url)
    }
}
