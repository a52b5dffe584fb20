import Synchronization
import Testing

@testable import ShoalHost

@Suite("DeadlineQueue: deadlines without a task or timer each")
struct DeadlineQueueTests {
    /// Waits (polling, bounded) until `condition` holds.
    static func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !condition() {
            guard clock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    @Test("expired deadlines run, cancelled ones never do, and a later earlier deadline is not delayed")
    func fireAndCancel() async throws {
        let queue = P2PHost(HostConfiguration()).deadlines
        let fired = Mutex<[Int]>([])
        // A far deadline first, then a near one: the near one must not wait for the far one's timer.
        let far = queue.add(after: .seconds(600)) { fired.withLock { $0.append(0) } }
        _ = queue.add(after: .milliseconds(20)) { fired.withLock { $0.append(1) } }
        let cancelled = queue.add(after: .milliseconds(30)) { fired.withLock { $0.append(2) } }
        _ = queue.add(after: .milliseconds(40)) { fired.withLock { $0.append(3) } }
        #expect(queue.cancel(cancelled))
        #expect(try await Self.eventually { fired.withLock { $0.count } == 2 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(fired.withLock { $0 } == [1, 3])
        #expect(queue.count == 1)
        #expect(queue.cancel(far))
        #expect(!queue.cancel(far))
        #expect(queue.count == 0)
    }

    @Test("many cancelled deadlines are dropped from the heap; the live ones still fire")
    func compaction() async throws {
        let queue = P2PHost(HostConfiguration()).deadlines
        let fired = Mutex(0)
        for _ in 0..<5000 {
            let token = queue.add(after: .seconds(600)) { fired.withLock { $0 += 100 } }
            queue.cancel(token)
        }
        let live = (0..<10).map { _ in queue.add(after: .milliseconds(10)) { fired.withLock { $0 += 1 } } }
        #expect(queue.count == 10)
        #expect(try await Self.eventually { fired.withLock { $0 } == 10 })
        // Expired deadlines cannot be cancelled any more.
        #expect(live.allSatisfy { !queue.cancel($0) })
    }
}
