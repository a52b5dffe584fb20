import Logging
public import ServiceLifecycle
public import ShoalCore
public import ShoalHost
import ShoalMultiformats
import Synchronization

/// The Kademlia DHT on a ``P2PHost``: the shell around the pure parts of this module (routing table, lookups,
/// stores, request handler).
///
/// It is a `Service`: ``run()`` follows the host's events (identified peers feed the routing table), serves the
/// protocol in server mode, connects to the bootstrap peers, looks up its own ID, refreshes buckets, republishes
/// our provider records and collects expired records until cancelled. Client calls (``provide(key:)``,
/// ``findProviders(key:limit:)``, ``findPeer(_:)``, ``getClosestPeers(key:)``, ``putValue(key:value:)``,
/// ``getValue(key:quorum:)``) run in the caller's task, every request bounded by
/// ``KademliaDHTConfiguration/requestTimeout``.
///
/// ```swift
/// let dht = KademliaDHT(host: host, configuration: KademliaDHTConfiguration(mode: .server))
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await dht.run() }
///     try await dht.provide(key: KadDatasetKey.forDataset("weather-2026"))
/// }
/// ```
///
/// Time: the pure parts get `now` as the `Duration` since this object was created (a monotonic clock).
public final class KademliaDHT: Sendable {
    /// The host the DHT runs on.
    public let host: P2PHost
    /// The configuration.
    public let configuration: KademliaDHTConfiguration
    /// Resolves `/dns4`, `/dns6` and `/dnsaddr` bootstrap addresses.
    public let resolver: any DNSResolver
    /// Our own Kademlia ID.
    public let localID: KadPeerID

    let codec: KadMessageCodec
    let logger: Logger
    let origin = ContinuousClock.now

    typealias Job = @Sendable () async -> Void

    struct State {
        var server: KadServer
        var serving = false
        var reachable = false
        /// Keys we provide, with the time of their last announcement.
        var provided: KadProviderRepublisher
        var jobs: AsyncStream<Job>.Continuation?
        var running = false
        var readyWaiters: [CheckedContinuation<Void, Never>] = []
        var ready = false
    }

    let state: Mutex<State>

    /// A DHT on `host`; it serves nothing until ``run()``.
    /// - Parameters:
    ///   - host: the host (running or about to run).
    ///   - configuration: tunables.
    ///   - resolver: resolves DNS multiaddrs (a fake one in tests).
    public init(
        host: P2PHost,
        configuration: KademliaDHTConfiguration = KademliaDHTConfiguration(),
        resolver: any DNSResolver = SystemDNSResolver()
    ) {
        self.host = host
        self.configuration = configuration
        self.resolver = resolver
        self.localID = KadPeerID(host.peerID)
        self.codec = KadMessageCodec(maximumMessageSize: configuration.maximumMessageSize)
        var log = host.configuration.logger
        log[metadataKey: "dht.protocol"] = "\(configuration.protocolID)"
        self.logger = log
        let table = KadRoutingTable(
            localID: localID,
            configuration: KadRoutingTable.Configuration(
                bucketSize: configuration.k,
                refreshInterval: configuration.bucketRefreshInterval,
                livenessCheckTimeout: configuration.requestTimeout * 3,
                verifyListedAfter: configuration.verifyListedAfter,
                verifyScope: configuration.verifyScope
            )
        )
        let server = KadServer(
            routingTable: table,
            providers: KadProviderStore(
                configuration: KadProviderStore.Configuration(expiry: configuration.providerRecordExpiry)
            ),
            records: KadRecordStore(
                validator: configuration.validator,
                configuration: KadRecordStore.Configuration(maximumAge: configuration.maximumRecordAge)
            ),
            configuration: KadServer.Configuration(
                closerPeerCount: configuration.k,
                maximumCloserPeers: configuration.maximumCloserPeers,
                doubtfulAfter: configuration.doubtfulAfter
            )
        )
        self.state = Mutex(
            State(
                server: server,
                provided: KadProviderRepublisher(interval: configuration.providerRepublishInterval)
            )
        )
    }

    /// The current time as the pure parts see it: the `Duration` since this object was created.
    var now: Duration { ContinuousClock.now - origin }

    // MARK: - Introspection

    /// Whether the DHT serves requests now (server mode, or auto mode after it became reachable).
    public var isServing: Bool { state.withLock { $0.serving } }

    /// The number of peers in the routing table.
    public var routingTableSize: Int { state.withLock { $0.server.routingTable.count } }

