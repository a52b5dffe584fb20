import NIOCore
import Synchronization

/// The keepalive checks of all of a runtime's connections: one scheduled callback, four times a second, ticks every
/// open connection (each connection's yamux session decides when to ping or to give up).
///
/// A connection is registered once established and removed when it ends: two dictionary updates, where a timer per
/// connection would add an entry to its event loop's timer heap and remove it again (a linear scan in NIO) — a cost
/// every connection setup paid, and that grew with the number of open connections. The callback runs on the event
/// loop of the connection that started it; it stops while no connection is registered.
final class KeepaliveTicker: Sendable {
    /// How often the sessions' keepalive deadlines are checked.
    static let interval: TimeAmount = .milliseconds(250)

    private struct State {
        var connections: [UInt64: MuxedConnection] = [:]
        /// A callback is scheduled (or running).
        var running = false
    }

    private let state = Mutex(State())

    /// The number of registered connections (for tests).
    var count: Int { state.withLock { $0.connections.count } }

    /// Registers `connection` (its ``MuxedConnection/id`` must be unique among the registered ones); starts the
    /// ticks on `eventLoop` if none are running.
    func add(_ connection: MuxedConnection, on eventLoop: any EventLoop) {
        let start = state.withLock { s -> Bool in
            s.connections[connection.id] = connection
            defer { s.running = true }
            return !s.running
        }
        if start { schedule(on: eventLoop) }
    }

    /// Forgets `connection`.
    func remove(_ connection: MuxedConnection) {
        state.withLock { _ = $0.connections.removeValue(forKey: connection.id) }
    }

    // MARK: - Ticking

    private func schedule(on eventLoop: some EventLoop) {
        do { try eventLoop.scheduleCallback(in: Self.interval, handler: Tick(ticker: self)) } catch {
            // The event loop is shutting down: the next connection registered starts the ticks again.
            stopped()
        }
    }

    fileprivate func tick(on eventLoop: some EventLoop) {
        let connections = state.withLock { s -> [MuxedConnection]? in
            guard !s.connections.isEmpty else {
                s.running = false
                return nil
            }
            return Array(s.connections.values)
        }
        guard let connections else { return }
        let now = ConnectionClock.now
        for connection in connections where !connection.isClosed { connection.tick(now: now) }
        schedule(on: eventLoop)
    }

    /// The callback was cancelled or could not be scheduled (its event loop is shutting down): the connections
    /// still registered are ticked again once the next one registers.
    fileprivate func stopped() {
        state.withLock { $0.running = false }
    }

    private struct Tick: NIOScheduledCallbackHandler, Sendable {
        let ticker: KeepaliveTicker

        func handleScheduledCallback(eventLoop: some EventLoop) { ticker.tick(on: eventLoop) }

        func didCancelScheduledCallback(eventLoop: some EventLoop) { ticker.stopped() }
    }
}
