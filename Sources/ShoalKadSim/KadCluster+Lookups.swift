import ShoalKademlia
import ShoalTestKit

// MARK: - Lookups

/// Why a lookup runs.
enum Purpose {
    /// The self lookup of a joining node.
    case join
    /// A bucket refresh (or the self lookup that follows it).
    case refresh
    /// A measured lookup: report it with this token.
    case measured(UInt64)
    /// The FIND_NODE of `provide()`: announce to the closest found.
    case provide
}

/// A lookup machine of either kind.
enum Machine {
    case nodes(KadLookup)
    case providers(KadProviderLookup)
    /// Held only while a machine is taken out to be mutated (so that its arrays stay uniquely referenced).
    case moved
}

/// A lookup in progress.
struct ActiveLookup {
    var origin: Int
    var machine: Machine
    var purpose: Purpose
    var request: KadMessage
    var startedAt: UInt64
}

/// A request in flight.
struct PendingRequest {
    enum Kind {
        case lookup(UInt64)
        case liveness
        case announce
    }

    var origin: Int
    var peer: KadPeerID
    var slot: Int?
    var kind: Kind
    /// Which attempt this is (liveness checks get as many as lookup requests).
    var attempt = 1
}

/// What a lookup machine asked for, in one shape for both kinds.
enum Step {
    case send(KadPeerInfo)
    case finished(closest: [KadPeerInfo], providers: [KadPeerInfo], statistics: KadLookupStatistics)
}

extension KadCluster {
    // MARK: - Starting lookups

    /// Starts a measured FIND_NODE from `slot` for `key`; ``onOutcome`` reports it with `token`.
    public func findNode(from slot: Int, key: [UInt8], token: UInt64) {
        startLookup(from: slot, key: key, kind: .findNode, purpose: .measured(token))
    }

    /// Starts a measured GET_PROVIDERS from `slot` for `key`; ``onOutcome`` reports it with `token`.
    /// As the DHT does, the local provider store answers first (no request sent).
    public func findProviders(from slot: Int, key: [UInt8], token: UInt64) {
        guard let node = nodes[slot] else { return }
        let local = node.server.providers.providers(for: key, now: kadNow, limit: configuration.wantedProviders)
        if !local.isEmpty {
            onOutcome?(
                Outcome(
                    token: token,
                    kind: .getProviders,
                    origin: slot,
                    key: key,
                    closest: [],
                    providers: local.map(\.id),
                    statistics: KadLookupStatistics(),
                    startedAt: sim.now,
                    finishedAt: sim.now
                )
            )
            return
        }
        startLookup(from: slot, key: key, kind: .getProviders, purpose: .measured(token))
    }

    /// `provide()` as the DHT does it: store our own record, remember the key for republishing, find the k closest
    /// peers to the key and send them ADD_PROVIDER.
    public func provide(from slot: Int, key: [UInt8]) {
        guard var node = nodes[slot] else { return }
        let me = KadPeerInfo(id: node.id, addresses: addresses[slot])
        _ = try? node.server.providers.addProvider(key: key, provider: me, now: kadNow)
        node.provided.announced(key, now: kadNow)
        nodes[slot] = node
        startLookup(from: slot, key: key, kind: .findNode, purpose: .provide)
    }

    func startLookup(from slot: Int, key: [UInt8], kind: LookupKind, purpose: Purpose) {
        guard let node = nodes[slot] else { return }
        let target = KadKey(hashing: key)
        let seeds = node.server.routingTable.closest(to: target, count: configuration.lookup.resultCount)
            .map(\.peerInfo)
        let machine: Machine
        let request: KadMessage
        switch kind {
        case .findNode:
            machine = .nodes(
                KadLookup(target: target, seeds: seeds, localID: node.id, configuration: configuration.lookup)
            )
            request = KadMessage(type: .findNode, key: key)
        case .getProviders:
            machine = .providers(
                KadProviderLookup(
                    key: key,
                    seeds: seeds,
                    localID: node.id,
                    wantedProviders: configuration.wantedProviders,
                    configuration: configuration.lookup
                )
            )
            request = KadMessage(type: .getProviders, key: key)
        }
        let id = nextID
        nextID += 1
        counters.lookups += 1
        lookups[id] = ActiveLookup(
            origin: slot,
            machine: machine,
            purpose: purpose,
            request: request,
            startedAt: sim.now
        )
        advance(id) { machine, now in machine.start(now: now) }
    }

