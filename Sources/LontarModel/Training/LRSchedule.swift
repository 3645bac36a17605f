import Foundation

/// Learning-rate schedules as transformers' `get_*_schedule_with_warmup`:
/// a multiplier of the base rate as a function of the scheduler step
/// (the number of optimizer steps already taken, so step 1 uses lambda(0)).
public enum LRSchedule: String, Codable, Sendable, CaseIterable {
    case constant, linear, cosine

    /// The multiplier after `step` optimizer steps of `total`, with `warmup` steps of linear warm-up.
    public func factor(step: Int, warmup: Int, total: Int) -> Double {
        if step < warmup { return Double(step) / Double(max(1, warmup)) }
        switch self {
        case .constant:
            return 1
        case .linear:
            return max(0, Double(total - step) / Double(max(1, total - warmup)))
        case .cosine:
            let progress = Double(step - warmup) / Double(max(1, total - warmup))
            return max(0, 0.5 * (1 + cos(Double.pi * 0.5 * 2 * progress)))
        }
    }
}
