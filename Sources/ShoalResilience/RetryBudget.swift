import Synchronization

/// A token bucket shared by many calls that caps retries at a fraction of the first attempts.
///
/// Every first attempt deposits ``ratio`` tokens (up to ``maximumTokens``); every retry withdraws one whole token
/// and is refused when less than one is left. With `ratio = 0.1` retries add at most about 10 % load on top of the
/// first attempts once the initial ``initialTokens`` are spent, however many callers fail at once. The bucket is
/// time-free: it counts calls, not seconds.
public final class RetryBudget: Sendable {
    /// Tokens deposited per first attempt.
    public let ratio: Double
    /// The bucket never holds more than this.
    public let maximumTokens: Double
    /// The tokens the bucket starts with (a burst allowance for a cold start).
    public let initialTokens: Double
    private let tokens: Mutex<Double>

    /// Creates a budget.
    /// - Parameters:
    ///   - ratio: tokens deposited per first attempt (0.1 = retries may add 10 % load).
    ///   - initialTokens: tokens available at the start.
    ///   - maximumTokens: the bucket's cap.
    public init(ratio: Double = 0.1, initialTokens: Double = 10, maximumTokens: Double = 100) {
        self.ratio = max(0, ratio)
        self.maximumTokens = max(0, maximumTokens)
        self.initialTokens = min(max(0, initialTokens), self.maximumTokens)
        self.tokens = Mutex(self.initialTokens)
    }

    /// The tokens available now.
    public var available: Double { tokens.withLock { $0 } }

    /// Records a first attempt: deposits ``ratio`` tokens.
    public func recordAttempt() {
        tokens.withLock { $0 = min(maximumTokens, $0 + ratio) }
    }

    /// Takes one token for a retry.
    /// - Returns: false (and takes nothing) when less than one token is left: the retry must not happen.
    public func tryWithdraw() -> Bool {
        tokens.withLock { value in
            guard value >= 1 else { return false }
            value -= 1
            return true
        }
    }
}
