import Logging
import NIOCore
public import ShoalCore
public import ShoalMultiformats
import ShoalTransport
import ShoalWire
import Synchronization

extension P2PHost {
    // MARK: - Dialing

    /// Connects to `address` (with or without `/p2p/<id>`), reusing an open connection to that peer.
    /// - Returns: the authenticated peer.
    /// - Throws: ``ShoalError``: `.io` (TCP connect failed), `.timeout`, handshake errors (`.invalidPeerID` when the
    ///   peer is not the one in `/p2p/`), `.closed` when the host is not running, `.invalidArgument` for our own ID.
    @discardableResult
    public func connect(_ address: Multiaddr) async throws -> PeerID {
        try await connection(to: address).remotePeer
    }

    /// Connects to `peer` through an open connection or the addresses the peer store knows.
    public func connect(to peer: PeerID) async throws {
        _ = try await connection(to: peer)
    }

    /// Closes every connection to `peer`.
    public func disconnect(_ peer: PeerID) {
        let connections = state.withLock { $0.connections[peer] ?? [] }
        for connection in connections { connection.close() }
    }

    /// The open connection to use for `peer`, if any (the oldest one that is not closing).
    func existingConnection(to peer: PeerID) -> MuxedConnection? {
        state.withLock { s in s.connections[peer]?.first { !$0.isClosed && s.draining[$0.id] == nil } }
    }

    func connection(to peer: PeerID) async throws -> MuxedConnection {
        if let existing = existingConnection(to: peer) { return existing }
        let addresses = peerStore.addresses(of: peer)
        guard !addresses.isEmpty else {
            throw ShoalError(.invalidArgument, "no known address for peer \(peer)")
        }
        var lastError: (any Error)?
        for address in addresses {
            do {
                let full = try address.encapsulate(Multiaddr.Component.p2p(peer.bytes))
                return try await connection(to: full)
            } catch {
                lastError = error
            }
        }
        throw ShoalError(.io, "cannot reach \(peer) at any of its \(addresses.count) addresses", cause: lastError)
    }

    func connection(to address: Multiaddr) async throws -> MuxedConnection {
        let expected: PeerID? = try address.peerIDBytes.map { try PeerID(bytes: $0) }
        if let expected {
            guard expected != peerID else { throw ShoalError(.invalidArgument, "cannot dial our own peer ID") }
            if let existing = existingConnection(to: expected) { return existing }
            guard configuration.gater.allowPeer(expected) else {
                throw ShoalError(.invalidArgument, "the connection gater refuses peer \(expected)")
            }
        }
        guard configuration.gater.allowAddress(address) else {
            throw ShoalError(.invalidArgument, "the connection gater refuses address \(address)")
        }
        // One dial per peer at a time: later callers wait for the first.
        let (promise, isFirst) = state.withLock { s -> (OneShot<MuxedConnection>, Bool) in
            if let expected, let pending = s.pendingDials[expected] { return (pending, false) }
            let promise = OneShot<MuxedConnection>()
            if let expected { s.pendingDials[expected] = promise }
            return (promise, true)
        }
        if !isFirst { return try await promise.value() }
        defer {
            if let expected { state.withLock { _ = $0.pendingDials.removeValue(forKey: expected) } }
        }
        do {
            guard state.withLock({ $0.phase == .running }) else {
                throw ShoalError(.closed, "the host is not running")
            }
            let runtime = self.runtime
            let channel = try await transport.dial(address, timeout: configuration.dialTimeout) { channel in
                try runtime.makeUpgradingChannel(channel, direction: .outbound, expectedPeer: expected)
            }
            let queued = spawn(on: ConnectionExecutor(eventLoop: channel.socket.eventLoop)) { [self] in
                await self.runConnection(channel, direction: .outbound, promise: promise)
            }
            if !queued {
                try? await channel.socket.close()
                throw ShoalError(.closed, "the host is shutting down")
            }
            return try await promise.value()
        } catch {
            promise.complete(.failure(error))
            emit(.connectionFailed(address: address, reason: "\(error)"))
            throw error
        }
    }

    // MARK: - Accepting

    /// Admits an accepted socket, on its event loop, before its handshake starts: the gater's address rule and
    /// the cap on pending inbound connections (throwing closes the socket).
    func prepareInbound(_ channel: any Channel) throws -> UpgradingChannel {
        if let remote = Multiaddr(channel.remoteAddress), !configuration.gater.allowAddress(remote) {
            logger.debug("refused by the gater", metadata: ["conn.remote": "\(remote)"])
            throw ShoalError(.invalidArgument, "the connection gater refuses address \(remote)")
        }
        let admitted = state.withLock { s in
            guard s.pendingInbound < configuration.limits.maximumPendingInbound else { return false }
            s.pendingInbound += 1
            return true
        }
        guard admitted else {
            logger.debug("too many pending inbound connections")
            throw ShoalError(.limitExceeded, "too many pending inbound connections")
        }
        do {
            return try runtime.makeUpgradingChannel(channel, direction: .inbound, expectedPeer: nil)
        } catch {
            state.withLock { $0.pendingInbound -= 1 }
            throw error
        }
    }

