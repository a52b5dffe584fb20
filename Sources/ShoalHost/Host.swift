public import Logging
import NIOCore
public import ServiceLifecycle
public import ShoalCore
public import ShoalMultiformats
public import ShoalTransport
import Synchronization

/// A libp2p host: listens and dials over TCP, secures connections with Noise, multiplexes them with yamux, and
/// hands each inbound stream to the handler registered for its protocol.
///
/// The host is a `Service`: call ``run()`` (or use ``withHost(_:_:)``) and it serves until cancelled or until
/// ``shutdown()``, which closes every connection with a yamux GoAway. Identify, ping and perf are served by default.
///
/// ```swift
/// try await withHost(HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])) { host in
///     let peer = try await host.connect(try Multiaddr("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…"))
///     let rtt = try await host.ping(peer)
/// }
/// ```
public final class P2PHost: Sendable {
    /// The configuration the host was made with.
    public let configuration: HostConfiguration
    /// This host's peer ID.
    public let peerID: PeerID
    /// What the host knows about other peers.
    public let peerStore: PeerStore

    let registry = ProtocolRegistry()
    let transport: TCPTransport
    let runtime: ConnectionRuntime
    /// Deadlines of the host's own stream work (negotiations, ping, identify).
    let deadlines: DeadlineQueue
    let logger: Logger
    let startedAt = ContinuousClock.now

    /// Work for the host's task group, optionally preferring an executor (a connection's event loop).
    struct Job: Sendable {
        var executor: (any TaskExecutor)?
        var body: @Sendable () async -> Void
    }

    enum Phase: Equatable {
        case idle
        case running
        case stopping
        case stopped
    }

    struct State {
        var phase = Phase.idle
        var listenAddresses: [Multiaddr] = []
        var listenerClosers: [@Sendable () -> Void] = []
        var connections: [PeerID: [MuxedConnection]] = [:]
        var pendingDials: [PeerID: OneShot<MuxedConnection>] = [:]
        var pendingInbound = 0
        var subscribers: [Int: AsyncStream<HostEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var nextConnectionID: UInt64 = 0
        var ready: OneShot<[Multiaddr]> = OneShot()
        var jobs: AsyncStream<Job>.Continuation?
        var idleSince: [UInt64: Duration] = [:]
        var signedRecord: (addresses: [Multiaddr], envelope: [UInt8])?
        /// The identify message without its observed address, for these listen addresses and protocols.
        var identifyMessage: (addresses: [Multiaddr], protocols: [String], bytes: [UInt8])?
        /// The last signed peer record verified per peer (bounded by ``Identify/maximumVerifiedRecords``).
        var verifiedRecords: [PeerID: SignedPeerRecord] = [:]
        /// Redundant connections (a simultaneous dial's loser) that close once their streams are done.
        var draining: [UInt64: MuxedConnection] = [:]
    }

    let state = Mutex(State())

    /// A host with `configuration`; it does nothing until ``run()``.
    public init(_ configuration: HostConfiguration) {
        self.configuration = configuration
        self.peerID = configuration.identity.peerID
        self.peerStore = PeerStore()
        self.transport = TCPTransport()
        self.deadlines = DeadlineQueue(eventLoop: transport.nextEventLoop())
        var log = configuration.logger
        log[metadataKey: "host.peer"] = "\(configuration.identity.peerID)"
        self.logger = log
        self.runtime = ConnectionRuntime(
            identity: configuration.identity,
            psk: configuration.privateNetworkKey,
            yamux: configuration.yamux,
            handshakeTimeout: configuration.handshakeTimeout,
            rememberVerifiedSignatures: configuration.rememberVerifiedNoiseSignatures,
            logger: log
        )
        registerBuiltInProtocols()
    }

    /// The addresses the host listens on (real ports, without `/p2p`); empty until ``run()`` has bound them.
    public var listenAddresses: [Multiaddr] { state.withLock { $0.listenAddresses } }

