/// Number formatting as Spark prints it. Placeholder for Java's
/// `Double.toString`; the frame engine provides the exact algorithm.
enum SparkFormat {
    static func double(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
        return "\(v)"
    }
}
