import ShoalKademlia
import ShoalTestKit

// MARK: - Node state

/// One running node: the pure DHT state and the shell's bookkeeping.
struct Node {
    let id: KadPeerID
    var server: KadServer
    var provided: KadProviderRepublisher
    let startedAt: UInt64
    var lastCollection: Duration
    /// The tag of the node's current maintenance timer (timers with another tag are stale).
    var maintenanceTag: UInt64
}

/// Maintenance timer tags have the top bit set; request timeout tags are request IDs.
let maintenanceFlag: UInt64 = 1 << 63

extension KadCluster {
    // MARK: - Lifecycle

    /// Starts a node in each of `slots` at the current time; the first `bootstrap` of them become the bootstrap
    /// nodes every later node joins through. Bootstrap nodes know each other; each then joins like any node.
    public func startBootstrapNodes(_ slots: [Int]) {
        for slot in slots { makeNode(slot) }
        bootstrapSlots = slots
        for slot in slots {
            for other in slots where other != slot { seen(other, by: slot) }
        }
        for slot in slots { join(slot) }
    }

    /// Starts a node in an empty slot with a fresh identity: it learns the bootstrap nodes, looks up its own ID
    /// (the real DHT's bootstrap), and starts its maintenance timer (bucket refresh, republish, GC).
    public func start(_ slot: Int) {
        precondition(nodes[slot] == nil, "slot \(slot) is taken")
        makeNode(slot)
        for bootstrap in bootstrapSlots where bootstrap != slot && nodes[bootstrap] != nil {
            seen(bootstrap, by: slot)
        }
        join(slot)
    }

    /// Crashes the node in `slot`: it stops answering, its lookups and timers are dropped.
    public func crash(_ slot: Int) {
        guard let node = nodes[slot] else { return }
        slotByID[node.id] = nil
        nodes[slot] = nil
        sim.crash(slot)
        lookups = lookups.filter { $0.value.origin != slot }
        pending = pending.filter { $0.value.origin != slot }
    }

    /// Brings `slot` back with a new node (a new identity at the old address).
    public func replace(_ slot: Int) {
        crash(slot)
        sim.restart(slot)
        start(slot)
    }

    private func makeNode(_ slot: Int) {
        let id = randomPeerID()
        let now = kadNow
        let server = KadServer(
            routingTable: KadRoutingTable(localID: id, configuration: configuration.routingTable, now: now),
            providers: KadProviderStore(configuration: .init(expiry: configuration.providerExpiry)),
            configuration: .init(
                closerPeerCount: configuration.lookup.resultCount,
                maximumCloserPeers: configuration.maximumCloserPeers,
                doubtfulAfter: configuration.doubtfulAfter
            )
        )
        slotByID[id] = slot
        nodes[slot] = Node(
            id: id,
            server: server,
            provided: KadProviderRepublisher(interval: configuration.republishInterval),
            startedAt: sim.now,
            lastCollection: now,
            maintenanceTag: 0
        )
        scheduleMaintenance(slot)
    }

    private func join(_ slot: Int) {
        guard let id = nodes[slot]?.id else { return }
        startLookup(from: slot, key: id.bytes, kind: .findNode, purpose: .join)
    }

    // MARK: - Maintenance

    func scheduleMaintenance(_ slot: Int) {
        let tag = maintenanceFlag | nextID
        nextID += 1
        nodes[slot]?.maintenanceTag = tag
        let interval = UInt64(configuration.maintenanceInterval.components.seconds) * 1_000_000_000
        // Spread the nodes' timers over the interval so that they do not all fire at once.
        let jitter = random.next(upperBound: max(interval / 10, 1))
        sim.schedule(node: slot, at: sim.now + interval + jitter, tag: tag)
    }

    /// The DHT's maintenance round: refresh stale buckets (a random key in each, then our own ID), republish due
    /// provider records, collect expired records.
    func maintain(_ slot: Int) {
        guard var node = nodes[slot] else { return }
        let now = kadNow
        let targets = node.server.routingTable.refreshTargets(now: now, using: &random)
        for target in targets.prefix(16) {
            counters.refreshLookups += 1
            startLookup(from: slot, key: target.keyBytes, kind: .findNode, purpose: .refresh)
        }
        if !targets.isEmpty { startLookup(from: slot, key: node.id.bytes, kind: .findNode, purpose: .refresh) }
        for key in node.provided.due(now: now) {
            counters.republishes += 1
            provide(from: slot, key: key)
        }
        node = nodes[slot] ?? node
        if now - node.lastCollection >= configuration.garbageCollectionInterval {
            counters.collectedRecords +=
                node.server.providers.collectGarbage(now: now) + node.server.records.collectGarbage(now: now)
            node.lastCollection = now
        }
        nodes[slot] = node
        scheduleMaintenance(slot)
    }

    // MARK: - Routing table

    /// Reports the node in `peerSlot` as seen by the node in `slot` (all simulated nodes are DHT servers); runs
    /// the liveness check a full bucket asks for.
    func seen(_ peerSlot: Int, by slot: Int) {
        guard let peer = nodes[peerSlot]?.id else { return }
        seen(peer, at: peerSlot, by: slot)
    }

    func seen(_ peer: KadPeerID, at peerSlot: Int, by slot: Int) {
        guard nodes[slot] != nil else { return }
        let result = nodes[slot]!.server.routingTable.peerSeen(
            peer,
            addresses: addresses[peerSlot],
            isServer: true,
            now: kadNow
        )
        checkLivenessIfAsked(result, by: slot)
    }

    func checkLivenessIfAsked(_ result: KadRoutingTable.InsertResult, by slot: Int) {
        guard case .checkLiveness(let oldest) = result,
            let entry = nodes[slot]?.server.routingTable.entry(for: oldest)
        else { return }
        counters.livenessChecks += 1
        send(KadMessage(type: .ping, key: []), from: slot, to: entry.peerInfo, kind: .liveness)
    }
}