    /// The listen addresses with `/p2p/<peer id>` appended: what another peer dials.
    public var dialableAddresses: [Multiaddr] {
        listenAddresses.compactMap { try? $0.encapsulate(Multiaddr.Component.p2p(peerID.bytes)) }
    }

    /// The peers with at least one open connection.
    public var connectedPeers: [PeerID] {
        state.withLock { s in s.connections.filter { !$0.value.isEmpty }.map(\.key) }
    }

    /// The number of open connections.
    public var connectionCount: Int { state.withLock { s in s.connections.values.reduce(0) { $0 + $1.count } } }

    /// The number of open streams over all connections.
    public var streamCount: Int {
        let all = state.withLock { s in s.connections.values.flatMap { $0 } }
        return all.reduce(0) { $0 + $1.streamCount }
    }

    // MARK: - Protocols

    /// Serves `protocolID` with `handler`, replacing any earlier handler for it.
    ///
    /// - Parameters:
    ///   - protocolID: the protocol, e.g. `/ipfs-datasets/analytics/1.0.0` (must start with `/`).
    ///   - options: a matcher for other versions, stream limits, whether identify announces it.
    ///   - handler: called with each inbound stream of the protocol.
    public func register(
        _ protocolID: String,
        options: ProtocolOptions = ProtocolOptions(),
        handler: @escaping StreamHandler
    ) {
        registry.register(protocolID, options: options, handler: handler)
        pushIdentifyToAll()
    }

    /// Stops serving `protocolID`.
    public func unregister(_ protocolID: String) {
        registry.unregister(protocolID)
        pushIdentifyToAll()
    }

    /// The protocols this host serves and announces.
    public var protocols: [String] { registry.announcedProtocolIDs }

    // MARK: - Events

    /// A new subscription to the host's events (at most 4,096 buffered; the oldest are dropped past that).
    public func events() -> AsyncStream<HostEvent> {
        let (stream, continuation) = AsyncStream<HostEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let id = state.withLock { s in
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = continuation
            if s.phase == .stopped { continuation.finish() }
            return s.nextSubscriber
        }
        for address in listenAddresses { continuation.yield(.listening(address)) }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    func emit(_ event: HostEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    // MARK: - Running

    /// Binds the listen addresses and serves until cancelled or ``shutdown()``.
    /// - Throws: ``ShoalError`` when a listen address cannot be bound, or when the host already ran.
    public func run() async throws {
        let (jobs, jobsContinuation) = AsyncStream<Job>.makeStream()
        let ready: OneShot<[Multiaddr]> = try state.withLock { s in
            guard s.phase == .idle else { throw ShoalError(.invalidArgument, "a host runs only once") }
            s.phase = .running
            s.jobs = jobsContinuation
            return s.ready
        }
        var listeners: [TCPTransport.Listener] = []
        var bound: [Multiaddr] = []
        do {
            for address in configuration.listenAddresses {
                let (listener, real) = try await transport.listen(address) { [self] channel in
                    try prepareInbound(channel)
                }
                listeners.append(listener)
                bound.append(real)
            }
        } catch {
            for listener in listeners { try? await listener.channel.close() }
            state.withLock { s in
                s.phase = .stopped
                s.jobs = nil
            }
            jobsContinuation.finish()
            ready.complete(.failure(error))
            finishSubscribers()
            throw error
        }
        let closers: [@Sendable () -> Void] = listeners.map { listener in { listener.channel.close(promise: nil) } }
        let stopping = state.withLock { s in
            s.listenAddresses = bound
            s.listenerClosers = closers
            return s.phase != .running
        }
        if stopping { for close in closers { close() } }
        ready.complete(.success(bound))
        for address in bound {
            logger.debug("listening", metadata: ["host.address": "\(address)"])
            emit(.listening(address))
        }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { timers in
                    timers.addTask { await self.maintenanceLoop() }
                    await withDiscardingTaskGroup { group in
                        for listener in listeners {
                            group.addTask { await self.acceptLoop(listener) }
                        }
                        for await job in jobs {
                            group.addTask(executorPreference: job.executor) { await job.body() }
                        }
                    }
                    // Every connection has ended: stop the timers at once rather than at their next tick.
                    timers.cancelAll()
                }
            } onGracefulShutdown: {
                self.shutdown()
            }
        } onCancel: {
            self.shutdown()
        }
        state.withLock { $0.phase = .stopped }
        finishSubscribers()
    }

