import Foundation

/// "Nice" axis ticks (multiples of 1, 2, 2.5 or 5 × 10ᵏ) and their labels.
enum AxisTicks {
    /// The nice step whose ticks inside `lo ... hi` number closest to
    /// `target` (the larger step on a tie, for less crowded labels).
    static func niceStep(lo: Double, hi: Double, target: Int) -> Double {
        let span = hi - lo
        guard span > 0, span.isFinite else { return 1 }
        let want = max(target, 2)
        let base = floor(log10(span / Double(want)))
        var best = 1.0
        var bestMiss = Int.max
        for k in [base - 1, base, base + 1] {
            for mantissa in [1.0, 2.0, 2.5, 5.0] {
                let step = mantissa * pow(10, k)
                let count = values(lo: lo, hi: hi, step: step).count
                let miss = count < 2 ? Int.max - 1 : abs(count - want)  // two labels at least
                if miss < bestMiss || (miss == bestMiss && step > best) {
                    best = step
                    bestMiss = miss
                }
            }
        }
        return best
    }

    /// The multiples of `step` in `lo ... hi` (computed as k·step, so errors
    /// do not accumulate).
    static func values(lo: Double, hi: Double, step: Double) -> [Double] {
        guard step > 0, lo.isFinite, hi.isFinite, hi >= lo else { return [] }
        let first = (lo / step - 1e-9).rounded(.up)
        let last = (hi / step + 1e-9).rounded(.down)
        guard last >= first, last - first <= 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Decimals needed to write multiples of `step` exactly.
    static func decimals(of step: Double) -> Int {
        var scaled = abs(step)
        for d in 0 ... 12 {
            if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, scaled) { return d }
            scaled *= 10
        }
        return 12
    }

    /// Labels for ticks spaced `step` apart: plain with grouping for small
    /// magnitudes (`0.25`, `1,000`), SI-suffixed from 10,000 up (`250k`,
    /// `1.25M`), scientific for very fine steps (`1.5e-7`).
    static func labels(_ ticks: [Double], step: Double) -> [String] {
        let largest = ticks.map(abs).max() ?? 0
        if largest >= 10_000 {
            return ticks.map { v in
                if abs(v) < step / 2 { return "0" }
                var power = 0
                while power + 1 < NumberFormat.siSuffixes.count && abs(v) >= pow(1000, Double(power + 1)) * (1 - 1e-9) {
                    power += 1
                }
                let scale = pow(1000, Double(power))
                let text = NumberFormat.fixed(v / scale, decimals: decimals(of: step / scale))
                return NumberFormat.trimZeros(text) + NumberFormat.siSuffixes[power]
            }
        }
        let d = decimals(of: step)
        if d > 6 {
            return ticks.map { abs($0) < step / 2 ? "0" : NumberFormat.scientific($0, significantDigits: 3) }
        }
        return ticks.map { NumberFormat.fixed($0, decimals: d, grouping: true) }
    }
}
