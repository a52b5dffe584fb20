public import ShoalCore
public import ShoalHealth
public import ShoalHost
public import ShoalKademlia
public import ShoalMultiformats
public import ShoalTransport
import Synchronization

extension Node {
    // MARK: - Connections

    /// Connects to a peer at `address` (with `/p2p/`).
    /// - Returns: the peer's ID.
    @discardableResult
    public func connect(_ address: Multiaddr) async throws -> PeerID {
        try await host.connect(address)
    }

    // MARK: - Protocols

    /// Serves `protocolID` with `handler` (each inbound stream of the protocol), announced in identify.
    public func register(protocol protocolID: String, handler: @escaping StreamHandler) {
        host.register(protocolID, handler: handler)
    }

    /// Serves a request/response protocol: one length-prefixed request, one length-prefixed response per stream.
    public func registerRequestHandler(
        protocol protocolID: String,
        maximumRequestLength: Int = 1 << 20,
        handler: @escaping @Sendable (_ peer: PeerID, _ request: [UInt8]) async throws -> [UInt8]
    ) {
        host.registerRequestHandler(protocolID, maximumRequestLength: maximumRequestLength, handler: handler)
    }

    /// Sends one request over a request/response protocol and returns the response.
    public func request(
        _ peer: PeerID,
        protocol protocolID: String,
        _ request: [UInt8],
        timeout: Duration = .seconds(30)
    ) async throws -> [UInt8] {
        try await host.request(peer, protocol: protocolID, request, timeout: timeout)
    }

    /// Opens a stream to `peer` speaking the first of `protocols` it supports.
    public func newStream(to peer: PeerID, protocols: [String]) async throws -> ShoalStream {
        try await host.newStream(to: peer, protocols: protocols)
    }

    // MARK: - Datasets in the DHT

    /// Announces that this node holds `datasetID` (DHT ADD_PROVIDER under ``KadDatasetKey/forDataset(_:)``).
    /// - Returns: the number of peers that took the announcement.
    /// - Throws: ``ShoalCore/ShoalError`` `unsupported` for a role that stores no datasets (coordinator, client)
    ///   or without a DHT; the DHT's errors otherwise.
    @discardableResult
    public func provideDataset(_ datasetID: String) async throws -> Int {
        guard role.storesDatasets else {
            throw ShoalError(.unsupported, "a \(role.rawValue) stores no datasets, so it cannot provide \(datasetID)")
        }
        return try await requireDHT().provide(key: KadDatasetKey.forDataset(datasetID))
    }

    /// Finds the nodes that provide `datasetID` (DHT GET_PROVIDERS under ``KadDatasetKey/forDataset(_:)``).
    /// - Parameter limit: stop after this many providers.
    /// - Throws: ``ShoalCore/ShoalError`` `unsupported` without a DHT.
    public func findDatasetProviders(_ datasetID: String, limit: Int = 20) async throws -> [DHTPeer] {
        try await requireDHT().findProviders(key: KadDatasetKey.forDataset(datasetID), limit: limit) { _ in }
    }

    private func requireDHT() throws -> KademliaDHT {
        guard let dht else { throw ShoalError(.unsupported, "the DHT is disabled (dht.enabled = false)") }
        return dht
    }

    // MARK: - Capabilities

    /// Asks `peer` for its descriptor over `/shoal/capabilities/1.0.0` and remembers it in ``knownNodes``.
    @discardableResult
    public func describe(_ peer: PeerID) async throws -> NodeDescriptor {
        if peer == peerID { return descriptor }
        let bytes = try await host.request(
            peer,
            protocol: NodeCapabilitiesProtocol.protocolID,
            Array("{}".utf8),
            maximumResponseLength: NodeCapabilitiesProtocol.maximumResponseLength,
            timeout: options.describeTimeout
        )
        let described = try NodeCapabilitiesProtocol.decodeResponse(bytes, from: peer)
        let isNew = state.withLock { s -> Bool in
            guard s.known[peer] != nil || s.known.count < options.maximumKnownNodes else { return false }
            let changed = s.known[peer] != described
            s.known[peer] = described
            return changed
        }
        if isNew { emit(.described(peer: peer, descriptor: described)) }
        return described
    }

    // MARK: - Health

    /// The health of `peer` over `/ipfs-datasets/health/1.0.0` (this node's own health for its own ID).
    /// - Throws: the host's error, or ``ShoalCore/ShoalError`` `timeout` past ``NodeOptions/healthDeadline``.
    public func health(of peer: PeerID) async throws -> NodeHealth {
        if peer == peerID { return healthMonitor.localHealth() }
        return try await healthMonitor.health(of: peer, timeout: options.healthDeadline)
    }

    /// The health of every node: this one, every known node whose role serves health (connected or not: one that
    /// does not answer within ``NodeOptions/healthDeadline`` is ``ShoalHealth/HealthStatus/unreachable``), and
    /// every connected peer that announces the health protocol. Clients are not asked.
    public func allNodesHealth() async -> [PeerID: NodeHealth] {
        var peers = Set(knownNodes.filter { $0.value.role.servesHealth }.keys)
        for peer in connectedPeers where host.peerStore.protocols(of: peer).contains(HealthProtocol.protocolID) {
            if knownNodes[peer].map({ $0.role.servesHealth }) ?? true { peers.insert(peer) }
        }
        peers.remove(peerID)
        var results = await healthMonitor.allNodesHealth(peers: Array(peers), deadline: options.healthDeadline)
        results[peerID] = healthMonitor.localHealth()
        return results
    }
}
