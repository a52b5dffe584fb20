import ShoalCore

/// How an operation is retried: attempts, delays, jitter and which errors are worth another try.
///
/// The defaults follow the original design's `RetryConfig` (100 ms → 5 s, × 2, 3 retries) with full jitter.
/// ``resilient(maxRetries:backoffFactor:)`` maps the design's `resilient(max_retries:, backoff_factor:)` onto it.
public struct RetryPolicy: Sendable {
    /// The total number of attempts, the first one included (≥ 1).
    public var maximumAttempts: Int
    /// The delay before the first retry, before jitter.
    public var initialDelay: Duration
    /// The cap on every delay.
    public var maximumDelay: Duration
    /// The growth factor between delays.
    public var multiplier: Double
    /// How delays are randomised.
    public var jitter: Jitter
    /// Decides whether an error is worth another attempt. Errors it rejects are rethrown at once.
    public var shouldRetry: @Sendable (any Error) -> Bool

    /// Creates a policy.
    /// - Parameters:
    ///   - maximumAttempts: total attempts including the first (values below 1 count as 1).
    ///   - initialDelay: the delay before the first retry.
    ///   - maximumDelay: the cap on every delay.
    ///   - multiplier: the growth factor (values below 1 count as 1).
    ///   - jitter: the randomisation, ``Jitter/full`` by default.
    ///   - shouldRetry: which errors retry; by default ``isTransient(_:)``.
    public init(
        maximumAttempts: Int = 4,
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(5),
        multiplier: Double = 2,
        jitter: Jitter = .full,
        shouldRetry: @escaping @Sendable (any Error) -> Bool = RetryPolicy.isTransient
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.shouldRetry = shouldRetry
    }

    /// The design's `resilient(max_retries:, backoff_factor:)`: `maxRetries` retries after the first attempt,
    /// delays growing by `backoffFactor` from 100 ms up to 5 s, full jitter.
    public static func resilient(maxRetries: Int, backoffFactor: Double) -> RetryPolicy {
        RetryPolicy(maximumAttempts: max(0, maxRetries) + 1, multiplier: backoffFactor)
    }

    /// A fresh delay sequence for one call.
    public func makeBackoff() -> Backoff {
        Backoff(initialDelay: initialDelay, maximumDelay: maximumDelay, multiplier: multiplier, jitter: jitter)
    }

    /// The default retry predicate: timeouts, closed connections, refused calls and I/O errors retry; errors that
    /// another attempt cannot fix (bad arguments, malformed input, protocol violations…) and cancellation do not.
    public static func isTransient(_ error: any Error) -> Bool {
        if error is CancellationError { return false }
        guard let shoal = error as? ShoalError else { return true }
        switch shoal.code {
        case .timeout, .closed, .io, .unavailable, .negotiationFailed: return true
        default: return false
        }
    }
}
