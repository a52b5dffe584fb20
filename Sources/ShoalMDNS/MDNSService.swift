public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
public import ShoalCore
public import ShoalHost
public import ShoalMultiformats
import Synchronization

/// Runs an ``MDNSMachine`` on real multicast sockets: IPv4 `224.0.0.251:5353` and IPv6 `[ff02::fb]:5353`, bound
/// with address and port reuse, joined on the chosen interfaces, multicast loop on.
///
/// A `Service` (swift-service-lifecycle): ``run()`` serves until cancelled or a graceful shutdown, then sends
/// goodbyes. No unstructured tasks: the timer and dials are child tasks of `run()`.
public final class MDNSService: Service, Sendable {
    /// The most dials in flight at once; further dial actions are dropped.
    public static let maximumConcurrentDials = 16
    /// How often the machine's timer and our addresses are checked.
    public static let tickInterval: Duration = .milliseconds(25)

    /// Our peer ID.
    public let localPeer: PeerID
    /// The settings.
    public let configuration: MDNSConfiguration
    let addresses: @Sendable () -> [Multiaddr]
    let onDiscovered: @Sendable (MDNSDiscoveredPeer) -> Void
    let onDial: @Sendable (MDNSDiscoveredPeer) async -> Void
    let logger: Logger
    let state = Mutex(SharedState())

    struct SharedState {
        var statistics = MDNSStatistics()
        var busyDialsDropped = 0
        var peerName: String?
        var dialsInFlight = 0
        var stopRequested = false
        var inputs: AsyncStream<Input>.Continuation?
    }

    /// A service announcing `addresses()` and reporting what it finds.
    /// - Parameters:
    ///   - localPeer: our peer ID.
    ///   - configuration: the settings.
    ///   - logger: where debug messages go.
    ///   - addresses: our current listen addresses (read at every tick; a change is announced).
    ///   - onDiscovered: called for each newly discovered peer or address set.
    ///   - onDial: called for each dial the machine asks for (only with ``MDNSConfiguration/dialDiscovered``).
    public init(
        localPeer: PeerID,
        configuration: MDNSConfiguration = MDNSConfiguration(),
        logger: Logger = Logger(label: "shoal.mdns"),
        addresses: @escaping @Sendable () -> [Multiaddr],
        onDiscovered: @escaping @Sendable (MDNSDiscoveredPeer) -> Void,
        onDial: @escaping @Sendable (MDNSDiscoveredPeer) async -> Void = { _ in }
    ) {
        self.localPeer = localPeer
        self.configuration = configuration
        self.logger = logger
        self.addresses = addresses
        self.onDiscovered = onDiscovered
        self.onDial = onDial
    }

    /// A service for `host`: announces its listen addresses, puts discovered peers in its peer store with a
    /// `.discovered(…, via: "mdns")` event, and dials them when ``MDNSConfiguration/dialDiscovered`` is set.
    public convenience init(host: P2PHost, configuration: MDNSConfiguration = MDNSConfiguration()) {
        self.init(
            localPeer: host.peerID,
            configuration: configuration,
            logger: host.configuration.logger,
            addresses: { host.listenAddresses },
            onDiscovered: { found in host.reportDiscovered(peer: found.peer, addresses: found.addresses, via: "mdns") },
            onDial: { found in
                do { try await host.connect(to: found.peer) } catch {
                    host.configuration.logger.debug("mdns dial failed", metadata: ["peer": "\(found.peer)"])
                }
            }
        )
    }

    /// The machine's counters (updated as packets are handled).
    /// Dials past ``maximumConcurrentDials`` are included in `droppedDials`.
    public var statistics: MDNSStatistics {
        state.withLock { s in
            var statistics = s.statistics
            statistics.droppedDials += s.busyDialsDropped
            return statistics
        }
    }

    /// This run's instance label, once running.
    public var peerName: String? { state.withLock { $0.peerName } }

    // MARK: - Running

    enum Input: Sendable {
        case packet([UInt8], interfaceIndex: Int?)
        case tick
    }

    /// Opens the sockets and runs discovery until cancelled or a graceful shutdown; sends goodbyes on the way out.
    /// - Throws: ``ShoalError`` `.invalidArgument` when no usable interface is found, `.io` when no socket opens.
    public func run() async throws {
        let sockets = try await MDNSSockets.open(configuration: configuration, logger: logger)
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .bufferingNewest(256))
        sockets.setReceiver { bytes, index in continuation.yield(.packet(bytes, interfaceIndex: index)) }
        let stopped = state.withLock { s in
            s.inputs = continuation
            return s.stopRequested
        }
        if stopped { continuation.finish() }
        var machine = MDNSMachine(
            localPeer: localPeer,
            configuration: configuration,
            seed: UInt64.random(in: 0...UInt64.max)
        )
        state.withLock { $0.peerName = machine.peerName }
        logger.debug(
            "mdns started",
            metadata: ["mdns.name": "\(machine.peerName)", "mdns.interfaces": "\(sockets.interfaces.map(\.name))"]
        )
        let origin = ContinuousClock.now
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: Self.tickInterval)
                            continuation.yield(.tick)
                        }
                    }
                    var actions = machine.start(
                        now: ContinuousClock.now - origin,
                        interfaces: sockets.interfaces,
                        addresses: addresses()
                    )
                    await perform(actions, sockets: sockets, group: &group)
                    for await input in inputs {
                        let now = ContinuousClock.now - origin
                        switch input {
                        case .tick:
                            actions = machine.setAddresses(addresses(), now: now) + machine.tick(now: now)
                        case .packet(let bytes, let index):
                            let interface = sockets.interfaces.first { $0.index == index }
                            actions = machine.receive(bytes, interface: interface, now: now)
                        }
                        await perform(actions, sockets: sockets, group: &group)
                        let statistics = machine.statistics
                        state.withLock { $0.statistics = statistics }
                    }
                    await perform(machine.stop(), sockets: sockets, group: &group)
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
        } onCancel: {
            continuation.finish()
        }
        await sockets.close()
        logger.debug("mdns stopped")
    }

    /// Stops a running service (goodbyes are sent, then ``run()`` returns); before ``run()`` it makes `run` return
    /// at once.
    public func shutdown() {
        let inputs = state.withLock { s in
            s.stopRequested = true
            return s.inputs
        }
        inputs?.finish()
    }

    func perform(_ actions: [MDNSAction], sockets: MDNSSockets, group: inout DiscardingTaskGroup) async {
        for action in actions {
            switch action {
            case .send(let bytes, let interface):
                await sockets.send(bytes, interface: interface)
            case .discovered(let found):
                logger.debug("mdns discovered", metadata: ["peer": "\(found.peer)", "addresses": "\(found.addresses)"])
                onDiscovered(found)
            case .dial(let found):
                let admitted = state.withLock { s in
                    guard s.dialsInFlight < Self.maximumConcurrentDials else {
                        s.busyDialsDropped += 1
                        return false
                    }
                    s.dialsInFlight += 1
                    return true
                }
                guard admitted else { continue }
                group.addTask {
                    await self.onDial(found)
                    self.state.withLock { $0.dialsInFlight -= 1 }
                }
            }
        }
    }
}
