public import Logging
public import ServiceLifecycle
public import ShoalCore
import ShoalCrypto
public import ShoalHost
public import ShoalMultiformats
public import ShoalSWIM
import ShoalTransport
import Synchronization

// MARK: - SWIMService

/// SWIM + Lifeguard membership over one UDP socket, next to a ``P2PHost``: a swift-service-lifecycle `Service`.
///
/// ``run()`` binds the socket, drives a pure ``SWIM/Instance`` with a monotonic clock, seals or signs every datagram
/// with ``SWIM/PacketSecurity`` (the cluster keyring when configured, else the member's Ed25519 key), joins through
/// the seeds with push-pull over host streams (`/shoal/swim/pushpull/1.0.0`), pings over a host stream
/// (`/shoal/swim/ping/1.0.0`) when a direct UDP probe times out, and serves until cancelled (silently, like a crash),
/// ``leave()`` or a graceful shutdown (both announce the departure first).
///
/// ```swift
/// let swim = SWIMService(host: host, identity: key, configuration: .init(seeds: [seed]), logger: logger)
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await swim.run() }
///     for await event in swim.events() { print(event.kind, event.member.peerID) }
/// }
/// ```
///
/// Bad datagrams (unauthenticated, replayed, truncated, oversized, or beyond a source's rate) are dropped and
/// counted in ``statistics``; they never reach the protocol.
public final class SWIMService: Sendable {
    /// The push-pull protocol on the host.
    public static let pushPullProtocol = "/shoal/swim/pushpull/1.0.0"
    /// The fallback-ping protocol on the host.
    public static let pingProtocol = "/shoal/swim/ping/1.0.0"

    /// The host whose streams carry push-pull and fallback pings.
    public let host: P2PHost
    /// The configuration.
    public let configuration: SWIMServiceConfiguration
    /// This member's peer ID (the identity key's).
    public let peerID: PeerID
    /// This start's random identity (a restart is a new member).
    public let uid: UInt64

    let key: Ed25519Key
    let logger: Logger
    let origin = ContinuousClock.now
    let state: Mutex<State>
    let bound = Completion<Int>()
    let stopped = Completion<Void>()

    typealias Job = @Sendable () async -> Void
    typealias DatagramFilter = @Sendable (_ remoteUDPPort: Int, _ inbound: Bool) -> Bool

    enum Phase: Equatable {
        case idle
        case running
        case leaving(deadline: UInt64)
        case stopping
        case stopped
    }

    struct State {
        var phase = Phase.idle
        var instance: SWIM.Instance?
        var security: SWIM.PacketSecurity?
        var socket: DatagramSocket?
        var limiter: SourceRateLimiter<String>
        var statistics = SWIMStatistics()
        var wakeAt: UInt64 = 0
        var metadata: [UInt8]
        var subscribers: [Int: AsyncStream<MembershipEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var inbound: AsyncStream<DatagramSocket.Datagram>.Continuation?
        var jobs: AsyncStream<Job>.Continuation?
        var filter: DatagramFilter?
        var pushPullsOut = 0
        var pushPullsIn = 0
        var streamPings = 0
        var joined = false
        var joinInFlight = false
        var joinAttempts = 0
        var nextJoinAt: UInt64 = 0
        var nextRejoinAt: UInt64 = 0

        /// Runs `body` on the instance in place (no copy of its tables) and records when it next wants a tick, in
        /// the same critical section, so that wake-ups never go stale.
        mutating func drive(_ body: (inout SWIM.Instance) throws -> [SWIM.Directive]) rethrows -> [SWIM.Directive] {
            guard instance != nil else { return [] }
            let directives = try body(&instance!)
            wakeAt = instance!.nextDeadline
            return directives
        }

        /// Runs `body` on the packet security in place.
        mutating func secure<R>(_ body: (inout SWIM.PacketSecurity) throws -> R?) rethrows -> R? {
            guard security != nil else { return nil }
            return try body(&security!)
        }
    }

    /// A service for `host`, identified by `identity` (the host's own key, so that members are peers).
    /// - Parameters:
    ///   - host: the host (run it alongside; its listen address is announced for streams).
    ///   - identity: the member's key; use the host's identity so that the member's peer ID is the host's.
    ///   - configuration: settings, socket, seeds, keyring and bounds.
    ///   - logger: where the service logs (keys `swim.*`).
    public init(
        host: P2PHost,
        identity: PrivateKey,
        configuration: SWIMServiceConfiguration = SWIMServiceConfiguration(),
        logger: Logger
    ) {
        self.host = host
        self.configuration = configuration
        self.peerID = identity.peerID
        self.uid = UInt64.random(in: 1...UInt64.max)
        self.key = Ed25519Key(identity.ed25519Key)
        var log = logger
        log[metadataKey: "swim.peer"] = "\(identity.peerID)"
        self.logger = log
        self.state = Mutex(
            State(
                limiter: SourceRateLimiter(
                    rate: configuration.rateLimitPerSecond,
                    burst: configuration.rateLimitBurst,
                    maxSources: configuration.maxTrackedSources
                ),
                metadata: configuration.metadata
            )
        )
    }

    // MARK: - Queries

    /// Every other member this node knows (alive, suspect, and dead or left ones still retained).
    public var members: [MemberInfo] {
        state.withLock { $0.instance?.members ?? [] }.compactMap(MemberInfo.init)
    }

