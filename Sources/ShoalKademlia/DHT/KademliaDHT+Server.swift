import Logging
import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Synchronization

extension KademliaDHT {
    /// The most requests served on one inbound stream before it is closed (go reuses streams; this bounds it).
    public static let maximumRequestsPerStream = 10_000

    // MARK: - Serving

    /// Serves one inbound stream: reads requests until EOF (several per stream, as go sends), each within the
    /// idle timeout and the size cap, and writes each response (none for ADD_PROVIDER).
    /// - Throws: on an oversized, malformed or invalid request, or an idle stream: the host then resets the stream.
    func serve(_ stream: ShoalStream) async throws {
        let sender = KadPeerID(stream.remotePeer)
        noteRequester(stream.remotePeer)
        let cap = configuration.maximumMessageSize
        for _ in 0..<Self.maximumRequestsPerStream {
            let body = try await withDeadline(configuration.inboundIdleTimeout) {
                try await stream.readMessage(maximumLength: cap)
            }
            guard let body else { return }
            let request: KadMessage
            do {
                request = try codec.decode(body)
            } catch {
                logger.debug("bad DHT request", metadata: ["peer.id": "\(stream.remotePeer)", "error": "\(error)"])
                throw error
            }
            let now = self.now
            let response = try state.withLock { s in try s.server.respond(to: request, from: sender, now: now) }
            // Responder hygiene (off by default): entries just listed that were not heard from lately.
            for peer in response.entriesToVerify { spawn { await self.checkLiveness(of: peer) } }
            if let message = response.message { try await stream.writeMessage(codec.encode(message)) }
        }
    }

    // MARK: - Feeding the routing table

    /// Follows the host's events until they end: identified peers feed the routing table, new listen addresses
    /// may switch an auto DHT to server mode.
    func followEvents(_ events: AsyncStream<HostEvent>) async {
        for await event in events {
            switch event {
            case .identified(let peer, _, let protocols, let listenAddresses):
                peerSeen(peer, isServer: protocols.contains(configuration.protocolID), addresses: listenAddresses)
            case .listening:
                updateMode()
            default:
                break
            }
        }
        // The host stopped: so does the DHT.
        stop()
    }

    /// A peer opened a kad stream to us: add it if identify says it serves the protocol.
    func noteRequester(_ peer: PeerID) {
        let protocols = host.peerStore.protocols(of: peer)
        guard protocols.contains(configuration.protocolID) else { return }
        peerSeen(peer, isServer: true, addresses: host.peerStore.addresses(of: peer))
    }

    /// Reports a peer to the routing table; schedules the liveness check the table asks for.
    /// - Parameters:
    ///   - peer: the peer.
    ///   - isServer: whether it serves our protocol ID (clients are removed).
    ///   - addresses: its addresses (`/p2p` suffixes are dropped); empty keeps the known ones.
    func peerSeen(_ peer: PeerID, isServer: Bool, addresses: [Multiaddr]) {
        let binary = addresses.compactMap { Self.withoutPeerID($0)?.bytes }
        let now = self.now
        let result = state.withLock { s in
            s.server.routingTable.peerSeen(
                KadPeerID(peer),
                addresses: binary.isEmpty ? nil : binary,
                isServer: isServer,
                now: now
            )
        }
        if case .checkLiveness(let oldest) = result {
            spawn { await self.checkLiveness(of: oldest) }
        }
    }

    /// Asks `peer` for the peers closest to our own ID within the request timeout; removes it from the table when
    /// it does not answer (its bucket's pending candidate takes its place).
    func checkLiveness(of peer: KadPeerID) async {
        let entry = state.withLock { $0.server.routingTable.entry(for: peer) }
        let info = entry?.peerInfo ?? KadPeerInfo(id: peer)
        let alive: Bool
        do {
            _ = try await send(KadMessage(type: .findNode, key: localID.bytes), to: info)
            alive = true
        } catch {
            alive = false
        }
        let now = self.now
        state.withLock { s in
            if alive {
                s.server.routingTable.livenessCheckSucceeded(peer, now: now)
            } else {
                s.server.routingTable.livenessCheckFailed(peer, now: now)
            }
        }
    }

    /// `address` without its `/p2p/<id>` suffix.
    static func withoutPeerID(_ address: Multiaddr) -> Multiaddr? {
        address.contains(.p2p) ? address.decapsulate(.p2p) : address
    }
}
