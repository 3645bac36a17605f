import Foundation
import Testing
import LontarKernels
import LontarTestSupport

/// NF4 with double quantization, checked byte for byte against bitsandbytes'
/// output in shared/reference/nf4.
@Suite struct NF4Tests {
    struct Reference {
        var input: [Float]
        var packed: [UInt8]
        var json: [String: Any]
    }

    static func loadReference() throws -> Reference {
        let dir = TestSupport.sharedReference.appendingPathComponent("nf4")
        let input = try readFloats(dir.appendingPathComponent("input_256x512_f32.bin"))
        let packed = [UInt8](try Data(contentsOf: dir.appendingPathComponent("packed_256x512.bin")))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("reference.json"))) as! [String: Any]
        return Reference(input: input, packed: packed, json: json)
    }

    static func hexBytes(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test func codeTablesMatchBitsandbytes() throws {
        let ref = try Self.loadReference()
        let hex = ref.json["nf4_code_f32_hex_le"] as! [String]
        for i in 0..<16 {
            let bits = Self.hexBytes(hex[i]).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
            #expect(withUnsafePointer(to: lt_nf4_code) { $0.withMemoryRebound(to: Float.self, capacity: 16) { $0[i] } }.bitPattern == bits)
        }
        let dq = (ref.json["double_quant"] as! [String: Any])["nested_code"] as! [Double]
        let table = withUnsafePointer(to: lt_nf4_dq_code) { $0.withMemoryRebound(to: Float.self, capacity: 256) { Array(UnsafeBufferPointer(start: $0, count: 256)) } }
        #expect(table == dq.map { Float($0) })
    }

    @Test func packedBytesAndAbsmaxMatchBitsandbytes() throws {
        let ref = try Self.loadReference()
        let n = ref.input.count
        #expect(n == 256 * 512)
        var packed = [UInt8](repeating: 0, count: lt_nf4_packed_bytes(n))
        var absmax = [Float](repeating: 0, count: lt_nf4_blocks(n))
        lt_nf4_quantize_blocks(ref.input, n, &packed, &absmax)
        let mismatches = zip(packed, ref.packed).filter { $0 != $1 }.count
        #expect(mismatches == 0, "packed NF4 bytes differ from bitsandbytes in \(mismatches) of \(n / 2)")
        let single = ref.json["single"] as! [String: Any]
        #expect(absmax == (single["absmax"] as! [Double]).map { Float($0) })

        // Dequantizing with float absmax reproduces bnb's error statistics exactly.
        var deq = [Float](repeating: 0, count: n)
        lt_nf4_dequantize_blocks(packed, absmax, n, &deq)
        let maxErr = zip(deq, ref.input).map { abs($0 - $1) }.max()!
        #expect(maxErr == Float(single["dequant_max_abs_err"] as! Double))
    }

    @Test func doubleQuantizationMatchesBitsandbytes() throws {
        let ref = try Self.loadReference()
        let dq = ref.json["double_quant"] as! [String: Any]
        var packed = [UInt8](repeating: 0, count: lt_nf4_packed_bytes(ref.input.count))
        var qabsmax = [UInt8](repeating: 0, count: lt_nf4_blocks(ref.input.count))
        var absmax2 = [Float](repeating: 0, count: lt_nf4_dq_blocks(ref.input.count))
        var t = lt_nf4_tensor()
        t.rows = 256
        t.cols = 512
        #expect(lt_nf4_quantize(ref.input, &t, &packed, &qabsmax, &absmax2) == 0)
        #expect(packed == ref.packed)
        #expect(qabsmax == Self.hexBytes(dq["qabsmax_uint8_hex"] as! String))
        #expect(absmax2 == (dq["nested_absmax"] as! [Double]).map { Float($0) })
        #expect(t.offset == Float(dq["offset_mean_of_absmax"] as! Double))

        var restored = [Float](repeating: 0, count: qabsmax.count)
        lt_nf4_restore_absmax(qabsmax, absmax2, t.offset, qabsmax.count, &restored)
        #expect(Array(restored.prefix(8)) == (dq["absmax_reconstructed_first8"] as! [Double]).map { Float($0) })

        var deq = [Float](repeating: 0, count: ref.input.count)
        packed.withUnsafeBufferPointer { p in
            qabsmax.withUnsafeBufferPointer { q in
                absmax2.withUnsafeBufferPointer { a in
                    t.packed = p.baseAddress
                    t.qabsmax = q.baseAddress
                    t.absmax2 = a.baseAddress
                    lt_nf4_dequantize(&t, &deq)
                }
            }
        }
        let maxErr = zip(deq, ref.input).map { abs($0 - $1) }.max()!
        #expect(maxErr == Float(dq["dequant_max_abs_err"] as! Double))
    }

    @Test func bitsPerElementIsAbout4_127() {
        let bits = lt_nf4_bits_per_element(4096 * 4096)
        #expect(abs(bits - 4.127) < 0.001)
    }

    /// Fresh random tensors of odd sizes: every element dequantizes to the
    /// nearest code (ties low) times its block absmax, blocks running over the
    /// flattened tensor.
    @Test(arguments: [(13, 67), (1, 1), (3, 64), (7, 129), (300, 3)])
    func roundTripFollowsTheRules(rows: Int, cols: Int) {
        let seed = freshSeed()
        var rng = SplitMix64(seed: seed)
        let n = rows * cols
        var x = rng.normals(n, scale: 0.05)
        if n > 5 { x[2] = 0; x[5] = -x[4] }
        var packed = [UInt8](repeating: 0, count: lt_nf4_packed_bytes(n))
        var absmax = [Float](repeating: 0, count: lt_nf4_blocks(n))
        lt_nf4_quantize_blocks(x, n, &packed, &absmax)
        let code = (0..<16).map { i in withUnsafePointer(to: lt_nf4_code) { $0.withMemoryRebound(to: Float.self, capacity: 16) { $0[i] } } }
        for i in 0..<n {
            let block = i / 64
            let blockValues = x[(block * 64)..<min(n, block * 64 + 64)]
            #expect(absmax[block] == blockValues.map { abs($0) }.max()!)
            let q = Int(i % 2 == 0 ? packed[i / 2] >> 4 : packed[i / 2] & 15)
            let scaled = Double(x[i]) / Double(max(absmax[block], 1e-38))
            let best = (0..<16).min { abs(Double(code[$0]) - scaled) < abs(Double(code[$1]) - scaled) }!
            // Nearest code; a near-tie may go either way by one float32 rounding.
            let dq = abs(Double(code[q]) - scaled), db = abs(Double(code[best]) - scaled)
            #expect(dq <= db + 1e-6, "seed \(seed): element \(i) code \(q), nearest \(best)")
        }
    }
}

/// Dequantizing a span of the flattened tensor (the vectorised path runs on
/// 32-aligned stretches) gives exactly the portable path's values.
@Suite(.serialized) struct NF4RangeTests {
    @Test func rangesMatchTheWholeTensorBitForBit() {
        var rng = SplitMix64(seed: freshSeed())
        let rows = 7, cols = 197
        let w = NF4Weight(rng.normals(rows * cols, scale: 0.05), rows: rows, cols: cols)
        let all = withKernelSettings(isa: LT_ISA_SCALAR) { w.dequantized() }
        for (start, count) in [(0, rows * cols), (1, 31), (5, 64), (32, 96), (63, 300), (100, 33), (640, 739)] {
            var out = [Float](repeating: .nan, count: count)
            w.with { lt_nf4_dequantize_range($0, start, count, &out) }
            #expect(out == Array(all[start..<start + count]), "start \(start) count \(count)")
        }
    }
}
