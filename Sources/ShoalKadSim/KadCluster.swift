import ShoalCore
public import ShoalKademlia
public import ShoalTestKit

// MARK: - KadCluster

/// N Kademlia nodes wired through a ``NetworkSimulator`` on a virtual clock.
///
/// Every node is the pure code of ShoalKademlia: a ``KadServer`` (routing table, provider and record stores,
/// request handler), ``KadLookup`` / ``KadProviderLookup`` machines and a ``KadProviderRepublisher``. This class
/// is the shell, like `KademliaDHT` over sockets: it sends the requests the machines ask for, feeds replies,
/// failures and timeouts back, reports peers to the routing table (inbound requests and replies, liveness checks
/// of full buckets, entry correction when an address answers with another identity), refreshes buckets,
/// republishes provider records and collects expired ones.
///
/// A node lives in a slot (its address, `10.x.y.z/tcp/4001` with the slot in the low 24 bits). A slot can be
/// crashed and later taken by a fresh node with a new identity (``replace(_:)``). Deterministic: one seed fixes
/// the identities, latencies and losses.
public final class KadCluster {
    /// What travels through the simulated network: requests and replies of one stream each.
    public enum SimMessage: Sendable {
        /// A request from `sender`, meant for the peer `expected`.
        case request(id: UInt64, sender: KadPeerID, expected: KadPeerID, message: KadMessage)
        /// The reply to request `id`.
        case response(id: UInt64, message: KadMessage)
        /// Request `id` was refused: the handler threw (`actual` nil), or the slot holds another identity
        /// (`actual`, as a security handshake would reveal).
        case refused(id: UInt64, actual: KadPeerID?)
    }

    /// What a request to the address of a crashed node (an empty slot) meets.
    public enum CrashModel: Sendable, Hashable {
        /// Connection refused after one round trip (the default): the process is gone but its host is up (a
        /// replacement starts at the same address later), so the host's TCP stack answers the connection attempt
        /// with a reset. A definitive failure: the requester drops the peer from its routing table at once.
        case refuses
        /// Nothing comes back: the request times out (a host that is down or unreachable). The model of the
        /// figures measured before this option existed.
        case silent
    }

    /// The cluster's tunables.
    public struct Configuration: Sendable {
        /// Lookup tunables (α, k, termination, request timeout): the library's defaults except two attempts per
        /// peer, since simulated loss drops whole messages (a stream transport would retransmit instead).
        public var lookup = KadLookupConfiguration(maximumAttempts: 2)
        /// Routing-table tunables.
        public var routingTable = KadRoutingTable.Configuration()
        /// The most closer peers a reply lists, suspects included (``KadServer/Configuration/maximumCloserPeers``;
        /// k: exactly the k closest entries).
        public var maximumCloserPeers = 2 * KadConstants.k
        /// Entries not heard from for this long are listed after the others and not counted towards k
        /// (``KadServer/Configuration/doubtfulAfter``).
        public var doubtfulAfter = KadServer.Configuration().doubtfulAfter
        /// Provider records: expiry.
        public var providerExpiry = KadConstants.providerRecordExpiry
        /// Provider republish interval.
        public var republishInterval = KadConstants.providerRepublishInterval
        /// How often each node runs its maintenance (bucket refresh check, republish, GC), as the DHT does.
        public var maintenanceInterval: Duration = .seconds(60)
        /// How often expired records are collected.
        public var garbageCollectionInterval: Duration = .seconds(3600)
        /// The latency of a link on top of the access delays (one way).
        public var latency = LatencyModel.exponential(base: 2_000_000, mean: 5_000_000, cap: 200_000_000)
        /// Each node draws an access delay uniformly in `0...maximumAccessDelay` (nanoseconds, one way), added to
        /// every message it sends or receives: per-link latency.
        public var maximumAccessDelay: UInt64 = 40_000_000
        /// Probability that a message is lost (the request or the reply: the requester times out).
        public var loss = 0.0
        /// GET_PROVIDERS lookups stop once this many providers are known.
        public var wantedProviders = 1
        /// What a request to a crashed node's address meets.
        public var crashModel = CrashModel.refuses
        /// Whether a peer whose lookup request timed out gets a liveness check, and leaves the routing table if
        /// that fails too (as `KademliaDHT` does).
        public var checkUnresponsivePeers = true

        /// The defaults: the library's lookup and routing-table defaults, WAN-like latency, no loss.
        public init() {}
    }

    /// The kind of a lookup.
    public enum LookupKind: Sendable, Hashable {
        /// FIND_NODE.
        case findNode
        /// GET_PROVIDERS.
        case getProviders
    }

