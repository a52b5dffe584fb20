import NIOCore
import Synchronization

/// Deadlines for the host's own stream work (negotiations, ping, identify) without a task or a timer each.
///
/// `withDeadline` costs two child tasks and a sleeping timer per call; a connection setup used about a dozen. Here a
/// deadline is an entry in a min-heap behind a lock, and one callback scheduled on an event loop fires at the
/// earliest live entry. Deadlines added later than the earliest one (the usual case: equal timeouts arrive in order)
/// schedule nothing; a cancelled deadline is only removed from the index and its heap entry is skipped, or dropped
/// when the heap is rebuilt (once more than half of it is cancelled).
final class DeadlineQueue: Sendable {
    /// What a deadline does when it expires (runs on an event loop thread, outside the lock).
    typealias Action = @Sendable () -> Void

    /// A handle to cancel one deadline.
    struct Token: Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        var deadline: NIODeadline
        var id: UInt64
    }

    private struct State: ~Copyable {
        var heap: [Entry] = []
        var live: [UInt64: (deadline: NIODeadline, action: Action)] = [:]
        var nextID: UInt64 = 0
        /// When the earliest scheduled callback fires (nil: none is scheduled that we rely on).
        var timerAt: NIODeadline?
    }

    private let state = Mutex(State())
    private let eventLoop: any EventLoop

    /// A queue whose expiries run on `eventLoop`.
    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The number of pending deadlines (for tests).
    var count: Int { state.withLock { $0.live.count } }

    /// Runs `action` once `timeout` has passed, unless ``cancel(_:)`` comes first.
    func add(after timeout: Duration, _ action: @escaping Action) -> Token {
        let deadline = NIODeadline.now() + .nanoseconds(timeout.clampedNanoseconds)
        return state.withLock { s in
            s.nextID &+= 1
            let id = s.nextID
            s.live[id] = (deadline, action)
            Self.push(Entry(deadline: deadline, id: id), &s.heap)
            if s.heap.count > 2 * s.live.count + 1024 { Self.rebuild(&s) }
            scheduleIfEarlier(deadline, &s)
            return Token(id: id)
        }
    }

    /// Cancels a deadline.
    /// - Returns: true if it had not expired yet (its action will not run); false if it has already run or is running.
    @discardableResult
    func cancel(_ token: Token) -> Bool {
        state.withLock { $0.live.removeValue(forKey: token.id) != nil }
    }

    // MARK: - Firing

    /// Schedules the callback at `deadline` when nothing earlier is scheduled (called with the lock held; the
    /// callback runs later on the event loop, never synchronously).
    private func scheduleIfEarlier(_ deadline: NIODeadline, _ s: inout State) {
        if let at = s.timerAt, at <= deadline { return }
        s.timerAt = deadline
        eventLoop.scheduleTask(deadline: deadline) { [self] in fire(scheduledAt: deadline) }
    }

    private func fire(scheduledAt: NIODeadline) {
        let now = NIODeadline.now()
        let due: [Action] = state.withLock { s in
            if s.timerAt == scheduledAt { s.timerAt = nil }
            var due: [Action] = []
            while let top = s.heap.first {
                guard let entry = s.live[top.id] else {
                    Self.pop(&s.heap)
                    continue
                }
                guard top.deadline <= now else { break }
                Self.pop(&s.heap)
                s.live[top.id] = nil
                due.append(entry.action)
            }
            if let next = s.heap.first { scheduleIfEarlier(next.deadline, &s) }
            return due
        }
        for action in due { action() }
    }

    // MARK: - The heap (ordered by deadline)

    private static func push(_ entry: Entry, _ heap: inout [Entry]) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func pop(_ heap: inout [Entry]) {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0, &heap)
    }

    private static func siftDown(_ start: Int, _ heap: inout [Entry]) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && heap[left + 1].deadline < heap[left].deadline { smallest = left + 1 }
            guard heap[smallest].deadline < heap[parent].deadline else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Drops the cancelled entries: a heap of the live ones only.
    private static func rebuild(_ s: inout State) {
        s.heap = s.live.map { Entry(deadline: $0.value.deadline, id: $0.key) }
        var index = s.heap.count / 2
        while index > 0 {
            index -= 1
            siftDown(index, &s.heap)
        }
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to Int64.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : ns &+ attoseconds / 1_000_000_000
    }
}
