public import ShoalCore
import ShoalHost
public import ShoalMultiformats
import Synchronization

/// A peer found through the DHT: its ID and the addresses it was listed with (without `/p2p`).
public struct DHTPeer: Hashable, Sendable {
    /// The peer.
    public var id: PeerID
    /// Its addresses.
    public var addresses: [Multiaddr]

    /// A peer entry.
    public init(id: PeerID, addresses: [Multiaddr]) {
        self.id = id
        self.addresses = addresses
    }

    /// The DHT peer of a message entry, or nil when its ID is not a libp2p peer ID.
    init?(_ info: KadPeerInfo) {
        guard let id = info.id.peerID else { return nil }
        self.id = id
        self.addresses = info.addresses.compactMap { bytes in
            (try? Multiaddr(bytes: bytes)).flatMap(KademliaDHT.withoutPeerID)
        }
    }
}

extension KademliaDHT {
    // MARK: - Closest peers

    /// The k peers closest to `key` that answered an iterative FIND_NODE lookup, closest first.
    /// - Parameter key: any key bytes (a peer ID, a multihash, a record key); the target is `SHA-256(key)`.
    public func getClosestPeers(key: [UInt8]) async -> [DHTPeer] {
        await closestPeerInfos(key: key).compactMap(DHTPeer.init)
    }

    func closestPeerInfos(key: [UInt8]) async -> [KadPeerInfo] {
        let target = KadKey(hashing: key)
        let lookup = KadLookup(
            target: target,
            seeds: seeds(for: target),
            localID: localID,
            configuration: configuration.lookupConfiguration
        )
        let (_, result) = await drive(lookup, request: KadMessage(type: .findNode, key: key))
        let now = self.now
        state.withLock { $0.server.routingTable.recordLookup(of: target, now: now) }
        return result?.closest ?? []
    }

    // MARK: - Peers

    /// Finds the addresses of `peer`: from an open connection or the routing table, otherwise by a FIND_NODE
    /// lookup that stops as soon as a reply lists the peer with addresses.
    /// - Returns: the peer and its addresses, or nil when the lookup ended without finding it.
    public func findPeer(_ peer: PeerID) async -> DHTPeer? {
        let known = host.peerStore.addresses(of: peer)
        if host.connectedPeers.contains(peer) && !known.isEmpty { return DHTPeer(id: peer, addresses: known) }
        let target = KadPeerID(peer)
        if let entry = state.withLock({ $0.server.routingTable.entry(for: target) }), !entry.addresses.isEmpty {
            return DHTPeer(entry.peerInfo)
        }
        var found: KadPeerInfo?
        let lookup = KadLookup(
            target: target.kadKey,
            seeds: seeds(for: target.kadKey),
            localID: localID,
            configuration: configuration.lookupConfiguration
        )
        let (_, result) = await drive(lookup, request: KadMessage(type: .findNode, key: peer.bytes)) { _, reply in
            if let listed = reply.closerPeers.first(where: { $0.id == target && !$0.addresses.isEmpty }) {
                found = listed
                return true
            }
            return false
        }
        if found == nil { found = result?.closest.first { $0.id == target } }
        return found.flatMap(DHTPeer.init)
    }

    // MARK: - Providers

    /// Announces that we provide `key`: stores our record locally and sends ADD_PROVIDER to the k closest peers.
    /// The key is remembered and announced again every ``KademliaDHTConfiguration/providerRepublishInterval``.
    /// - Parameter key: multihash bytes (see ``KadDatasetKey``), at most 80 bytes.
    /// - Returns: the number of peers the announcement was delivered to.
    /// - Throws: ``ShoalError`` `.limitExceeded` for a key over 80 bytes, `.invalidArgument` for an empty key or
    ///   when the host has no listen address to announce.
    @discardableResult
    public func provide(key: [UInt8]) async throws -> Int {
        let limit = KadServer.Configuration().maximumProviderKeyLength
        guard !key.isEmpty else { throw ShoalError(.invalidArgument, "a provider key must not be empty") }
        guard key.count <= limit else {
            throw ShoalError(.limitExceeded, "a provider key of \(key.count) bytes exceeds the maximum of \(limit)")
        }
        let addresses = host.listenAddresses.map(\.bytes)
        guard !addresses.isEmpty else {
            throw ShoalError(.invalidArgument, "the host has no listen address to announce as a provider")
        }
        let me = KadPeerInfo(id: localID, addresses: addresses)
        let now = self.now
        try state.withLock { s in
            try s.server.providers.addProvider(key: key, provider: me, now: now)
            s.provided.announced(key, now: now)
        }
        let closest = await closestPeerInfos(key: key)
        let request = KadMessage(type: .addProvider, key: key, providerPeers: [me])
        return await sendToAll(request, closest)
    }

    /// Sends `request` to every peer (at most ``KademliaDHTConfiguration/maximumStoreFanOut`` at once).
    /// - Returns: how many succeeded.
    func sendToAll(_ request: KadMessage, _ peers: [KadPeerInfo]) async -> Int {
        let fanOut = configuration.maximumStoreFanOut
        return await withTaskGroup(of: Bool.self) { group in
            var delivered = 0
            var next = 0
            while next < peers.count && next < fanOut {
                let peer = peers[next]
                group.addTask { await self.delivered(request, to: peer) }
                next += 1
            }
            while let ok = await group.next() {
                if ok { delivered += 1 }
                if next < peers.count {
                    let peer = peers[next]
                    group.addTask { await self.delivered(request, to: peer) }
                    next += 1
                }
            }
            return delivered
        }
    }