    /// A lookup started with ``findNode(from:key:token:)`` or ``findProviders(from:key:token:)`` that ended.
    public struct Outcome: Sendable {
        /// The caller's token.
        public var token: UInt64
        /// FIND_NODE or GET_PROVIDERS.
        public var kind: LookupKind
        /// The slot that ran it.
        public var origin: Int
        /// The key looked up.
        public var key: [UInt8]
        /// The peers that answered, closest first (at most k).
        public var closest: [KadPeerID]
        /// The providers found (GET_PROVIDERS).
        public var providers: [KadPeerID]
        /// The lookup's counters (hops, requests sent, timeouts…).
        public var statistics: KadLookupStatistics
        /// Virtual start and end, nanoseconds.
        public var startedAt: UInt64
        /// Virtual end, nanoseconds.
        public var finishedAt: UInt64
    }

    /// Counters of the whole run.
    public struct Counters: Sendable, Hashable {
        /// Requests sent (lookups, liveness checks, ADD_PROVIDER).
        public var requests = 0
        /// Closer peers listed in replies (all requests), for the reply size.
        public var listedPeers = 0
        /// Replies that listed closer peers.
        public var listingReplies = 0
        /// Requests that timed out.
        public var timeouts = 0
        /// Requests answered by another identity (entry corrections).
        public var identityMismatches = 0
        /// Requests refused by the handler (it threw).
        public var handlerErrors = 0
        /// Requests to a crashed node's address refused by its host (``CrashModel/refuses``).
        public var connectionsRefused = 0
        /// Liveness checks that failed although the peer was running (every attempt lost).
        public var falseEvictions = 0
        /// Liveness checks sent (full buckets, lookup timeouts, responder hygiene; first attempts).
        public var livenessChecks = 0
        /// Of those, the checks responder hygiene asked for.
        public var hygieneChecks = 0
        /// Liveness checks that failed (the old entry was evicted).
        public var livenessFailures = 0
        /// Lookups started (every purpose).
        public var lookups = 0
        /// Refresh lookups started.
        public var refreshLookups = 0
        /// ADD_PROVIDER requests sent.
        public var providerAnnouncements = 0
        /// Provider republish rounds started.
        public var republishes = 0
        /// Provider and value records collected by GC.
        public var collectedRecords = 0
    }

    // MARK: - State

    /// The network. Messages travel as handles into ``KadCluster``'s own slab (small events, cheap to move
    /// through the event queue); ``message(_:)`` reads one.
    public var sim: NetworkSimulator<UInt32>
    /// The tunables.
    public let configuration: Configuration
    /// Run counters.
    public internal(set) var counters = Counters()
    /// Called when a measured lookup ends.
    public var onOutcome: ((Outcome) -> Void)?

    var nodes: [Node?]
    var slotByID: [KadPeerID: Int] = [:]
    let addresses: [[[UInt8]]]
    var lookups: [UInt64: ActiveLookup] = [:]
    var pending: [UInt64: PendingRequest] = [:]
    var actions: [UInt64: (KadCluster) -> Void] = [:]
    var nextID: UInt64 = 1
    var random: SimRandom
    var slab: [SimMessage?] = []
    /// Each slot's access delay (one way, nanoseconds).
    let accessDelays: [UInt64]
    var freeHandles: [UInt32] = []
    /// Slots that every new node knows at start.
    public internal(set) var bootstrapSlots: [Int] = []

    /// A cluster of `slots` empty slots (no node yet: see ``start(_:bootstrap:)``).
    /// - Parameters:
    ///   - slots: how many addresses (nodes at once).
    ///   - seed: fixes everything random.
    ///   - configuration: tunables.
    public init(slots: Int, seed: UInt64, configuration: Configuration = Configuration()) {
        precondition(slots > 0 && slots < 1 << 24, "slots must be in 1..<2^24")
        var random = SimRandom(seed: seed)
        sim = NetworkSimulator(
            nodeCount: slots,
            seed: random.next(),
            latency: configuration.latency,
            lossProbability: configuration.loss
        )
        var delays = [UInt64](repeating: 0, count: slots)
        for slot in 0..<slots where configuration.maximumAccessDelay > 0 {
            delays[slot] = random.next(upperBound: configuration.maximumAccessDelay + 1)
            sim.setAccessDelay(delays[slot], node: slot)
        }
        accessDelays = delays
        self.configuration = configuration
        self.random = random
        nodes = Array(repeating: nil, count: slots)
        addresses = (0..<slots).map { [Self.address(of: $0)] }
    }

    // MARK: - Message slab

    /// Stores a message and returns its handle.
    func store(_ message: SimMessage) -> UInt32 {
        if let handle = freeHandles.popLast() {
            slab[Int(handle)] = message
            return handle
        }
        slab.append(message)
        return UInt32(slab.count - 1)
    }

