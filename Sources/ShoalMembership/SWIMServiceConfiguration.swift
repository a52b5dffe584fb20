public import ShoalMultiformats
public import ShoalSWIM

// MARK: - SWIMServiceConfiguration

/// How a ``SWIMService`` runs: the protocol settings, its UDP socket, seeds, the cluster keyring and the shell's
/// bounds.
///
/// Seeds are host multiaddrs with a peer ID (`/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…`): the service opens a secure
/// host stream to each and runs a push-pull join; a seed's SWIM UDP port is learned from its signed record in the
/// reply. Mapping from the `[swim]` TOML table: `protocol_period` → `settings.probeInterval`, `ping_timeout` →
/// `settings.probeTimeout`, `indirect_probes` → `settings.indirectChecks`, `suspicion_multiplier` →
/// `settings.suspicionMult`.
public struct SWIMServiceConfiguration: Sendable {
    /// The protocol parameters (default: swim.md's LAN profile).
    public var settings: SWIM.Settings
    /// The IP the UDP socket binds (default 127.0.0.1).
    public var bindHost: String
    /// The UDP port; 0 picks a free one (see ``SWIMService/waitUntilBound()``).
    public var port: Int
    /// The IP other members reach this one at; nil uses ``bindHost`` (which must then not be a wildcard).
    public var advertiseHost: String?
    /// Existing members' host multiaddrs (with `/p2p/<id>`) to join through.
    public var seeds: [Multiaddr]
    /// The cluster keyring: when set, every datagram is sealed with XChaCha20-Poly1305 and push-pulls carry a
    /// sealed proof; when nil, datagrams are signed with the member's own key.
    public var keyring: SWIM.Keyring?
    /// This member's metadata (at most 512 bytes).
    public var metadata: [UInt8]
    /// Datagrams accepted per second from one source address (IP and port); more are dropped and counted.
    public var rateLimitPerSecond: Int
    /// The burst a source may send above its rate.
    public var rateLimitBurst: Int
    /// The most source addresses tracked by the rate cap (the oldest bucket is forgotten past it).
    public var maxTrackedSources: Int
    /// Inbound datagrams queued between the socket and the protocol before drops.
    public var inboundQueueCapacity: Int
    /// Events buffered per subscriber of ``SWIMService/events()`` (the oldest are dropped past it).
    public var eventBufferSize: Int
    /// The deadline of one push-pull exchange (dial, write, read).
    public var pushPullTimeout: Duration
    /// The largest push-pull state accepted, in bytes.
    public var maxPushPullBytes: Int
    /// The most push-pulls served at once (inbound), and started at once (outbound).
    public var maxConcurrentPushPulls: Int
    /// The most fallback pings in flight.
    public var maxConcurrentStreamPings: Int
    /// How long to wait after the first failed join attempt (the first is at once); the wait doubles with each
    /// failure, up to ``rejoinInterval``.
    public var joinRetryInterval: Duration
    /// How often to re-join through the seeds and push-pull with retained dead members, while some member is
    /// dead or no member is known (heals partitions; 0 turns it off).
    public var rejoinInterval: Duration
    /// How long ``SWIMService/leave()`` waits for the departure to be gossiped before stopping.
    public var leaveTimeout: Duration
    /// The granularity of the timer loop.
    public var timerResolution: Duration

    /// A configuration with the LAN defaults, binding 127.0.0.1 on a free port, with no seeds.
    public init(
        settings: SWIM.Settings = .lan,
        bindHost: String = "127.0.0.1",
        port: Int = 0,
        seeds: [Multiaddr] = [],
        keyring: SWIM.Keyring? = nil,
        metadata: [UInt8] = []
    ) {
        self.settings = settings
        self.bindHost = bindHost
        self.port = port
        self.advertiseHost = nil
        self.seeds = seeds
        self.keyring = keyring
        self.metadata = metadata
        self.rateLimitPerSecond = 200
        self.rateLimitBurst = 400
        self.maxTrackedSources = 4096
        self.inboundQueueCapacity = 1024
        self.eventBufferSize = 1024
        self.pushPullTimeout = .seconds(10)
        self.maxPushPullBytes = 4 << 20
        self.maxConcurrentPushPulls = 16
        self.maxConcurrentStreamPings = 32
        self.joinRetryInterval = .seconds(1)
        self.rejoinInterval = .seconds(10)
        self.leaveTimeout = .seconds(3)
        self.timerResolution = .milliseconds(10)
    }
}
