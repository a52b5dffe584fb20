// MARK: - Jitter

/// How a retry delay is randomised so that many clients do not retry in lock-step.
public enum Jitter: Sendable, Hashable {
    /// No randomness: the delay is `min(maximumDelay, initialDelay × multiplier^n)`.
    case none
    /// "Full jitter": a uniform draw from `0 ... min(maximumDelay, initialDelay × multiplier^n)`.
    case full
    /// "Decorrelated jitter": a uniform draw from `initialDelay ... previous × 3`, capped at `maximumDelay`.
    case decorrelated
}

// MARK: - Backoff

/// The pure delay sequence of a retry policy: no clock, no sleeping, the random source is passed in.
///
/// Each call of ``nextDelay(using:)`` gives the delay before the next retry. Tests drive it with a seeded
/// generator and check the bounds of every draw.
public struct Backoff: Sendable, Hashable {
    /// The delay before the first retry (before jitter).
    public let initialDelay: Duration
    /// No delay is longer than this.
    public let maximumDelay: Duration
    /// The growth factor between retries (≥ 1).
    public let multiplier: Double
    /// How delays are randomised.
    public let jitter: Jitter
    /// How many delays were handed out so far.
    public private(set) var retries = 0
    private var previous: Duration

    /// Creates a delay sequence.
    /// - Parameters:
    ///   - initialDelay: the delay before the first retry (before jitter); must not be negative.
    ///   - maximumDelay: the cap on every delay.
    ///   - multiplier: the growth factor, at least 1.
    ///   - jitter: how delays are randomised.
    public init(initialDelay: Duration, maximumDelay: Duration, multiplier: Double, jitter: Jitter) {
        self.initialDelay = max(.zero, initialDelay)
        self.maximumDelay = max(self.initialDelay, maximumDelay)
        self.multiplier = max(1, multiplier)
        self.jitter = jitter
        self.previous = self.initialDelay
    }

    /// The un-jittered exponential delay for retry number `retry` (0-based), capped at ``maximumDelay``.
    public func exponentialDelay(retry: Int) -> Duration {
        let base = Self.seconds(initialDelay)
        let cap = Self.seconds(maximumDelay)
        let grown = base * _pow(multiplier, retry)
        return Self.duration(min(cap, grown))
    }

    /// The delay before the next retry.
    /// - Parameter generator: the random source for the jitter.
    /// - Returns: a delay between zero and ``maximumDelay``.
    public mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        defer { retries += 1 }
        switch jitter {
        case .none:
            return exponentialDelay(retry: retries)
        case .full:
            let upper = Self.seconds(exponentialDelay(retry: retries))
            guard upper > 0 else { return .zero }
            return Self.duration(Double.random(in: 0...upper, using: &generator))
        case .decorrelated:
            let low = Self.seconds(initialDelay)
            let high = max(low, Self.seconds(previous) * 3)
            let drawn = low == high ? low : Double.random(in: low...high, using: &generator)
            let delay = Self.duration(min(Self.seconds(maximumDelay), drawn))
            previous = delay
            return delay
        }
    }

    // MARK: - Helpers

    private func _pow(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<min(exponent, 1024) {
            result *= base
            if result > 1e12 { break }
        }
        return result
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
