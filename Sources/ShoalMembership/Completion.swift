import ShoalCore
import Synchronization

// MARK: - Completion

/// A result delivered once and awaited by any number of tasks; a waiting task that is cancelled stops waiting
/// with ``ShoalError`` `.closed`.
final class Completion<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiters: [Int: CheckedContinuation<Value, any Error>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Delivers the result; later calls are ignored.
    func complete(_ result: Result<Value, any Error>) {
        let waiters = state.withLock { s -> [CheckedContinuation<Value, any Error>] in
            guard s.result == nil else { return [] }
            s.result = result
            let all = Array(s.waiters.values)
            s.waiters.removeAll()
            return all
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// Whether a result was delivered.
    var isComplete: Bool { state.withLock { $0.result != nil } }

    /// Waits for the result (or for the task's cancellation).
    func value() async throws -> Value {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let ready = state.withLock { s -> Result<Value, any Error>? in
                    if let result = s.result { return result }
                    if Task.isCancelled { return .failure(ShoalError(.closed, "wait cancelled")) }
                    s.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: ShoalError(.closed, "wait cancelled"))
        }
    }
}
