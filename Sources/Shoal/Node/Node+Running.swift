public import ServiceLifecycle
import ShoalCore
import ShoalHealth
import ShoalHost
import ShoalKademlia
import ShoalMDNS
import ShoalMembership
public import ShoalMultiformats
import Synchronization

extension Node: Service {
    // MARK: - Running

    /// Runs the node until ``shutdown()``, a graceful shutdown or cancellation: listens, serves its protocols,
    /// runs the DHT (which connects to `bootstrap_peers`), mDNS, health collection, and asks every identified
    /// Shoal node for its descriptor.
    /// - Throws: ``ShoalCore/ShoalError`` when a listen address cannot be bound, or when the node already ran.
    public func run() async throws {
        let (jobs, continuation) = AsyncStream<Job>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        try state.withLock { s in
            guard !s.running else { throw ShoalError(.invalidArgument, "a node runs only once") }
            s.running = true
            if !s.stopRequested { s.jobs = continuation }
        }
        if state.withLock({ $0.stopRequested }) {
            finishSubscribers()
            return
        }
        let hostEvents = host.events()
        let memberEvents = membership?.events()
        defer { finishSubscribers() }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                // The host and SWIM live in the outer group, the other parts in the inner one: at shutdown the
                // parts stop first, SWIM leaves, then the host closes its connections gracefully (neither is
                // cancelled mid-way).
                try await withThrowingDiscardingTaskGroup { outer in
                    outer.addTask { try await self.host.run() }
                    outer.addTask { await self.follow(hostEvents) }
                    do {
                        try await host.waitUntilListening()
                    } catch {
                        shutdown()
                        throw error
                    }
                    registerProtocols()
                    if let membership, let memberEvents {
                        outer.addTask { try await membership.run() }
                        outer.addTask {
                            for await event in memberEvents {
                                self.emit(.member(peer: event.member.peerID, status: event.kind.rawValue))
                            }
                        }
                    }
                    do {
                        try await withThrowingDiscardingTaskGroup { group in
                            startParts(in: &group)
                            for await job in jobs {
                                group.addTask { await job() }
                            }
                            // shutdown() finished the job stream: stop the parts, then the loops.
                            dht?.stop()
                            mdns?.shutdown()
                            group.cancelAll()
                        }
                    } catch {
                        shutdown()
                        membership?.stop()
                        host.shutdown()
                        throw error
                    }
                    // SWIM leaves, bounded by its leave timeout. On a graceful shutdown it began leaving by itself
                    // (and stops when done); calling leave() then would stop it before the departure went out.
                    if !Task.isShuttingDownGracefully { await membership?.leave() }
                    host.shutdown()
                }
            } onGracefulShutdown: {
                self.shutdown()
            }
        } onCancel: {
            self.shutdown()
        }
    }

    private func registerProtocols() {
        if role.servesHealth { healthMonitor.register() }
        let descriptor = self.descriptor
        host.registerRequestHandler(
            NodeCapabilitiesProtocol.protocolID,
            maximumRequestLength: NodeCapabilitiesProtocol.maximumRequestLength
        ) { _, _ in
            try NodeCapabilitiesProtocol.encodeResponse(descriptor)
        }
    }

    private func startParts(in group: inout ThrowingDiscardingTaskGroup<any Error>) {
        if let dht {
            group.addTask { try await dht.run() }
        } else {
            for address in configuration.distributed.bootstrapPeers {
                group.addTask { _ = try? await self.host.connect(address) }
            }
        }
        if let mdns {
            group.addTask { try await mdns.run() }
        }
        if configuration.distributed.collectMetrics {
            let interval = max(configuration.distributed.healthCheckInterval, .milliseconds(10))
            group.addTask {
                while !Task.isCancelled {
                    self.healthMonitor.collect()
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }

    /// Stops the node: closes every connection gracefully and makes ``run()`` return.
    public func shutdown() {
        let jobs = state.withLock { s in
            s.stopRequested = true
            let jobs = s.jobs
            s.jobs = nil
            return jobs
        }
        jobs?.finish()
    }

    /// Waits until ``run()`` has bound the listen addresses.
    /// - Returns: the bound addresses.
    @discardableResult
    public func waitUntilListening() async throws -> [Multiaddr] {
        try await host.waitUntilListening()
    }

    /// Runs `job` inside ``run()``'s task group; false when the node is not running.
    @discardableResult
    func spawn(_ job: @escaping Job) -> Bool {
        guard let jobs = state.withLock({ $0.jobs }) else { return false }
        if case .enqueued = jobs.yield(job) { return true }
        return false
    }

    private func finishSubscribers() {
        let subscribers = state.withLock { s in
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// Asks `peer` for its descriptor, up to ``NodeOptions/describeAttempts`` times (1 s, 2 s, … apart) while it
    /// stays connected.
    private func describeWithRetries(_ peer: PeerID) async {
        for attempt in 1...max(1, options.describeAttempts) {
            if (try? await describe(peer)) != nil { return }
            guard attempt < options.describeAttempts, host.connectedPeers.contains(peer) else { return }
            try? await Task.sleep(for: .seconds(attempt))
        }
    }

    // MARK: - Following the host

    /// Forwards host events and asks each identified Shoal node for its descriptor (once: a descriptor does not
    /// change while its node runs; identify pushes after protocol changes do not ask again).
    private func follow(_ events: AsyncStream<HostEvent>) async {
        for await event in events {
            emit(.host(event))
            if case .identified(let peer, _, let protocols, _) = event,
                protocols.contains(NodeCapabilitiesProtocol.protocolID),
                state.withLock({ $0.known[peer] == nil })
            {
                spawn { await self.describeWithRetries(peer) }
            }
        }
    }
}
