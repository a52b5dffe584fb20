import ShoalCore
import ShoalResilience
import Synchronization
import Testing

@Suite("Retry")
struct RetryTests {
    struct Flaky: Error {}

    @Test("succeeds after failures, with the exponential sequence slept on the test clock")
    func attemptsAndSequence() async throws {
        let clock = TestClock()
        var generator = SplitMix64(seed: 1)
        let policy = RetryPolicy(
            maximumAttempts: 5,
            initialDelay: .milliseconds(100),
            maximumDelay: .milliseconds(350),
            multiplier: 2,
            jitter: .none,
            shouldRetry: { _ in true }
        )
        var attempts: [Int] = []
        let value = try await retry(policy: policy, clock: clock, generator: &generator) { attempt in
            attempts.append(attempt)
            if attempt < 4 { throw Flaky() }
            return "done"
        }
        #expect(value == "done")
        #expect(attempts == [1, 2, 3, 4])
        #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200), .milliseconds(350)])
    }

    @Test("gives up after the maximum attempts and rethrows the last error")
    func maximumAttempts() async throws {
        let clock = TestClock()
        var generator = SplitMix64(seed: 2)
        var count = 0
        await #expect(throws: ShoalError(.timeout, "")) {
            _ = try await retry(
                policy: .resilient(maxRetries: 3, backoffFactor: 2),
                clock: clock,
                generator: &generator
            ) {
                (_: Int) -> Int in
                count += 1
                throw ShoalError(.timeout, "attempt \(count)")
            }
        }
        #expect(count == 4)
        #expect(clock.sleeps.count == 3)
    }

    @Test("non-retryable errors are rethrown at once")
    func nonRetryable() async throws {
        let clock = TestClock()
        var generator = SplitMix64(seed: 3)
        var count = 0
        await #expect(throws: ShoalError(.invalidArgument, "")) {
            _ = try await retry(policy: RetryPolicy(maximumAttempts: 10), clock: clock, generator: &generator) {
                (_: Int) -> Int in
                count += 1
                throw ShoalError(.invalidArgument, "bad")
            }
        }
        #expect(count == 1)
        #expect(clock.sleeps.isEmpty)
        #expect(RetryPolicy.isTransient(ShoalError(.closed, "x")))
        #expect(!RetryPolicy.isTransient(CancellationError()))
        #expect(!RetryPolicy.isTransient(ShoalError(.malformedInput, "x")))
    }

    @Test("full jitter stays within 0 ... the capped exponential delay (10,000 seeded draws)")
    func fullJitterBounds() {
        var generator = SplitMix64(seed: 42)
        var sawLow = false
        for run in 0..<1000 {
            var backoff = Backoff(
                initialDelay: .milliseconds(100),
                maximumDelay: .seconds(5),
                multiplier: 2,
                jitter: .full
            )
            for retry in 0..<10 {
                let delay = backoff.nextDelay(using: &generator)
                let cap = backoff.exponentialDelay(retry: retry)
                #expect(delay >= .zero && delay <= cap, "run \(run) retry \(retry): \(delay) > \(cap)")
                if delay < cap / 2 { sawLow = true }
            }
        }
        #expect(sawLow)
    }

    @Test("decorrelated jitter stays within initial ... 3 × previous, capped")
    func decorrelatedBounds() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<1000 {
            var backoff = Backoff(
                initialDelay: .milliseconds(100),
                maximumDelay: .seconds(2),
                multiplier: 2,
                jitter: .decorrelated
            )
            var previous = Duration.milliseconds(100)
            for _ in 0..<10 {
                let delay = backoff.nextDelay(using: &generator)
                #expect(delay >= .milliseconds(100) || delay == .seconds(2))
                #expect(delay <= min(.seconds(2), previous * 3) + .nanoseconds(1))
                previous = delay
            }
        }
    }

    @Test("a shared budget stops retries beyond its tokens and refills 10 % per first attempt")
    func budgetExhaustion() async throws {
        let clock = TestClock()
        var generator = SplitMix64(seed: 4)
        let budget = RetryBudget(ratio: 0.1, initialTokens: 2, maximumTokens: 5)
        var count = 0
        await #expect(throws: Flaky.self) {
            _ = try await retry(
                policy: RetryPolicy(maximumAttempts: 10, shouldRetry: { _ in true }),
                budget: budget,
                clock: clock,
                generator: &generator
            ) { (_: Int) -> Int in
                count += 1
                throw Flaky()
            }
        }
        // 2 initial tokens + 0.1 deposited by the call = 2 retries.
        #expect(count == 3)
        #expect(budget.available < 1)
        // Ten more first attempts that succeed deposit one token.
        for _ in 0..<10 {
            _ = try await retry(policy: RetryPolicy(), budget: budget, clock: clock, generator: &generator) { _ in 1 }
        }
        #expect(budget.available >= 1)
        #expect(budget.tryWithdraw())
        #expect(!budget.tryWithdraw())
    }

    @Test("the budget caps total retries at about 10 % of first attempts under sustained failure")
    func budgetRatio() async throws {
        let clock = TestClock()
        var generator = SplitMix64(seed: 5)
        let budget = RetryBudget(ratio: 0.1, initialTokens: 0, maximumTokens: 100)
        var total = 0
        for _ in 0..<1000 {
            _ = try? await retry(
                policy: RetryPolicy(maximumAttempts: 4, shouldRetry: { _ in true }),
                budget: budget,
                clock: clock,
                generator: &generator
            ) { (_: Int) -> Int in
                total += 1
                throw Flaky()
            }
        }
        #expect(total - 1000 <= 100)
        #expect(total - 1000 >= 90)
    }

    @Test("cancellation during the wait stops the retries")
    func cancellation() async throws {
        let clock = TestClock()
        await #expect(throws: CancellationError.self) {
            try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    var generator = SplitMix64(seed: 6)
                    return try await retry(
                        policy: RetryPolicy(shouldRetry: { _ in true }),
                        clock: clock,
                        generator: &generator
                    ) { (_: Int) -> Int in
                        withUnsafeCurrentTask { $0?.cancel() }
                        throw Flaky()
                    }
                }
                return try await group.next() ?? 0
            }
        }
        #expect(clock.sleeps.isEmpty)
    }
}