    // MARK: - Feeding a lookup

    /// Applies `input` to lookup `id` and performs the steps it returns.
    func advance(_ id: UInt64, _ input: (inout Machine, Duration) -> [Step]) {
        guard var lookup = lookups.removeValue(forKey: id) else { return }
        let steps = input(&lookup.machine, kadNow)
        lookups[id] = lookup
        for step in steps {
            switch step {
            case .send(let peer):
                send(lookup.request, from: lookup.origin, to: peer, kind: .lookup(id))
            case .finished(let closest, let providers, let statistics):
                lookups[id] = nil
                finish(lookup, closest: closest, providers: providers, statistics: statistics)
            }
        }
    }

    private func finish(
        _ lookup: ActiveLookup,
        closest: [KadPeerInfo],
        providers: [KadPeerInfo],
        statistics: KadLookupStatistics
    ) {
        let slot = lookup.origin
        guard nodes[slot] != nil else { return }
        if lookup.request.type == .findNode {
            nodes[slot]!.server.routingTable.recordLookup(of: KadKey(hashing: lookup.request.key), now: kadNow)
        }
        switch lookup.purpose {
        case .join, .refresh:
            break
        case .provide:
            let me = KadPeerInfo(id: nodes[slot]!.id, addresses: addresses[slot])
            let announce = KadMessage(type: .addProvider, key: lookup.request.key, providerPeers: [me])
            for peer in closest {
                counters.providerAnnouncements += 1
                send(announce, from: slot, to: peer, kind: .announce)
            }
        case .measured(let token):
            onOutcome?(
                Outcome(
                    token: token,
                    kind: lookup.request.type == .findNode ? .findNode : .getProviders,
                    origin: slot,
                    key: lookup.request.key,
                    closest: closest.map(\.id),
                    providers: providers.map(\.id),
                    statistics: statistics,
                    startedAt: lookup.startedAt,
                    finishedAt: sim.now
                )
            )
        }
    }
}

// MARK: - Machine adapters

extension Machine {
    mutating func start(now: Duration) -> [Step] {
        switch self {
        case .nodes(var lookup):
            self = .moved
            let actions = lookup.start(now: now)
            self = .nodes(lookup)
            return Self.steps(actions)
        case .providers(var lookup):
            self = .moved
            let actions = lookup.start(now: now)
            self = .providers(lookup)
            return Self.steps(actions)
        case .moved:
            return []
        }
    }

    mutating func received(_ message: KadMessage, from peer: KadPeerID, now: Duration) -> [Step] {
        switch self {
        case .nodes(var lookup):
            self = .moved
            let actions = lookup.receivedResponse(from: peer, closerPeers: message.closerPeers, now: now)
            self = .nodes(lookup)
            return Self.steps(actions)
        case .providers(var lookup):
            self = .moved
            let actions = lookup.receivedResponse(
                from: peer,
                closerPeers: message.closerPeers,
                providers: message.providerPeers,
                now: now
            )
            self = .providers(lookup)
            return Self.steps(actions)
        case .moved:
            return []
        }
    }

    mutating func failed(_ peer: KadPeerID, timedOut: Bool, now: Duration) -> [Step] {
        switch self {
        case .nodes(var lookup):
            self = .moved
            let actions = timedOut ? lookup.requestTimedOut(peer, now: now) : lookup.requestFailed(peer, now: now)
            self = .nodes(lookup)
            return Self.steps(actions)
        case .providers(var lookup):
            self = .moved
            let actions = timedOut ? lookup.requestTimedOut(peer, now: now) : lookup.requestFailed(peer, now: now)
            self = .providers(lookup)
            return Self.steps(actions)
        case .moved:
            return []
        }
    }

    static func steps(_ actions: [KadLookup.Action]) -> [Step] {
        actions.map { action in
            switch action {
            case .sendRequest(let peer, _): .send(peer)
            case .finished(let result): .finished(closest: result.closest, providers: [], statistics: result.statistics)
            }
        }
    }

    static func steps(_ actions: [KadProviderLookup.Action]) -> [Step] {
        actions.map { action in
            switch action {
            case .sendRequest(let peer, _): .send(peer)
            case .finished(let result):
                .finished(
                    closest: result.lookup.closest,
                    providers: result.providers,
                    statistics: result.lookup.statistics
                )
            }
        }
    }
}
