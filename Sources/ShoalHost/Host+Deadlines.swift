public import ShoalCore
import ShoalTransport
import ShoalWire
import Synchronization

extension P2PHost {
    /// Runs `body`, which works on stream `id` of `connection`, within `timeout`: when it expires first, the stream
    /// is reset (a waiting read or write fails at once) and this throws ``ShoalError`` `.timeout`.
    ///
    /// The cheap form of `withDeadline` for the host's own stream work: no task and no timer per call (see
    /// ``DeadlineQueue``); `body` runs in the calling task.
    func withStreamDeadline<T>(
        _ timeout: Duration,
        on connection: MuxedConnection,
        _ id: YamuxStreamID,
        _ what: @autoclosure () -> String,
        _ body: () async throws -> T
    ) async throws -> T {
        let token = deadlines.add(after: timeout) { connection.reset(id) }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        // A deadline that already fired has reset the stream, even if `body` finished just before.
        guard deadlines.cancel(token) else {
            throw ShoalError(.timeout, "\(what()) did not finish within \(timeout)", cause: result.failure)
        }
        return try result.get()
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