    /// The providers of `key` in the local store (records other peers sent us, and our own), without a lookup.
    public func localProviders(key: [UInt8]) -> [DHTPeer] {
        let now = self.now
        return state.withLock { $0.server.providers.providers(for: key, now: now) }.compactMap(DHTPeer.init)
    }

    /// Whether `request` reached `peer` (and, except for ADD_PROVIDER, was answered).
    func delivered(_ request: KadMessage, to peer: KadPeerInfo) async -> Bool {
        do {
            _ = try await send(request, to: peer)
            return true
        } catch {
            return false
        }
    }

    /// Finds providers of `key`, up to `limit`, collecting them as a GET_PROVIDERS lookup runs.
    /// - Parameters:
    ///   - key: multihash bytes (see ``KadDatasetKey``).
    ///   - limit: stop after this many distinct providers.
    ///   - onProvider: called with each new provider as it arrives (local records first).
    /// - Returns: every provider found.
    @discardableResult
    public func findProviders(
        key: [UInt8],
        limit: Int = KadConstants.k,
        onProvider: (DHTPeer) -> Void
    ) async -> [DHTPeer] {
        let limit = max(limit, 1)
        var seen: Set<KadPeerID> = []
        var found: [DHTPeer] = []
        func offer(_ info: KadPeerInfo) -> Bool {
            guard found.count < limit, !seen.contains(info.id), let peer = DHTPeer(info) else {
                return found.count >= limit
            }
            seen.insert(info.id)
            found.append(peer)
            learnAddresses(info.addresses, of: peer.id)
            onProvider(peer)
            return found.count >= limit
        }
        let now = self.now
        let local = state.withLock { $0.server.providers.providers(for: key, now: now, limit: limit) }
        for info in local where offer(info) { return found }
        let lookup = KadProviderLookup(
            key: key,
            seeds: seeds(for: KadKey(hashing: key)),
            localID: localID,
            wantedProviders: limit,
            configuration: configuration.lookupConfiguration
        )
        let request = KadMessage(type: .getProviders, key: key)
        let (machine, _) = await drive(lookup, request: request) { machine, _ in
            var done = false
            for info in machine.providersSoFar where !done { done = offer(info) }
            return done
        }
        for info in machine.providersSoFar where found.count < limit { _ = offer(info) }
        return found
    }

    /// Finds providers of `key` as an asynchronous sequence that yields each provider as it arrives.
    ///
    /// The lookup runs inside ``run()``'s task group (no unstructured task); it stops when the consumer stops
    /// iterating. When the DHT is not running, the sequence throws ``ShoalError`` `.closed`.
    /// - Parameters:
    ///   - key: multihash bytes.
    ///   - limit: stop after this many distinct providers.
    public func findProviders(key: [UInt8], limit: Int = KadConstants.k) -> AsyncThrowingStream<DHTPeer, any Error> {
        let (stream, continuation) = AsyncThrowingStream<DHTPeer, any Error>.makeStream()
        let spawned = spawn {
            await self.findProviders(key: key, limit: limit) { peer in continuation.yield(peer) }
            continuation.finish()
        }
        if !spawned { continuation.finish(throwing: ShoalError(.closed, "the DHT is not running")) }
        return stream
    }

    // MARK: - Values

    /// Validates and stores a value record locally, then sends PUT_VALUE to the k closest peers.
    /// - Parameters:
    ///   - key: the record key, `/<namespace>/<rest>` with a namespace the validator knows (e.g. `/pk/…`).
    ///   - value: the value.
    /// - Returns: the number of peers that stored it (echoed the request).
    /// - Throws: the validator's error, or the record store's (`limitExceeded`, a better record stored).
    @discardableResult
    public func putValue(key: [UInt8], value: [UInt8]) async throws -> Int {
        let record = KadRecord(key: key, value: value)
        try configuration.validator.validate(record)
        let now = self.now
        try state.withLock { try $0.server.records.put(record, now: now) }
        let closest = await closestPeerInfos(key: key)
        return await sendToAll(KadMessage(type: .putValue, key: key, record: record), closest)
    }

    /// Finds the best value of `key`: the local record and GET_VALUE replies until `quorum` valid records, the best
    /// chosen by the validator. Peers that returned an outdated record or none are sent the best one.
    /// - Returns: the value, or nil when no valid record was found.
    public func getValue(key: [UInt8], quorum: Int = 1) async -> [UInt8]? {
        let now = self.now
        let local = state.withLock { $0.server.records.get(key, now: now) }
        let target = KadKey(hashing: key)
        let lookup = KadValueLookup(
            key: key,
            seeds: seeds(for: target),
            localID: localID,
            localRecord: local,
            quorum: max(quorum, 1),
            validator: configuration.validator,
            configuration: configuration.lookupConfiguration
        )
        let (_, result) = await drive(lookup, request: KadMessage(type: .getValue, key: key))
        guard let result, let record = result.record else { return nil }
        let stale = Array((result.outdatedPeers + result.peersWithoutValue).prefix(configuration.k))
        if !stale.isEmpty {
            _ = await sendToAll(KadMessage(type: .putValue, key: key, record: record), stale)
        }
        return record.value
    }
}
