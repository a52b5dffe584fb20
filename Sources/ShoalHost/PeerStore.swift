import Logging
public import ShoalCore
public import ShoalMultiformats
import Synchronization

/// What the host knows about other peers: addresses, keys, protocols and agent, from identify, discovery and dials.
///
/// Bounded: at most ``maximumPeers`` peers (the least recently updated one is forgotten first), ``maximumAddresses``
/// addresses and ``maximumProtocols`` protocols per peer.
public final class PeerStore: Sendable {
    /// The most peers remembered.
    public let maximumPeers: Int
    /// The most addresses kept per peer.
    public static let maximumAddresses = 32
    /// The most protocol IDs kept per peer.
    public static let maximumProtocols = 256

    /// What is known about one peer.
    public struct Record: Sendable, Hashable {
        /// Addresses, most recently learned last.
        public var addresses: [Multiaddr] = []
        /// The identity key, once seen in a handshake or identify.
        public var publicKey: PublicKey?
        /// The protocols the peer said it serves.
        public var protocols: [String] = []
        /// The peer's agent version string.
        public var agentVersion: String?
        /// The peer's protocol version string.
        public var protocolVersion: String?
        /// The highest signed-peer-record sequence seen.
        public var recordSequence: UInt64?
        /// An update counter, for eviction.
        var touched: UInt64 = 0
    }

    private struct State {
        var records: [PeerID: Record] = [:]
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())

    /// An empty store holding at most `maximumPeers` peers.
    public init(maximumPeers: Int = 10_000) {
        self.maximumPeers = maximumPeers
    }

    /// Every peer in the store.
    public var peers: [PeerID] { state.withLock { Array($0.records.keys) } }

    /// The record of `peer`, if any.
    public func record(of peer: PeerID) -> Record? { state.withLock { $0.records[peer] } }

    /// The known addresses of `peer`.
    public func addresses(of peer: PeerID) -> [Multiaddr] { state.withLock { $0.records[peer]?.addresses ?? [] } }

    /// The protocols `peer` said it serves.
    public func protocols(of peer: PeerID) -> [String] { state.withLock { $0.records[peer]?.protocols ?? [] } }

    /// Adds addresses for `peer` (a trailing `/p2p/…` is removed; duplicates are ignored).
    public func addAddresses(_ addresses: [Multiaddr], for peer: PeerID) {
        update(peer) { record in Self.add(addresses, to: &record) }
    }

    /// Records the identity key of `peer` (only if it really is that peer's key).
    public func setPublicKey(_ key: PublicKey, for peer: PeerID) {
        guard peer.matches(key) else { return }
        update(peer) { $0.publicKey = key }
    }

    /// Replaces the protocols of `peer`.
    public func setProtocols(_ protocols: [String], for peer: PeerID) {
        update(peer) { $0.protocols = Array(protocols.prefix(Self.maximumProtocols)) }
    }

    /// Sets the agent and protocol versions of `peer`.
    public func setVersions(agent: String?, protocolVersion: String?, for peer: PeerID) {
        update(peer) { record in
            if let agent { record.agentVersion = String(agent.prefix(256)) }
            if let protocolVersion { record.protocolVersion = String(protocolVersion.prefix(256)) }
        }
    }

    /// Accepts a signed peer record if it is newer than the last one seen; its addresses replace the old ones.
    /// - Returns: whether the record was newer and applied.
    @discardableResult
    public func applySignedRecord(_ record: SignedPeerRecord) -> Bool {
        var applied = false
        update(record.peer) { entry in
            if let seen = entry.recordSequence, seen >= record.sequence { return }
            entry.recordSequence = record.sequence
            entry.addresses = Array(record.addresses.prefix(Self.maximumAddresses))
            applied = true
        }
        return applied
    }

    /// Records what a new authenticated connection proved: the peer's key (already checked against its ID by the
    /// handshake) and, for a connection we dialed, the address it answered on. One update, one lock.
    func recordConnection(_ peer: PeerID, key: PublicKey, dialedAddress: Multiaddr?) {
        update(peer) { record in
            record.publicKey = key
            if let dialedAddress { Self.add([dialedAddress], to: &record) }
        }
    }

    /// Applies one identify answer in one update: key (already checked against the peer's ID), protocols (unless
    /// `keepProtocols`), versions, and the signed record (if newer) or else the listen addresses.
    func applyIdentify(
        _ peer: PeerID,
        key: PublicKey?,
        protocols: [String],
        keepProtocols: Bool,
        agent: String?,
        protocolVersion: String?,
        record signed: SignedPeerRecord?,
        listenAddresses: [Multiaddr]
    ) {
        update(peer) { record in
            if let key { record.publicKey = key }
            if !keepProtocols { record.protocols = Array(protocols.prefix(Self.maximumProtocols)) }
            if let agent { record.agentVersion = String(agent.prefix(256)) }
            if let protocolVersion { record.protocolVersion = String(protocolVersion.prefix(256)) }
            if let signed {
                if record.recordSequence.map({ $0 < signed.sequence }) ?? true {
                    record.recordSequence = signed.sequence
                    record.addresses = Array(signed.addresses.prefix(Self.maximumAddresses))
                }
            } else if !listenAddresses.isEmpty {
                Self.add(listenAddresses, to: &record)
            }
        }
    }

    private static func add(_ addresses: [Multiaddr], to record: inout Record) {
        for address in addresses {
            let plain = address.decapsulate(.p2p) ?? address
            record.addresses.removeAll { $0 == plain }
            record.addresses.append(plain)
        }
        if record.addresses.count > maximumAddresses {
            record.addresses.removeFirst(record.addresses.count - maximumAddresses)
        }
    }

    private func update(_ peer: PeerID, _ body: (inout Record) -> Void) {
        state.withLock { s in
            s.clock += 1
            var record = s.records[peer] ?? Record()
            body(&record)
            record.touched = s.clock
            s.records[peer] = record
            if s.records.count > maximumPeers,
                let oldest = s.records.min(by: { $0.value.touched < $1.value.touched })?.key
            {
                s.records[oldest] = nil
            }
        }
    }
}
