import ShoalCore
import Synchronization

/// A thread-safe circuit breaker: ``CircuitBreakerMachine`` behind a `Mutex`, timed by an injected clock.
///
/// Closed: calls run, consecutive failures are counted and a success resets the count. At the threshold the
/// circuit opens and calls are refused with ``ShoalError/Code/unavailable`` (or answered by the fallback) without
/// running. After the recovery timeout exactly one trial call runs; callers arriving while it runs are refused at
/// once. The trial's success closes the circuit, its failure reopens it.
public final class CircuitBreaker<C: Clock>: Sendable where C.Duration == Duration {
    private let machine: Mutex<CircuitBreakerMachine>
    private let clock: C
    private let origin: C.Instant
    private let isFailure: @Sendable (any Error) -> Bool
    private let onStateChange: @Sendable (CircuitTransition) -> Void
    /// A name for error messages.
    public let name: String

    /// Creates a closed breaker.
    /// - Parameters:
    ///   - name: a name for error messages.
    ///   - failureThreshold: consecutive failures that open the circuit.
    ///   - recoveryTimeout: how long it stays open before the trial call.
    ///   - clock: the clock that times the recovery.
    ///   - isFailure: which errors count as failures (by default all but `CancellationError`).
    ///   - onStateChange: called after every change of state, outside the lock.
    public init(
        name: String = "circuit",
        failureThreshold: Int = 5,
        recoveryTimeout: Duration = .seconds(30),
        clock: C,
        isFailure: @escaping @Sendable (any Error) -> Bool = { !($0 is CancellationError) },
        onStateChange: @escaping @Sendable (CircuitTransition) -> Void = { _ in }
    ) {
        self.name = name
        self.machine = Mutex(
            CircuitBreakerMachine(failureThreshold: failureThreshold, recoveryTimeout: recoveryTimeout)
        )
        self.clock = clock
        self.origin = clock.now
        self.isFailure = isFailure
        self.onStateChange = onStateChange
    }

    /// The current state (open stays open until a caller asks after the recovery timeout).
    public var state: CircuitState { machine.withLock { $0.state } }

    /// Consecutive failures counted while closed.
    public var consecutiveFailures: Int { machine.withLock { $0.consecutiveFailures } }

    /// Runs `operation` through the breaker.
    /// - Parameters:
    ///   - fallback: when given, answers refused calls and failed calls instead of throwing.
    ///   - operation: the protected work.
    /// - Returns: the operation's (or the fallback's) result.
    /// - Throws: ``ShoalError/Code/unavailable`` when refused without a fallback, or the operation's error.
    public func call<T>(
        isolation: isolated (any Actor)? = #isolation,
        fallback: ((any Error) async throws -> T)? = nil,
        _ operation: () async throws -> T
    ) async throws -> T {
        let (admission, transition) = machine.withLock { $0.admit(now: elapsed()) }
        if let transition { onStateChange(transition) }
        if admission == .rejected {
            let error = ShoalError(.unavailable, "circuit '\(name)' is open: call refused")
            if let fallback { return try await fallback(error) }
            throw error
        }
        do {
            let value = try await operation()
            let change = machine.withLock { $0.recordSuccess(now: elapsed()) }
            if let change { onStateChange(change) }
            return value
        } catch {
            if isFailure(error) {
                let change = machine.withLock { $0.recordFailure(now: elapsed()) }
                if let change { onStateChange(change) }
            } else {
                machine.withLock { $0.recordAbandoned() }
            }
            if let fallback, !(error is CancellationError) { return try await fallback(error) }
            throw error
        }
    }

    private func elapsed() -> Duration { origin.duration(to: clock.now) }
}

extension CircuitBreaker where C == ContinuousClock {
    /// Creates a closed breaker on the continuous clock.
    /// - Parameters:
    ///   - name: a name for error messages.
    ///   - failureThreshold: consecutive failures that open the circuit.
    ///   - recoveryTimeout: how long it stays open before the trial call.
    ///   - onStateChange: called after every change of state.
    public convenience init(
        name: String = "circuit",
        failureThreshold: Int = 5,
        recoveryTimeout: Duration = .seconds(30),
        onStateChange: @escaping @Sendable (CircuitTransition) -> Void = { _ in }
    ) {
        self.init(
            name: name,
            failureThreshold: failureThreshold,
            recoveryTimeout: recoveryTimeout,
            clock: ContinuousClock(),
            onStateChange: onStateChange
        )
    }
}