    /// Takes a message out of the slab (each handle is delivered or dropped once).
    func take(_ handle: UInt32) -> SimMessage? {
        guard Int(handle) < slab.count, let message = slab[Int(handle)] else { return nil }
        slab[Int(handle)] = nil
        freeHandles.append(handle)
        return message
    }

    /// Sends a message through the simulated network.
    func transmit(_ message: SimMessage, from: Int, to: Int) {
        let handle = store(message)
        if !sim.send(handle, from: from, to: to) { _ = take(handle) }
    }

    // MARK: - Addresses

    /// The binary multiaddr of a slot: `/ip4/10.a.b.c/tcp/4001`.
    public static func address(of slot: Int) -> [UInt8] {
        [
            0x04, 10, UInt8(truncatingIfNeeded: slot >> 16), UInt8(truncatingIfNeeded: slot >> 8),
            UInt8(truncatingIfNeeded: slot), 0x06, 0x0F, 0xA1,
        ]
    }

    /// The slot a binary multiaddr names, if it is one of ours.
    public static func slot(of address: [UInt8]) -> Int? {
        guard address.count == 8, address[0] == 0x04, address[1] == 10, address[5] == 0x06 else { return nil }
        return Int(address[2]) << 16 | Int(address[3]) << 8 | Int(address[4])
    }

    // MARK: - Queries

    /// The number of slots.
    public var slotCount: Int { nodes.count }
    /// The current virtual time, nanoseconds.
    public var now: UInt64 { sim.now }
    var kadNow: Duration { .nanoseconds(Int64(sim.now)) }

    /// Whether a node runs in `slot`.
    public func isLive(_ slot: Int) -> Bool { nodes[slot] != nil }
    /// The identity of the node in `slot`, if any.
    public func peerID(_ slot: Int) -> KadPeerID? { nodes[slot]?.id }
    /// The slot of a running node.
    public func slot(of id: KadPeerID) -> Int? { slotByID[id] }
    /// The routing table of the node in `slot`.
    public func routingTable(_ slot: Int) -> KadRoutingTable? { nodes[slot]?.server.routingTable }
    /// The provider store of the node in `slot`.
    public func providerStore(_ slot: Int) -> KadProviderStore? { nodes[slot]?.server.providers }
    /// The republish schedule of the node in `slot`.
    public func republisher(_ slot: Int) -> KadProviderRepublisher? { nodes[slot]?.provided }
    /// When the node in `slot` started (virtual nanoseconds).
    public func startedAt(_ slot: Int) -> UInt64? { nodes[slot]?.startedAt }

    /// The `count` live peers closest to `key` by brute force, optionally filtered, closest first.
    public func trueClosest(to key: KadKey, count: Int, where include: (Int) -> Bool = { _ in true }) -> [KadPeerID] {
        var best: [(KadDistance, KadPeerID)] = []
        best.reserveCapacity(count + 1)
        for slot in nodes.indices {
            guard let node = nodes[slot], include(slot) else { continue }
            let distance = node.id.kadKey.distance(to: key)
            if best.count == count, let last = best.last, !(distance < last.0) { continue }
            var at = best.count
            while at > 0 && distance < best[at - 1].0 { at -= 1 }
            best.insert((distance, node.id), at: at)
            if best.count > count { best.removeLast() }
        }
        return best.map(\.1)
    }

    // MARK: - Driving

    /// Runs the event loop until virtual time `until` (nanoseconds).
    /// - Returns: the number of events handled.
    @discardableResult
    public func run(until: UInt64) -> Int {
        sim.timeLimit = until
        var handled = 0
        while let event = sim.nextEvent() {
            handled += 1
            handle(event)
        }
        return handled
    }

    /// Runs `body` at virtual time `time` (inside a later ``run(until:)``).
    public func at(_ time: UInt64, _ body: @escaping (KadCluster) -> Void) {
        let tag = nextID
        nextID += 1
        actions[tag] = body
        sim.scheduleAction(at: time, tag: tag)
    }

    /// A fresh random identity (a SHA-256-shaped peer ID).
    public func randomPeerID() -> KadPeerID {
        var digest = [UInt8](repeating: 0, count: 32)
        for chunk in 0..<4 {
            let word = random.next()
            for byte in 0..<8 { digest[chunk * 8 + byte] = UInt8(truncatingIfNeeded: word >> UInt64(byte * 8)) }
        }
        return try! KadPeerID(sha256Digest: digest)
    }

    /// Random key bytes (a SHA-256 multihash, as a CID's).
    public func randomKey() -> [UInt8] { randomPeerID().bytes }

    /// A uniform integer in `0..<bound`, from the cluster's generator.
    public func draw(_ bound: Int) -> Int { random.below(bound) }
}
