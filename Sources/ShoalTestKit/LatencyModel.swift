public import ShoalCore

// MARK: - LatencyModel

/// How long a message takes on a link, in virtual nanoseconds.
public enum LatencyModel: Sendable, Hashable {
    /// Always the same delay.
    case fixed(UInt64)
    /// Uniform in `[min, max]`.
    case uniform(min: UInt64, max: UInt64)
    /// A base delay plus an exponentially distributed tail with the given mean (a typical LAN shape),
    /// capped at `cap`.
    case exponential(base: UInt64, mean: UInt64, cap: UInt64)

    /// Draws one delay.
    /// - Parameter random: the simulation's generator.
    /// - Returns: the delay in nanoseconds.
    public func sample(_ random: inout SimRandom) -> UInt64 {
        switch self {
        case .fixed(let d):
            return d
        case .uniform(let lo, let hi):
            guard hi > lo else { return lo }
            return lo + random.next(upperBound: hi - lo + 1)
        case .exponential(let base, let mean, let cap):
            let u = max(random.nextUnit(), 1e-12)
            let tail = -Double(mean) * log(u)
            return min(base + UInt64(min(tail, 1e15)), cap)
        }
    }

    /// A LAN-like default: 200 µs base, 300 µs mean tail, capped at 20 ms.
    public static let lan = LatencyModel.exponential(base: 200_000, mean: 300_000, cap: 20_000_000)
}

/// Natural logarithm without Foundation (series on a reduced argument; accurate to ~1e-12).
func log(_ x: Double) -> Double {
    precondition(x > 0, "log of a non-positive value")
    var m = x
    var e = 0.0
    while m > 2 {
        m /= 2
        e += 1
    }
    while m < 1 {
        m *= 2
        e -= 1
    }
    // ln(m) for m in [1, 2) via atanh series: ln(m) = 2 * atanh((m-1)/(m+1)).
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    var term = y
    var sum = 0.0
    var k = 1.0
    for _ in 0..<40 {
        sum += term / k
        term *= y2
        k += 2
    }
    return 2 * sum + e * 0.693_147_180_559_945_3
}
