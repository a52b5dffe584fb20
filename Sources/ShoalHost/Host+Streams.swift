import Logging
public import ShoalCore
public import ShoalTransport
import ShoalWire
import Synchronization

extension P2PHost {
    /// Opens a stream to `peer` and negotiates the first of `protocols` the peer accepts.
    ///
    /// Uses the open connection to the peer, or dials it at the addresses the peer store knows.
    /// - Throws: ``ShoalError`` `.negotiationFailed` when the peer accepts none of `protocols`, `.timeout` when the
    ///   negotiation takes longer than ``HostConfiguration/negotiationTimeout``, connection errors otherwise.
    public func newStream(to peer: PeerID, protocols: [String]) async throws -> ShoalStream {
        let connection = try await connection(to: peer)
        return try await openStream(on: connection, protocols: protocols)
    }

    func openStream(on connection: MuxedConnection, protocols: [String]) async throws -> ShoalStream {
        let id = try await connection.openStream()
        do {
            let (protocolID, leftover) = try await withStreamDeadline(
                configuration.negotiationTimeout,
                on: connection,
                id,
                "protocol negotiation"
            ) {
                try await Self.negotiateOutbound(on: connection, id, protocols: protocols)
            }
            connection.unread(id, leftover)
            return ShoalStream(connection: connection, streamID: id, protocolID: protocolID, direction: .outbound)
        } catch {
            connection.reset(id)
            throw error
        }
    }

    /// Opens a stream for one protocol and sends `first` with the proposal, without waiting for the echo (lazy
    /// multistream-select, as go-libp2p does for a single protocol): the echo is checked when it arrives, and a
    /// refusal fails the call. Saves a round trip for protocols that speak first (ping).
    /// - Returns: the stream; bytes that came after the echo stay in it for the next read.
    func openStreamLazily(
        on connection: MuxedConnection,
        protocolID: String,
        first: [UInt8]
    ) async throws
        -> ShoalStream
    {
        let id = try await connection.openStream()
        do {
            let leftover = try await withStreamDeadline(
                configuration.negotiationTimeout,
                on: connection,
                id,
                "protocol negotiation"
            ) {
                var dialer = try MultistreamDialer(proposals: [protocolID], lazy: true)
                try await connection.write(id, dialer.start() + first)
                while true {
                    let received: [UInt8]?
                    do { received = try await connection.read(id, upTo: 4096) } catch let error as ShoalError
                        where error.code == .closed
                    {
                        // A listener that refuses reads our early data as its next proposal and resets the stream.
                        throw ShoalError(
                            .negotiationFailed,
                            "peer reset the stream of lazily proposed '\(protocolID)'",
                            cause: error
                        )
                    }
                    guard let bytes = received else {
                        throw ShoalError(.negotiationFailed, "stream closed during protocol negotiation")
                    }
                    for action in try dialer.receive(bytes) {
                        if case .agreed(_, let rest) = action { return rest }
                    }
                }
            }
            connection.unread(id, leftover)
            return ShoalStream(connection: connection, streamID: id, protocolID: protocolID, direction: .outbound)
        } catch {
            connection.reset(id)
            throw error
        }
    }

    // MARK: - Inbound streams

    /// Serves one inbound stream of `connection` (called in its own task by the connection runtime), within the
    /// per-connection limit counted by `active`.
    func serveStream(_ connection: MuxedConnection, _ id: YamuxStreamID, active: LockedCounter) async {
        guard active.increment(ifBelow: configuration.limits.maximumInboundStreamsPerConnection) else {
            logger.debug("inbound stream limit reached", metadata: ["peer.id": "\(connection.remotePeer)"])
            connection.reset(id)
            return
        }
        await handleInboundStream(connection, id)
        active.decrement()
    }

    private func handleInboundStream(_ connection: MuxedConnection, _ id: YamuxStreamID) async {
        let negotiated: (String, [UInt8])
        do {
            negotiated = try await withStreamDeadline(
                configuration.negotiationTimeout,
                on: connection,
                id,
                "protocol negotiation"
            ) {
                try await Self.negotiateInbound(on: connection, id, registry: registry)
            }
        } catch {
            logger.debug(
                "inbound stream negotiation failed",
                metadata: ["peer.id": "\(connection.remotePeer)", "error": "\(error)"]
            )
            connection.reset(id)
            return
        }
        let (protocolID, leftover) = negotiated
        connection.unread(id, leftover)
        guard let entry = registry.entry(for: protocolID) else {
            connection.reset(id)
            return
        }
        guard registry.acquire(entry, from: connection.remotePeer) else {
            logger.debug("protocol stream limit reached", metadata: ["stream.protocol": "\(protocolID)"])
            connection.reset(id)
            return
        }
        defer { registry.release(entry, from: connection.remotePeer) }
        let stream = ShoalStream(connection: connection, streamID: id, protocolID: protocolID, direction: .inbound)
        do {
            if entry.onConnectionLoop {
                try await entry.handler(stream)
            } else {
                // Off the connection's event loop: a user handler may compute for long.
                try await withTaskExecutorPreference(globalConcurrentExecutor) { try await entry.handler(stream) }
            }
            stream.closeWrite()
        } catch {
            logger.debug("stream handler failed", metadata: ["stream.protocol": "\(protocolID)", "error": "\(error)"])
            stream.reset()
        }
    }

    // MARK: - multistream-select on a stream

    static func negotiateOutbound(
        on connection: MuxedConnection,
        _ id: YamuxStreamID,
        protocols: [String]
    ) async throws -> (String, [UInt8]) {
        var dialer = try MultistreamDialer(proposals: protocols)
        var channel = StreamNegotiationChannel(connection: connection, id: id)
        return try await negotiate(&dialer, over: &channel)
    }

    static func negotiateInbound(
        on connection: MuxedConnection,
        _ id: YamuxStreamID,
        registry: ProtocolRegistry
    ) async throws -> (String, [UInt8]) {
        var listener = try MultistreamListener(
            supported: Set(registry.protocolIDs),
            matcher: MultistreamProtocolMatcher { registry.accepts($0) }
        )
        connection.accept(id)
        var channel = StreamNegotiationChannel(connection: connection, id: id)
        return try await negotiate(&listener, over: &channel)
    }
}

/// A counter shared between tasks.
final class LockedCounter: Sendable {
    private let value = Mutex(0)

    /// Adds one unless the count is already `limit`; returns whether it did.
    func increment(ifBelow limit: Int) -> Bool {
        value.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Subtracts one.
    func decrement() { value.withLock { $0 -= 1 } }
}