    /// Accepts connections until the listener closes. Each inbound connection runs in a task of this loop's own
    /// group (on its event loop), started here directly rather than handed to the host's group; the loop returns
    /// once the listener has closed and its connections have ended.
    func acceptLoop(_ listener: TCPTransport.Listener) async {
        do {
            try await listener.executeThenClose { inbound in
                await withDiscardingTaskGroup { connections in
                    do {
                        for try await child in inbound {
                            guard state.withLock({ $0.phase == .running }) else {
                                state.withLock { $0.pendingInbound -= 1 }
                                try? await child.socket.close()
                                continue
                            }
                            connections.addTask(
                                executorPreference: ConnectionExecutor(eventLoop: child.socket.eventLoop)
                            ) {
                                [self] in
                                await self.runConnection(child, direction: .inbound, promise: nil)
                            }
                        }
                    } catch {
                        logger.debug("listener stopped", metadata: ["error": "\(error)"])
                    }
                }
            }
        } catch {
            logger.debug("listener stopped", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - One connection's life

    func runConnection(
        _ channel: UpgradingChannel,
        direction: Direction,
        promise: OneShot<MuxedConnection>?
    ) async {
        let connectionID = state.withLock { s in
            s.nextConnectionID += 1
            return s.nextConnectionID
        }
        let established = Mutex<MuxedConnection?>(nil)
        let activeStreams = LockedCounter()
        // Turned into a multiaddr only if the connection fails (the socket forgets it once closed).
        let remoteSocket = channel.socket.remoteAddress
        do {
            try await runtime.run(
                channel: channel,
                direction: direction,
                connectionID: connectionID,
                established: { connection in
                    if direction == .inbound { self.state.withLock { $0.pendingInbound -= 1 } }
                    established.withLock { $0 = connection }
                    try self.admit(connection)
                    promise?.complete(.success(connection))
                    // Identify runs in the connection's own task group (on its event loop).
                    guard self.configuration.identifyOnConnect else { return nil }
                    return { [self] in await self.identify(connection) }
                },
                serve: { connection, id in
                    await self.serveStream(connection, id, active: activeStreams)
                }
            )
        } catch {
            let remote = Multiaddr(remoteSocket)
            let admittedConnection = established.withLock { $0 }
            if direction == .inbound && admittedConnection == nil {
                state.withLock { $0.pendingInbound -= 1 }
            }
            logger.debug(
                "connection failed",
                metadata: [
                    "conn.id": "\(connectionID)", "conn.remote": "\(remote.map { "\($0)" } ?? "?")",
                    "error": "\(error)",
                ]
            )
            promise?.complete(.failure(error))
            if direction == .inbound { emit(.connectionFailed(address: remote, reason: "\(error)")) }
        }
        if let connection = established.withLock({ $0 }) {
            removeConnection(connection)
        }
    }

    /// Applies the gater and the limits to a new authenticated connection, then records it.
    private func admit(_ connection: MuxedConnection) throws {
        let peer = connection.remotePeer
        guard configuration.gater.allowPeer(peer) else {
            throw ShoalError(.invalidArgument, "the connection gater refuses peer \(peer)")
        }
        let loser: MuxedConnection? = try state.withLock { s in
            guard s.phase == .running else { throw ShoalError(.closed, "the host is shutting down") }
            let total = s.connections.values.reduce(0) { $0 + $1.count }
            guard total < configuration.limits.maximumConnections else {
                throw ShoalError(
                    .limitExceeded,
                    "connection limit of \(configuration.limits.maximumConnections) reached"
                )
            }
            // Connections already closing are forgotten now; their own teardown finds them gone.
            var existing = (s.connections[peer] ?? []).filter { !$0.isClosed }
            guard existing.count < configuration.limits.maximumConnectionsPerPeer else {
                throw ShoalError(.limitExceeded, "already \(existing.count) connections to \(peer)")
            }
            existing.append(connection)
            s.connections[peer] = existing
            guard existing.count > 1 else { return nil }
            // Two live connections: keep one, drain the other. When the two were dialed by different sides (a
            // simultaneous dial), both sides keep the one dialed by the smaller peer ID, so they agree. When one side
            // dialed twice, the newer connection stays: a host dials only when it has no usable connection, so the
            // older one is being closed by the dialer and its close has not reached us yet (a quick reconnect after
            // a disconnect); refusing the new one would leave the dialer with none (go-libp2p never refuses a new
            // connection because of an older one). New streams always use the first in the list.
            let first = existing[0]
            let keepNew =
                dialerID(of: first) == dialerID(of: connection)
                || dialerID(of: connection).lexicographicallyPrecedes(dialerID(of: first))
            if keepNew {
                s.connections[peer] = [connection] + existing.filter { $0 !== connection }
                return first
            }
            return connection
        }
        // The handshake proved the key is the peer's.
        peerStore.recordConnection(
            peer,
            key: connection.remotePublicKey,
            dialedAddress: connection.direction == .outbound ? connection.remoteAddress : nil
        )
        logger.debug("connected", metadata: ["peer.id": "\(peer)", "conn.direction": "\(connection.direction)"])
        emit(.connected(peer: peer, address: connection.remoteAddress, direction: connection.direction))
        if let loser {
            logger.debug("draining a redundant connection", metadata: ["peer.id": "\(peer)"])
            if loser.streamCount == 0 {
                loser.close()
            } else {
                state.withLock { $0.draining[loser.id] = loser }
            }
        }
    }

    private func dialerID(of connection: MuxedConnection) -> [UInt8] {
        connection.direction == .outbound ? peerID.bytes : connection.remotePeer.bytes
    }

    private func removeConnection(_ connection: MuxedConnection) {
        let peer = connection.remotePeer
        let last = state.withLock { s -> Bool in
            s.idleSince[connection.id] = nil
            s.draining[connection.id] = nil
            guard var list = s.connections[peer] else { return false }
            list.removeAll { $0 === connection }
            s.connections[peer] = list.isEmpty ? nil : list
            return list.isEmpty
        }
        if last {
            emit(.disconnected(peer: peer, reason: connection.closeReason?.message ?? "closed"))
        }
    }
}
