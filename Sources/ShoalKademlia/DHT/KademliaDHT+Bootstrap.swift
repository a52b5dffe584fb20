import Logging
import ShoalCore
import ShoalHost
public import ShoalMultiformats
import ShoalTransport
import Synchronization

extension KademliaDHT {
    // MARK: - Bootstrap

    /// Connects to `addresses` (resolving `/dns4`, `/dns6`, `/dnsaddr` with ``resolver``), adds the peers to the
    /// routing table (bootstrap peers are taken to be servers until identify says otherwise), then looks up our
    /// own ID to fill the buckets near us.
    /// - Parameter addresses: multiaddrs ending in `/p2p/<id>`.
    /// - Returns: the number of peers connected.
    @discardableResult
    public func bootstrap(_ addresses: [Multiaddr]) async -> Int {
        let resolver = MultiaddrResolver(resolver: self.resolver)
        var resolved: [Multiaddr] = []
        for address in addresses.prefix(64) {
            do {
                resolved += try await resolver.resolve(address)
            } catch {
                logger.debug("bootstrap address does not resolve", metadata: ["address": "\(address)"])
            }
        }
        let connected = await withTaskGroup(of: Bool.self) { group in
            for address in resolved.prefix(64) {
                group.addTask { await self.connectBootstrapPeer(address) }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        if routingTableSize > 0 || !host.connectedPeers.isEmpty {
            _ = await closestPeerInfos(key: localID.bytes)
        }
        return connected
    }

    /// Bootstraps from the configured peers (``KademliaDHTConfiguration/bootstrapPeers``).
    func bootstrap() async {
        guard !configuration.bootstrapPeers.isEmpty else { return }
        await bootstrap(configuration.bootstrapPeers)
    }

    private func connectBootstrapPeer(_ address: Multiaddr) async -> Bool {
        do {
            let peer = try await withDeadline(configuration.requestTimeout) { [host] in
                try await host.connect(address)
            }
            let protocols = host.peerStore.protocols(of: peer)
            if protocols.isEmpty || protocols.contains(configuration.protocolID) {
                peerSeen(peer, isServer: true, addresses: [address])
            }
            return true
        } catch {
            logger.debug("bootstrap peer unreachable", metadata: ["address": "\(address)", "error": "\(error)"])
            return false
        }
    }

    // MARK: - Maintenance

    /// Every ``KademliaDHTConfiguration/refreshCheckInterval``: refreshes the buckets that need it (a lookup of a
    /// random key in each, and of our own ID), republishes our provider records that are due, and collects
    /// expired records when due. Ends when the task is cancelled.
    func maintenanceLoop() async {
        var lastCollection = now
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.refreshCheckInterval) } catch { return }
            await refreshBuckets()
            await republishProviders()
            if now - lastCollection >= configuration.garbageCollectionInterval {
                collectGarbage()
                lastCollection = now
            }
        }
    }

    /// Looks up a random key in each bucket that has gone without a lookup for the refresh interval, then our
    /// own ID.
    public func refreshBuckets() async {
        var generator = SystemRandomNumberGenerator()
        let now = self.now
        let targets = state.withLock { $0.server.routingTable.refreshTargets(now: now, using: &generator) }
        guard !targets.isEmpty else { return }
        for target in targets.prefix(16) where !Task.isCancelled {
            _ = await closestPeerInfos(key: target.keyBytes)
        }
        _ = await closestPeerInfos(key: localID.bytes)
    }

    /// Announces again every provided key whose last announcement is older than the republish interval.
    func republishProviders() async {
        let now = self.now
        let due = state.withLock { s in s.provided.due(now: now) }
        for key in due where !Task.isCancelled {
            _ = try? await provide(key: key)
        }
    }

    /// Drops expired provider and value records.
    /// - Returns: the number of records dropped.
    @discardableResult
    public func collectGarbage() -> Int {
        let now = self.now
        return state.withLock { s in
            s.server.providers.collectGarbage(now: now) + s.server.records.collectGarbage(now: now)
        }
    }
}
