import Logging
import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Synchronization

extension KademliaDHT {
    // MARK: - One request

    /// Sends one request to `peer` and reads its reply, all within ``KademliaDHTConfiguration/requestTimeout``.
    ///
    /// The peer's addresses are added to the peer store first (without `/p2p`). ADD_PROVIDER expects no reply:
    /// after writing it the stream is half-closed and whatever comes back (py-libp2p writes an echo, others close)
    /// is read and ignored.
    /// - Returns: the reply, or nil for ADD_PROVIDER.
    /// - Throws: ``ShoalError``: `.timeout` past the deadline, `.invalidPeerID` for an ID that is not a libp2p
    ///   peer ID, connection, negotiation and decoding errors, `.protocolViolation` when the stream ends without
    ///   a reply.
    func send(_ request: KadMessage, to peer: KadPeerInfo) async throws -> KadMessage? {
        guard let peerID = peer.id.peerID else {
            throw ShoalError(.invalidPeerID, "\(peer.id) is not a libp2p peer ID")
        }
        guard peerID != host.peerID else { throw ShoalError(.invalidArgument, "a DHT request to ourselves") }
        learnAddresses(peer.addresses, of: peerID)
        let frame = try codec.encode(request)
        let cap = configuration.maximumMessageSize
        let protocolID = configuration.protocolID
        let expectsReply = request.type != .addProvider
        let codec = self.codec
        let host = self.host
        let reply = try await withDeadline(configuration.requestTimeout) { () -> KadMessage? in
            let stream: ShoalStream
            do {
                stream = try await host.newStream(to: peerID, protocols: [protocolID])
            } catch {
                // Refused, another identity at the address, or no DHT protocol: nothing a retry would change.
                throw KadUnreachable(cause: error)
            }
            do {
                try await stream.writeMessage(frame)
                stream.closeWrite()
                guard expectsReply else {
                    // Tolerate py-libp2p's echo; others just close.
                    _ = try? await stream.readMessage(maximumLength: cap)
                    stream.reset()
                    return nil
                }
                guard let body = try await stream.readMessage(maximumLength: cap) else {
                    throw ShoalError(.protocolViolation, "the stream ended without a reply to \(request.type)")
                }
                return try codec.decode(body)
            } catch {
                stream.reset()
                throw error
            }
        }
        if host.peerStore.protocols(of: peerID).contains(protocolID) {
            peerSeen(peerID, isServer: true, addresses: [])
        }
        return reply
    }

    /// Adds binary multiaddrs (a `/p2p` suffix dropped, malformed ones skipped) to the peer store.
    func learnAddresses(_ addresses: [[UInt8]], of peer: PeerID) {
        let parsed = addresses.prefix(16).compactMap { bytes -> Multiaddr? in
            guard let address = try? Multiaddr(bytes: bytes) else { return nil }
            if let id = address.peerIDBytes, id != peer.bytes { return nil }
            return Self.withoutPeerID(address)
        }
        if !parsed.isEmpty { host.peerStore.addAddresses(parsed, for: peer) }
    }

    // MARK: - Driving a lookup

    /// The outcome of one request of a lookup.
    enum RequestOutcome: Sendable {
        case reply(KadMessage)
        case timedOut
        /// No stream could be opened (not a timeout): a definitive failure.
        case unreachable
        case failed
    }

    /// Drives a lookup machine: sends its requests concurrently (each with its own deadline), feeds the replies
    /// back, until it finishes or `observe` asks to stop. A peer no stream could be opened to (refused, another
    /// identity, no DHT protocol) leaves the routing table at once; one whose request timed out or failed later
    /// gets a liveness check and leaves the table if that fails too.
    /// - Parameters:
    ///   - machine: the lookup, not started.
    ///   - request: the request sent to every peer the machine names.
    ///   - observe: called after each reply with the machine; return true to stop early.
    /// - Returns: the machine as it ended and its result (nil when stopped early).
    func drive<Machine: KadLookupMachine>(
        _ machine: Machine,
        request: KadMessage,
        observe: (Machine, KadMessage) -> Bool = { _, _ in false }
    ) async -> (machine: Machine, result: Machine.Output?) {
        var machine = machine
        return await withTaskGroup(of: (KadPeerID, RequestOutcome).self) { group in
            var result: Machine.Output?
            func perform(_ steps: [KadLookupStep<Machine.Output>]) {
                for step in steps {
                    switch step {
                    case .send(let peer):
                        group.addTask {
                            do {
                                guard let reply = try await self.send(request, to: peer) else {
                                    return (peer.id, .failed)
                                }
                                return (peer.id, .reply(reply))
                            } catch let error as ShoalError where error.code == .timeout {
                                return (peer.id, .timedOut)
                            } catch is KadUnreachable {
                                return (peer.id, .unreachable)
                            } catch {
                                return (peer.id, .failed)
                            }
                        }
                    case .finished(let output):
                        result = output
                    }
                }
            }
            perform(machine.begin(now: now))
            while result == nil, let (peer, outcome) = await group.next() {
                let now = self.now
                switch outcome {
                case .reply(let message):
                    perform(machine.received(message, from: peer, now: now))
                    if result == nil && observe(machine, message) {
                        group.cancelAll()
                        return (machine, nil)
                    }
                case .timedOut:
                    checkUnresponsive(peer)
                    perform(machine.timedOut(peer, now: now))
                case .unreachable:
                    // As go-libp2p-kad-dht does on a dial failure: the peer leaves the table at once.
                    state.withLock { _ = $0.server.routingTable.peerUnreachable(peer) }
                    perform(machine.failed(peer, now: now))
                case .failed:
                    checkUnresponsive(peer)
                    perform(machine.failed(peer, now: now))
                }
            }
            group.cancelAll()
            return (machine, result)
        }
    }

    /// A lookup request to `peer` timed out or failed: it may be gone, or one message was lost. A liveness check
    /// decides whether it leaves the routing table (its bucket's pending candidate, if any, then takes its place);
    /// until then replies list it as a suspect.
    private func checkUnresponsive(_ peer: KadPeerID) {
        let now = self.now
        let present = state.withLock { s in
            guard s.server.routingTable.contains(peer) else { return false }
            s.server.routingTable.livenessCheckStarted(peer, now: now)
            return true
        }
        guard present else { return }
        spawn { await self.checkLiveness(of: peer) }
    }

    /// The peers a lookup for `target` starts from: the k closest in the routing table, or, when it is empty,
    /// the connected peers that announce our protocol (py-libp2p falls back the same way).
    func seeds(for target: KadKey) -> [KadPeerInfo] {
        let fromTable = state.withLock { $0.server.routingTable.closest(to: target, count: configuration.k) }
        if !fromTable.isEmpty { return fromTable.map(\.peerInfo) }
        return host.connectedPeers.filter { host.peerStore.protocols(of: $0).contains(configuration.protocolID) }
            .prefix(configuration.k)
            .map { peer in
                KadPeerInfo(
                    id: KadPeerID(peer),
                    addresses: host.peerStore.addresses(of: peer).map(\.bytes)
                )
            }
    }
}

/// A request failed before its stream was open, for a reason other than the deadline: the dial was refused, the
/// address answered with another identity, or the peer does not speak the protocol.
struct KadUnreachable: Error {
    let cause: any Error
}
