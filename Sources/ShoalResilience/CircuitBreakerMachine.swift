// MARK: - States

/// The three states of a circuit breaker.
public enum CircuitState: String, Sendable, Hashable, Codable {
    /// Calls go through; consecutive failures are counted.
    case closed
    /// Calls are refused until the recovery timeout has passed.
    case open
    /// One trial call is let through; its outcome closes or reopens the circuit.
    case halfOpen = "half_open"
}

/// A change of state, reported to the breaker's observer.
public struct CircuitTransition: Sendable, Hashable {
    /// The state before.
    public var from: CircuitState
    /// The state after.
    public var to: CircuitState

    /// Creates a transition.
    public init(from: CircuitState, to: CircuitState) {
        self.from = from
        self.to = to
    }
}

// MARK: - Machine

/// The pure state machine of a circuit breaker. Time is an input: `now` is the `Duration` since an origin the
/// owner picks (``CircuitBreaker`` uses its creation instant). No clock reads, no locks.
public struct CircuitBreakerMachine: Sendable, Hashable {
    /// What the breaker says to a caller that asks to run.
    public enum Admission: Sendable, Hashable {
        /// Run the call (the circuit is closed).
        case allowed
        /// Run the call as the single half-open trial.
        case trial
        /// Refuse at once: the circuit is open, or a trial is already in flight.
        case rejected
    }

    /// Consecutive failures that open the circuit (≥ 1).
    public let failureThreshold: Int
    /// How long the circuit stays open before a trial call is allowed.
    public let recoveryTimeout: Duration
    /// The current state.
    public private(set) var state: CircuitState = .closed
    /// Consecutive failures counted while closed; a success resets it.
    public private(set) var consecutiveFailures = 0
    /// Whether the half-open trial call is running.
    public private(set) var trialInFlight = false
    private var openedAt: Duration = .zero

    /// Creates a closed breaker.
    /// - Parameters:
    ///   - failureThreshold: consecutive failures that open the circuit (values below 1 count as 1).
    ///   - recoveryTimeout: how long the circuit stays open.
    public init(failureThreshold: Int, recoveryTimeout: Duration) {
        self.failureThreshold = max(1, failureThreshold)
        self.recoveryTimeout = max(.zero, recoveryTimeout)
    }

    /// Asks to run a call at `now`.
    /// - Returns: the admission and the state change it caused (open → half-open), if any.
    public mutating func admit(now: Duration) -> (Admission, CircuitTransition?) {
        switch state {
        case .closed:
            return (.allowed, nil)
        case .open:
            guard now - openedAt >= recoveryTimeout else { return (.rejected, nil) }
            state = .halfOpen
            trialInFlight = true
            return (.trial, CircuitTransition(from: .open, to: .halfOpen))
        case .halfOpen:
            guard !trialInFlight else { return (.rejected, nil) }
            trialInFlight = true
            return (.trial, nil)
        }
    }

    /// Records a successful call: closes the circuit and resets the failure count.
    /// - Returns: the state change, if any.
    public mutating func recordSuccess(now: Duration) -> CircuitTransition? {
        consecutiveFailures = 0
        trialInFlight = false
        guard state != .closed else { return nil }
        let from = state
        state = .closed
        return CircuitTransition(from: from, to: .closed)
    }

    /// Records a failed call at `now`: counts it, and opens the circuit at the threshold or after a failed trial.
    /// - Returns: the state change, if any.
    public mutating func recordFailure(now: Duration) -> CircuitTransition? {
        switch state {
        case .closed:
            consecutiveFailures += 1
            guard consecutiveFailures >= failureThreshold else { return nil }
            return open(now: now, from: .closed)
        case .halfOpen:
            trialInFlight = false
            return open(now: now, from: .halfOpen)
        case .open:
            return nil
        }
    }

    /// Records a call that ended without an outcome (cancelled): frees the trial slot, changes nothing else.
    public mutating func recordAbandoned() {
        trialInFlight = false
    }

    private mutating func open(now: Duration, from: CircuitState) -> CircuitTransition {
        state = .open
        openedAt = now
        consecutiveFailures = 0
        return CircuitTransition(from: from, to: .open)
    }
}