    /// This member as others see it (nil before ``run()`` started it).
    public var localMember: MemberInfo? {
        state.withLock { s in s.instance.flatMap { $0.member($0.node) } }.flatMap(MemberInfo.init)
    }

    /// The members currently alive or suspect, this one excluded.
    public var liveMembers: [MemberInfo] { members.filter { $0.status == .alive || $0.status == .suspect } }

    /// The bound UDP port (nil until ``run()`` bound it).
    public var port: Int? { state.withLock { $0.socket?.port } }

    /// A snapshot of the counters.
    public var statistics: SWIMStatistics {
        state.withLock { s in
            var out = s.statistics
            if let security = s.security { out.security = security.counters }
            if let instance = s.instance {
                out.protocolCounters = instance.counters
                out.awareness = instance.awareness
            }
            return out
        }
    }

    /// Waits until ``run()`` has bound the UDP socket.
    /// - Returns: the bound port.
    /// - Throws: the error that stopped ``run()`` from binding, or `.closed` when the waiting task is cancelled.
    @discardableResult
    public func waitUntilBound() async throws -> Int { try await bound.value() }

    // MARK: - Events

    /// A new subscription to membership events (the oldest are dropped past
    /// ``SWIMServiceConfiguration/eventBufferSize``); it finishes when the service stops.
    public func events() -> AsyncStream<MembershipEvent> {
        let (stream, continuation) = AsyncStream<MembershipEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(max(1, configuration.eventBufferSize))
        )
        let id = state.withLock { s in
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = continuation
            if s.phase == .stopped { continuation.finish() }
            return s.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    func emit(_ event: MembershipEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    // MARK: - Changes

    /// Replaces this member's metadata (signed, gossiped at a higher incarnation).
    /// - Throws: ``ShoalError`` `.limitExceeded` over 512 bytes, `.invalidArgument` after leaving.
    public func updateMetadata(_ metadata: [UInt8]) throws {
        guard metadata.count <= SWIM.MemberRecord.maxMetadataByteCount else {
            throw ShoalError(.limitExceeded, "SWIM metadata of \(metadata.count) bytes exceeds 512")
        }
        let now = self.now()
        let directives = try state.withLock { s -> [SWIM.Directive] in
            s.metadata = metadata
            return try s.drive { try $0.updateMetadata(metadata, now: now) }
        }
        perform(directives)
    }

    /// Leaves gracefully: gossips a signed "left" record, waits until it has been sent its retransmit count (at
    /// most ``SWIMServiceConfiguration/leaveTimeout``), then stops ``run()``. Returns once stopped (bounded).
    public func leave() async {
        let now = self.now()
        let (directives, wasRunning) = state.withLock { s -> ([SWIM.Directive], Bool) in
            guard s.phase == .running, s.instance != nil else { return ([], false) }
            let d = s.drive { $0.leave(now: now) }
            s.phase = .leaving(deadline: now &+ configuration.leaveTimeout.nanoseconds)
            return (d, true)
        }
        guard wasRunning else {
            stop()
            return
        }
        logger.debug("swim leaving")
        perform(directives)
        // The timer loop stops the service once the departure went out; wait for that, with a bound.
        _ = try? await withDeadline(configuration.leaveTimeout + .seconds(2)) { try await self.stopped.value() }
        stop()
    }

    /// Stops ``run()`` at once, without announcing anything (peers will detect the silence). Before ``run()`` it
    /// makes `run` return at once.
    public func stop() {
        var wasIdle = false
        let (jobs, inbound) = state.withLock {
            s -> (AsyncStream<Job>.Continuation?, AsyncStream<DatagramSocket.Datagram>.Continuation?) in
            switch s.phase {
            case .idle:
                s.phase = .stopped
                wasIdle = true
                return (nil, nil)
            case .running, .leaving:
                s.phase = .stopping
                return (s.jobs, s.inbound)
            case .stopping, .stopped:
                return (nil, nil)
            }
        }
        jobs?.finish()
        inbound?.finish()
        if wasIdle { finish() }
    }

    /// The current time for the instance: nanoseconds since this service was made.
    func now() -> UInt64 { (ContinuousClock.now - origin).nanoseconds }

    // MARK: - Test hooks

    /// Drops datagrams for which `filter(remote UDP port, inbound)` is true (tests simulate blocked UDP with it;
    /// nil removes the filter). Counted in ``SWIMStatistics/filtered``.
    package func _setDatagramFilter(_ filter: (@Sendable (_ remoteUDPPort: Int, _ inbound: Bool) -> Bool)?) {
        state.withLock { $0.filter = filter }
    }

    /// Runs one push-pull join with the host at `address` (with `/p2p`), outside the join schedule.
    package func _pushPull(with address: Multiaddr) async throws {
        try await exchange(with: address, join: true)
    }

    /// Sends raw bytes from this service's socket (tests inject bad datagrams with it).
    package func _sendRaw(_ bytes: [UInt8], toPort port: Int, host: String = "127.0.0.1") {
        guard let socket = state.withLock({ $0.socket }),
            let address = try? MemberAddressSocket.socketAddress(host: host, port: port)
        else { return }
        socket.send(bytes, to: address) {}
    }
}

extension SWIMService: Service {}

// MARK: - Helpers

/// The member's Ed25519 key, kept out of logs.
struct Ed25519Key: Sendable {
    let key: Ed25519.PrivateKey
    init(_ key: Ed25519.PrivateKey) { self.key = key }
}

extension Duration {
    /// This duration in whole nanoseconds (negative durations become 0).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
