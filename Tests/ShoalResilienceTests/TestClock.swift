import Synchronization

/// A clock that never sleeps: `sleep` records the duration and advances `now` at once.
final class TestClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))

    var now: Instant { Instant(offset: state.withLock { $0.now }) }
    var minimumResolution: Duration { .nanoseconds(1) }
    /// Every duration slept so far.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { s in
            s.sleeps.append(max(.zero, deadline.offset - s.now))
            s.now = max(s.now, deadline.offset)
        }
    }

    /// Moves time forward without sleeping.
    func advance(by duration: Duration) {
        state.withLock { $0.now += duration }
    }
}