    /// Waits until ``run()`` has bound the listen addresses.
    /// - Returns: the bound addresses.
    /// - Throws: the error that stopped ``run()`` from binding.
    @discardableResult
    public func waitUntilListening() async throws -> [Multiaddr] {
        try await state.withLock { $0.ready }.value()
    }

    /// Begins a graceful shutdown: stops listening and closes every connection with a GoAway. ``run()`` returns
    /// once the connections have closed.
    public func shutdown() {
        let (closers, connections, jobs) = state.withLock {
            s -> ([@Sendable () -> Void], [MuxedConnection], AsyncStream<Job>.Continuation?) in
            guard s.phase == .running else { return ([], [], nil) }
            s.phase = .stopping
            let jobs = s.jobs
            s.jobs = nil
            return (s.listenerClosers, s.connections.values.flatMap { $0 }, jobs)
        }
        for close in closers { close() }
        for connection in connections { connection.close() }
        jobs?.finish()
    }

    /// Queues work to run inside the host's task group (on `executor` when given); false once the host is
    /// stopping.
    @discardableResult
    func spawn(on executor: (any TaskExecutor)? = nil, _ body: @escaping @Sendable () async -> Void) -> Bool {
        guard let jobs = state.withLock({ $0.jobs }) else { return false }
        if case .enqueued = jobs.yield(Job(executor: executor, body: body)) { return true }
        return false
    }

    private func finishSubscribers() {
        let subscribers = state.withLock { s in
            let all = Array(s.subscribers.values)
            s.subscribers.removeAll()
            return all
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    // MARK: - Maintenance

    /// Applies the idle-connection policy once a second while running.
    private func maintenanceLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard state.withLock({ $0.phase == .running }) else { continue }
            let drained = state.withLock { s -> [MuxedConnection] in
                let done = s.draining.values.filter { $0.isClosed || $0.streamCount == 0 }
                for connection in done { s.draining[connection.id] = nil }
                return done
            }
            for connection in drained { connection.close() }
            guard let idleTimeout = configuration.idleTimeout else { continue }
            let now = ContinuousClock.now - startedAt
            let all = state.withLock { s in s.connections.values.flatMap { $0 } }
            var toClose: [MuxedConnection] = []
            state.withLock { s in
                for connection in all {
                    if connection.streamCount > 0 {
                        s.idleSince[connection.id] = nil
                    } else if let since = s.idleSince[connection.id] {
                        if now - since >= idleTimeout { toClose.append(connection) }
                    } else {
                        s.idleSince[connection.id] = now
                    }
                }
            }
            for connection in toClose {
                logger.debug("closing idle connection", metadata: ["peer.id": "\(connection.remotePeer)"])
                connection.close()
            }
        }
    }
}

extension P2PHost: Service {}

/// Runs a host for the duration of `body`: starts it, waits until it listens, runs `body`, then shuts it down
/// gracefully and waits for it to stop.
/// - Returns: what `body` returns.
public func withHost<T: Sendable>(
    _ configuration: HostConfiguration,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (P2PHost) async throws -> T
) async throws -> T {
    let host = P2PHost(configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await host.run() }
        do {
            try await host.waitUntilListening()
            let result = try await body(host)
            host.shutdown()
            try await group.waitForAll()
            return result
        } catch {
            host.shutdown()
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
    }
}
