import Logging
import ServiceLifecycle
import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalSWIM
import ShoalTransport
import Synchronization

// MARK: - Running

extension SWIMService {
    /// Binds the UDP socket, registers the stream protocols on the host, joins through the seeds and runs the
    /// protocol until ``stop()``, ``leave()``, cancellation (silent) or a graceful shutdown (which leaves first).
    /// - Throws: ``ShoalError`` `.io` when the socket cannot be bound, `.invalidArgument` for a bad address or
    ///   settings, or when the service already ran.
    public func run() async throws {
        let startable = state.withLock { s in
            guard s.phase == .idle else { return false }
            s.phase = .running
            return true
        }
        guard startable else {
            bound.complete(.failure(ShoalError(.invalidArgument, "a SWIM service runs only once")))
            throw ShoalError(.invalidArgument, "a SWIM service runs only once")
        }
        let socket: DatagramSocket
        let (inbound, inboundContinuation) = AsyncStream<DatagramSocket.Datagram>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, configuration.inboundQueueCapacity))
        )
        let (jobs, jobsContinuation) = AsyncStream<Job>.makeStream()
        do {
            socket = try await DatagramSocket.bind(
                host: configuration.bindHost,
                port: configuration.port,
                maxBytes: SWIM.PacketSecurity.maxDatagramByteCount,
                deliver: { [weak self] datagram in
                    guard let self else { return }
                    if case .dropped = inboundContinuation.yield(datagram) {
                        self.state.withLock { $0.statistics.queueOverflow += 1 }
                    }
                },
                oversized: { [weak self] in
                    self?.state.withLock { s in
                        s.statistics.datagramsReceived += 1
                        s.statistics.oversized += 1
                    }
                }
            )
            try await start(socket: socket, inbound: inboundContinuation, jobs: jobsContinuation)
        } catch {
            state.withLock { $0.phase = .stopped }
            finish()
            bound.complete(.failure(error))
            throw error
        }
        bound.complete(.success(socket.port))
        logger.debug("swim started", metadata: ["swim.port": "\(socket.port)", "swim.uid": "\(uid)"])

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await self.timerLoop() }
                    group.addTask {
                        for await datagram in inbound { self.receive(datagram) }
                    }
                    for await job in jobs {
                        group.addTask { await job() }
                    }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                self.beginLeave()
            }
        } onCancel: {
            self.stop()
        }
        inboundContinuation.finish()
        host.unregister(Self.pushPullProtocol)
        host.unregister(Self.pingProtocol)
        await socket.close()
        state.withLock { s in
            s.phase = .stopped
            s.socket = nil
        }
        finish()
        logger.debug("swim stopped")
    }

    /// Sets up the instance, the security and the host protocols once the socket is bound.
    private func start(
        socket: DatagramSocket,
        inbound: AsyncStream<DatagramSocket.Datagram>.Continuation,
        jobs: AsyncStream<Job>.Continuation
    ) async throws {
        let hostAddresses = try await withDeadline(.seconds(30)) { try await self.host.waitUntilListening() }
        let advertised = configuration.advertiseHost ?? configuration.bindHost
        guard let ip = IPv4Address(advertised).map(IPAddress.v4) ?? IPv6Address(advertised).map(IPAddress.v6),
            ip.bytes.contains(where: { $0 != 0 })
        else {
            await socket.close()
            throw ShoalError(
                .invalidArgument,
                "SWIM advertise address \(advertised) is not a specific IP (set advertiseHost)"
            )
        }
        let tcpPort = hostAddresses.first { address in
            guard let port = address.tcpPort, port != 0, let hostIP = address.ipAddress else { return false }
            return hostIP == ip || hostIP.bytes.allSatisfy { $0 == 0 } && hostIP.bytes.count == ip.bytes.count
        }?.tcpPort
        let address = MemberAddress(ip: ip, udpPort: UInt16(socket.port), tcpPort: tcpPort)
        let now = self.now()
        let instance: SWIM.Instance
        do {
            instance = try SWIM.Instance(
                settings: configuration.settings,
                key: key.key,
                uid: uid,
                address: address.swimAddress,
                metadata: state.withLock { $0.metadata },
                seed: UInt64.random(in: 0...UInt64.max),
                now: now
            )
        } catch {
            await socket.close()
            throw error
        }
        let mode: SWIM.PacketSecurity.Mode = configuration.keyring.map { .clusterKeys($0) } ?? .signed
        let stopping = state.withLock { s in
            s.instance = instance
            s.security = SWIM.PacketSecurity(mode: mode, key: key.key, uid: uid)
            s.socket = socket
            s.inbound = inbound
            s.jobs = jobs
            s.wakeAt = now
            s.nextJoinAt = now
            s.nextRejoinAt = now &+ configuration.rejoinInterval.nanoseconds
            return s.phase != .running
        }
        registerProtocols()
        if stopping {
            jobs.finish()
            inbound.finish()
        }
        logger.debug("swim address", metadata: ["swim.address": "\(address)"])
    }

    /// Starts a graceful leave without waiting (the timer loop stops the service when it is done).
    func beginLeave() {
        let now = self.now()
        let directives = state.withLock { s -> [SWIM.Directive] in
            guard s.phase == .running, s.instance != nil else { return [] }
            let d = s.drive { $0.leave(now: now) }
            s.phase = .leaving(deadline: now &+ configuration.leaveTimeout.nanoseconds)
            return d
        }
        perform(directives)
    }

    func finish() {
        let subscribers = state.withLock { s in
            let all = Array(s.subscribers.values)
            s.subscribers.removeAll()
            return all
        }
        for subscriber in subscribers { subscriber.finish() }
        stopped.complete(.success(()))
    }

    // MARK: - Timers

    /// Ticks the instance when it asked to be woken, finishes a leave, and starts joins and re-joins.
    func timerLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.timerResolution)
            let now = self.now()
            let (directives, leaveDone, joinDue, rejoinDue) = state.withLock {
                s -> ([SWIM.Directive], Bool, Bool, Bool) in
                guard s.instance != nil else { return ([], false, false, false) }
                var directives: [SWIM.Directive] = []
                if now >= s.wakeAt { directives = s.drive { $0.tick(now: now) } }
                var leaveDone = false
                var joinDue = false
                var rejoinDue = false
                switch s.phase {
                case .leaving(let deadline):
                    leaveDone = s.instance?.leaveComplete ?? true || now >= deadline
                case .running:
                    if !s.joined, !s.joinInFlight, !configuration.seeds.isEmpty, now >= s.nextJoinAt {
                        s.joinInFlight = true
                        // Doubling from joinRetryInterval up to the re-join interval while no seed answers.
                        let base = configuration.joinRetryInterval.nanoseconds
                        let cap = max(base, configuration.rejoinInterval.nanoseconds)
                        let backoff = base << UInt64(min(s.joinAttempts, 16))
                        s.joinAttempts += 1
                        s.nextJoinAt = now &+ min(backoff, cap)
                        joinDue = true
                    }
                    let rejoin = configuration.rejoinInterval.nanoseconds
                    if rejoin > 0, s.joined || configuration.seeds.isEmpty, now >= s.nextRejoinAt {
                        s.nextRejoinAt = now &+ rejoin
                        rejoinDue = true
                    }
                default:
                    break
                }
                return (directives, leaveDone, joinDue, rejoinDue)
            }
            perform(directives)
            if leaveDone {
                logger.debug("swim left")
                stop()
            }
            if joinDue { spawn { await self.joinSeeds() } }
            if rejoinDue { rejoinIfNeeded() }
        }
    }

    /// Queues work in `run()`'s task group; false once the service is stopping.
    @discardableResult
    func spawn(_ job: @escaping Job) -> Bool {
        guard let jobs = state.withLock({ $0.jobs }) else { return false }
        if case .enqueued = jobs.yield(job) { return true }
        return false
    }
}