    /// The peers in the routing table.
    public var routingTablePeers: [PeerID] {
        state.withLock { $0.server.routingTable.entries }.compactMap(\.id.peerID)
    }

    /// The number of provider records stored for other peers and ourselves.
    public var storedProviderCount: Int { state.withLock { $0.server.providers.recordCount } }

    // MARK: - Mode

    /// Tells an ``KadMode/auto`` DHT that the node is reachable from outside (e.g. by AutoNAT or configuration):
    /// it switches to server mode. No effect in the other modes, or with `false`.
    public func setReachable(_ reachable: Bool) {
        state.withLock { $0.reachable = $0.reachable || reachable }
        updateMode()
    }

    /// Whether the auto rule says "server": a listen address that is neither loopback nor unspecified, or told
    /// reachable.
    func shouldServe() -> Bool {
        switch configuration.mode {
        case .client: return false
        case .server: return true
        case .auto:
            if state.withLock({ $0.reachable }) { return true }
            return host.listenAddresses.contains { address in
                guard let ip = address.ipAddress else { return false }
                return !Self.isLoopbackOrUnspecified(ip)
            }
        }
    }

    static func isLoopbackOrUnspecified(_ ip: IPAddress) -> Bool {
        let bytes = ip.bytes
        if bytes.count == 4 { return bytes[0] == 127 || bytes.allSatisfy { $0 == 0 } }
        let loopback = bytes.prefix(15).allSatisfy { $0 == 0 } && bytes.last == 1
        let mapped = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        return loopback || bytes.allSatisfy { $0 == 0 } || (mapped && bytes[12] == 127)
    }

    /// Registers or unregisters the protocol handler to match ``shouldServe()``.
    func updateMode() {
        let serve = shouldServe()
        let change = state.withLock { s -> Bool? in
            guard s.running, s.serving != serve else { return nil }
            s.serving = serve
            return serve
        }
        switch change {
        case true?:
            logger.debug("DHT serving")
            host.register(
                configuration.protocolID,
                options: ProtocolOptions(maximumInboundStreamsPerPeer: configuration.maximumInboundStreamsPerPeer)
            ) { [weak self] stream in
                guard let self else { throw ShoalError(.closed, "the DHT stopped") }
                try await self.serve(stream)
            }
        case false?:
            host.unregister(configuration.protocolID)
        case nil:
            break
        }
    }

    // MARK: - Running

    /// Serves until cancelled: follows host events, serves the protocol (server mode), bootstraps, refreshes
    /// buckets, republishes our provider records and collects expired records.
    /// - Throws: ``ShoalError`` `.invalidArgument` when the DHT already runs.
    public func run() async throws {
        let (jobs, continuation) = AsyncStream<Job>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        try state.withLock { s in
            guard !s.running else { throw ShoalError(.invalidArgument, "a DHT runs only once at a time") }
            s.running = true
            s.jobs = continuation
        }
        let events = host.events()
        updateMode()
        defer {
            let (serving, waiters) = state.withLock { s in
                s.running = false
                s.jobs = nil
                let serving = s.serving
                s.serving = false
                let waiters = s.readyWaiters
                s.readyWaiters = []
                s.ready = true
                return (serving, waiters)
            }
            if serving { host.unregister(configuration.protocolID) }
            for waiter in waiters { waiter.resume() }
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await self.followEvents(events) }
                    group.addTask {
                        await self.bootstrap()
                        self.markReady()
                        await self.maintenanceLoop()
                    }
                    for await job in jobs {
                        group.addTask { await job() }
                    }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    /// Stops ``run()``.
    public func stop() {
        let jobs = state.withLock { s in
            let jobs = s.jobs
            s.jobs = nil
            return jobs
        }
        jobs?.finish()
    }

    /// Waits until ``run()`` has finished its first bootstrap (connected to the bootstrap peers and looked up
    /// its own ID), or stopped.
    public func waitUntilBootstrapped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s in
                if s.ready { return true }
                s.readyWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func markReady() {
        let waiters = state.withLock { s in
            s.ready = true
            let waiters = s.readyWaiters
            s.readyWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Runs `job` inside ``run()``'s task group; false when the DHT is not running.
    @discardableResult
    func spawn(_ job: @escaping Job) -> Bool {
        guard let jobs = state.withLock({ $0.jobs }) else { return false }
        if case .enqueued = jobs.yield(job) { return true }
        return false
    }
}

extension KademliaDHT: Service {}
