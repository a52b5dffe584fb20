import ShoalCore
import ShoalResilience
import Synchronization
import Testing

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    struct Boom: Error {}

    final class Recorder: Sendable {
        let transitions = Mutex<[CircuitTransition]>([])
        func record(_ t: CircuitTransition) { transitions.withLock { $0.append(t) } }
        var all: [CircuitTransition] { transitions.withLock { $0 } }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func increment() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    func fail(_ breaker: CircuitBreaker<TestClock>) async {
        _ = try? await breaker.call { () async throws -> Int in throw Boom() }
    }

    @Test("closed → open → half-open → closed, and half-open → open on a failed trial")
    func transitions() async throws {
        let clock = TestClock()
        let recorder = Recorder()
        let breaker = CircuitBreaker(
            failureThreshold: 3,
            recoveryTimeout: .seconds(10),
            clock: clock,
            onStateChange: recorder.record
        )
        for _ in 0..<2 { await fail(breaker) }
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 2)
        await fail(breaker)
        #expect(breaker.state == .open)
        // Open: refused without running.
        var ran = false
        await #expect(throws: ShoalError(.unavailable, "")) {
            try await breaker.call { ran = true }
        }
        #expect(!ran)
        clock.advance(by: .seconds(9))
        await #expect(throws: ShoalError(.unavailable, "")) { try await breaker.call {} }
        clock.advance(by: .seconds(1))
        // The trial fails: open again, for another full timeout.
        await fail(breaker)
        #expect(breaker.state == .open)
        clock.advance(by: .seconds(5))
        await #expect(throws: ShoalError(.unavailable, "")) { try await breaker.call {} }
        clock.advance(by: .seconds(5))
        let value = try await breaker.call { 42 }
        #expect(value == 42)
        #expect(breaker.state == .closed)
        #expect(
            recorder.all.map { "\($0.from)>\($0.to)" } == [
                "closed>open", "open>halfOpen", "halfOpen>open", "open>halfOpen", "halfOpen>closed",
            ]
        )
    }

    @Test("failures are consecutive: a success in closed resets the count (the original counted forever)")
    func consecutiveOnly() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 3, recoveryTimeout: .seconds(1), clock: clock)
        for _ in 0..<100 {
            await fail(breaker)
            await fail(breaker)
            try await breaker.call {}
        }
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 0)
    }

    @Test("exactly one trial call in half-open while concurrent callers are refused fast")
    func singleTrial() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 1, recoveryTimeout: .seconds(1), clock: clock)
        await fail(breaker)
        clock.advance(by: .seconds(2))
        let running = Counter()
        let (trialStarted, startedContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                try await breaker.call {
                    running.increment()
                    startedContinuation.yield()
                    for await _ in release { break }
                    return "trial"
                }
            }
            for await _ in trialStarted { break }
            for _ in 0..<50 {
                group.addTask {
                    do {
                        return try await breaker.call {
                            running.increment()
                            return "let through"
                        }
                    } catch let error as ShoalError where error.code == .unavailable {
                        return "refused"
                    }
                }
            }
            var collected: [String] = []
            for _ in 0..<50 {
                if let next = try await group.next() { collected.append(next) }
            }
            releaseContinuation.yield()
            releaseContinuation.finish()
            for try await next in group { collected.append(next) }
            return collected
        }
        #expect(running.count == 1)
        #expect(results.filter { $0 == "refused" }.count == 50)
        #expect(results.contains("trial"))
        #expect(breaker.state == .closed)
    }

    @Test("a fallback answers refused and failed calls")
    func fallback() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 1, recoveryTimeout: .seconds(1), clock: clock)
        let failing: () async throws -> String = { throw Boom() }
        let first = try await breaker.call(fallback: { _ in "fallback after failure" }, failing)
        #expect(first == "fallback after failure")
        #expect(breaker.state == .open)
        let fallback: (any Error) async throws -> String = { "\(($0 as? ShoalError)?.code.description ?? "")" }
        let second = try await breaker.call(fallback: fallback, { "ran" })
        #expect(second == "unavailable")
    }

    @Test("a cancelled trial frees the trial slot without closing or opening")
    func cancelledTrial() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 1, recoveryTimeout: .seconds(1), clock: clock)
        await fail(breaker)
        clock.advance(by: .seconds(1))
        await #expect(throws: CancellationError.self) {
            try await breaker.call { () async throws -> Int in throw CancellationError() }
        }
        #expect(breaker.state == .halfOpen)
        try await breaker.call {}
        #expect(breaker.state == .closed)
    }

    @Test("the pure machine: rejects in open before the timeout, trial slot taken once")
    func machine() {
        var machine = CircuitBreakerMachine(failureThreshold: 2, recoveryTimeout: .seconds(5))
        #expect(machine.admit(now: .zero).0 == .allowed)
        #expect(machine.recordFailure(now: .zero) == nil)
        #expect(machine.recordFailure(now: .seconds(1)) == CircuitTransition(from: .closed, to: .open))
        #expect(machine.admit(now: .seconds(5)).0 == .rejected)
        #expect(machine.admit(now: .seconds(6)).0 == .trial)
        #expect(machine.admit(now: .seconds(6)).0 == .rejected)
        #expect(machine.recordSuccess(now: .seconds(7)) == CircuitTransition(from: .halfOpen, to: .closed))
    }
}
