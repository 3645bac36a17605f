import Foundation
import LontarKernels

extension GGMLType {
    /// Whether Lontar can convert this type to float32 (F32, F16, BF16,
    /// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K).
    public var canDequantize: Bool { lt_ggml_can_dequantize(rawValue) != 0 }

    /// The types `canDequantize` accepts.
    public static var dequantizable: [GGMLType] { allCases.filter(\.canDequantize) }

    /// Converts `count` values stored as this type in `source` to float32 in
    /// `destination`, exactly as ggml does. `count` must be a whole number
    /// of blocks; `source` must hold at least their bytes and `destination`
    /// at least `count` floats.
    public func dequantize(_ source: UnsafeRawBufferPointer, count: Int,
                           into destination: UnsafeMutableBufferPointer<Float>) throws {
        guard canDequantize else {
            throw ModelFileError(.unsupported, file: "ggml",
                                 "cannot dequantize \(self) (supported: \(GGMLType.dequantizable.map(\.description).joined(separator: ", ")))")
        }
        guard let bytes = byteCount(elements: count) else {
            throw ModelFileError(.invalidValue, file: "ggml", "\(count) values are not a whole number of \(self) blocks of \(blockSize)")
        }
        precondition(source.count >= bytes && destination.count >= count, "dequantize: buffers too small")
        if count == 0 { return }
        _ = lt_ggml_dequantize(rawValue, source.baseAddress, destination.baseAddress, Int64(count))
    }
}

extension GGUFTensor {
    /// All values as float32, in ggml order (row after row).
    public func dequantize() throws -> [Float] {
        try checkDequantizable()
        return try [Float](unsafeUninitializedCapacity: elementCount) { out, initialized in
            try dequantize(into: out)
            initialized = elementCount
        }
    }

    /// Writes all `elementCount` values as float32 into `destination`, using
    /// several threads for large tensors.
    public func dequantize(into destination: UnsafeMutableBufferPointer<Float>) throws {
        try dequantizeRows(0 ..< info.rowCount, into: destination)
    }

    /// Writes rows `rows` (each `info.rowLength` values) as float32 into
    /// `destination`, which must hold `rows.count * rowLength` floats.
    public func dequantizeRows(_ rows: Range<Int>, into destination: UnsafeMutableBufferPointer<Float>) throws {
        try checkDequantizable()
        guard rows.lowerBound >= 0, rows.upperBound <= info.rowCount else {
            throw ModelFileError(.invalidValue, file: file.name,
                                 "rows \(rows) out of range for tensor '\(name)' with \(info.rowCount) rows")
        }
        let rowLength = info.rowLength, rowBytes = info.bytesPerRow
        precondition(destination.count >= rows.count * rowLength, "dequantizeRows: destination too small")
        guard rows.count > 0, rowLength > 0, let source = bytes.baseAddress, let target = destination.baseAddress else { return }
        let type = info.type.rawValue
        // About 4M values per task: enough work to amortise the threads.
        let rowsPerTask = max(1, (4 << 20) / rowLength)
        let tasks = (rows.count + rowsPerTask - 1) / rowsPerTask
        // The tasks write disjoint ranges of `destination`.
        nonisolated(unsafe) let base = source, out = target
        let work: @Sendable (Int) -> Void = { task in
            let first = rows.lowerBound + task * rowsPerTask
            let n = min(rowsPerTask, rows.upperBound - first)
            _ = lt_ggml_dequantize(type, base + first * rowBytes, out + (first - rows.lowerBound) * rowLength,
                                   Int64(n * rowLength))
        }
        if tasks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: tasks, execute: work) }
    }

    private func checkDequantizable() throws {
        guard info.type.canDequantize else {
            throw ModelFileError(.unsupported, file: file.name,
                                 "tensor '\(name)' has type \(info.type), which Lontar cannot dequantize (supported: \(GGMLType.dequantizable.map(\.description).joined(separator: ", ")))")
        }
    }
}
