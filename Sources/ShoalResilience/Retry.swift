// MARK: - Retry

/// What happened before a retry, for logs and tests.
public struct RetryEvent: Sendable {
    /// The attempt that failed (1 = the first).
    public var attempt: Int
    /// Its error, as text.
    public var error: String
    /// How long the caller waits before the next attempt.
    public var delay: Duration
}

/// Runs `operation` until it succeeds, an error is not retryable, the attempts are used up or the budget refuses.
///
/// The last error of the operation is rethrown unchanged when it gives up (so callers match on real failures).
/// Delays are slept on `clock`; a test clock makes them instant. Cancellation stops waiting and is rethrown.
///
/// - Parameters:
///   - policy: attempts, delays, jitter, retry predicate.
///   - budget: an optional shared token bucket; a retry it refuses ends the call with the last error.
///   - clock: the clock the delays are slept on.
///   - generator: the random source for the jitter.
///   - onRetry: called before each sleep.
///   - operation: the work, given the attempt number (1-based).
/// - Returns: the operation's result.
/// - Throws: the operation's last error, or `CancellationError`.
public func retry<C: Clock, T, R: RandomNumberGenerator>(
    policy: RetryPolicy,
    budget: RetryBudget? = nil,
    clock: C,
    generator: inout R,
    isolation: isolated (any Actor)? = #isolation,
    onRetry: (RetryEvent) -> Void = { _ in },
    _ operation: (_ attempt: Int) async throws -> T
) async throws -> T where C.Duration == Duration {
    var backoff = policy.makeBackoff()
    budget?.recordAttempt()
    var attempt = 1
    while true {
        do {
            return try await operation(attempt)
        } catch {
            guard attempt < policy.maximumAttempts, policy.shouldRetry(error) else { throw error }
            if let budget, !budget.tryWithdraw() { throw error }
            let delay = backoff.nextDelay(using: &generator)
            onRetry(RetryEvent(attempt: attempt, error: "\(error)", delay: delay))
            try await clock.sleep(for: delay)
            attempt += 1
        }
    }
}

/// Runs `operation` with retries on the continuous clock and the system random source.
///
/// - Parameters:
///   - policy: attempts, delays, jitter, retry predicate.
///   - budget: an optional shared token bucket.
///   - operation: the work, given the attempt number (1-based).
/// - Returns: the operation's result.
/// - Throws: the operation's last error, or `CancellationError`.
public func retry<T>(
    policy: RetryPolicy = RetryPolicy(),
    budget: RetryBudget? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ operation: (_ attempt: Int) async throws -> T
) async throws -> T {
    var generator = SystemRandomNumberGenerator()
    return try await retry(
        policy: policy,
        budget: budget,
        clock: ContinuousClock(),
        generator: &generator,
        isolation: isolation,
        operation
    )
}
