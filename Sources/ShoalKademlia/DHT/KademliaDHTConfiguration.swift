public import ShoalMultiformats

/// Whether a ``KademliaDHT`` serves requests.
public enum KadMode: String, Hashable, Sendable, CaseIterable {
    /// Makes requests only: registers no protocol handler and does not announce the DHT protocol in identify, so
    /// other peers never add it to their routing tables.
    case client
    /// Serves requests: registers the protocol (announced in identify) and answers every RPC.
    case server
    /// Starts as a client and switches to server once the node is reachable. The rule: the host has a listen
    /// address whose IP is neither loopback nor unspecified (`0.0.0.0`/`::` count as not yet known), or the
    /// application called ``KademliaDHT/setReachable(_:)`` with `true`. It never switches back on its own.
    case auto
}

/// Tunables of a ``KademliaDHT``.
public struct KademliaDHTConfiguration: Sendable {
    /// The protocol ID, `/ipfs/kad/1.0.0` for the public IPFS DHT; a private overlay uses its own prefix, e.g.
    /// `/shoal/kad/1.0.0` (see ``init(protocolPrefix:)``). Peers with different IDs never talk to each other.
    public var protocolID: String
    /// Client, server or automatic (see ``KadMode``).
    public var mode: KadMode
    /// Bucket size and replication factor (k = 20).
    public var k: Int
    /// Requests in flight per lookup (α = 10).
    public var alpha: Int
    /// The deadline of each request: open stream, write, read the reply (10 s, go's value).
    public var requestTimeout: Duration
    /// How long an inbound stream may stay idle between two requests before it is closed (1 min, go's value).
    public var inboundIdleTimeout: Duration
    /// The largest message accepted or sent (4 MiB). An inbound frame above it resets the stream.
    public var maximumMessageSize: Int
    /// How long a provider record is kept (48 h).
    public var providerRecordExpiry: Duration
    /// How often our own provider records are announced again (22 h).
    public var providerRepublishInterval: Duration
    /// How long a value record is kept (48 h).
    public var maximumRecordAge: Duration
    /// How often expired provider and value records are collected (1 h).
    public var garbageCollectionInterval: Duration
    /// How often buckets needing a refresh are looked up (checked every minute; a bucket needs it after 10 min).
    public var refreshCheckInterval: Duration
    /// The age after which a bucket needs a refresh (10 min).
    public var bucketRefreshInterval: Duration
    /// Peers to connect to at start (multiaddrs with `/p2p/`; `/dns4`, `/dns6` and `/dnsaddr` are resolved).
    public var bootstrapPeers: [Multiaddr]
    /// The record validators by namespace. The default knows `pk` (public keys); register your own namespaces
    /// (a private overlay should). Records of other namespaces are rejected on PUT and ignored on GET.
    public var validator: KadNamespacedValidator
    /// The most inbound kad streams open at once from one peer.
    public var maximumInboundStreamsPerPeer: Int
    /// The most concurrent ADD_PROVIDER / PUT_VALUE requests sent by one ``KademliaDHT/provide(key:)``.
    public var maximumStoreFanOut: Int
    /// Replies list the k closest entries believed live; entries not heard from for this long, or with a
    /// liveness check outstanding, are listed after them and not counted (``KadServer/Configuration``); nil:
    /// only the latter are. 30 s by default.
    public var doubtfulAfter: Duration?
    /// The most closer peers one reply lists, doubtful entries included (2k = 40); k gives the plain k closest.
    public var maximumCloserPeers: Int
    /// Responder hygiene: an entry listed in a reply that was not heard from for this long gets a liveness check
    /// (``KadRoutingTable/Configuration/verifyListedAfter``). Nil (the default): off; it costs requests.
    public var verifyListedAfter: Duration?
    /// Which listed entries responder hygiene checks.
    public var verifyScope: KadVerifyScope

    /// The defaults of the public DHT: `/ipfs/kad/1.0.0`, server mode, k = 20, α = 10, 10 s requests, 1 min idle
    /// inbound streams, 4 MiB messages, 48 h records, provider republish every 22 h, GC every hour, bucket refresh
    /// after 10 min, the `pk` validator.
    public init(
        protocolID: String = KadConstants.protocolID,
        mode: KadMode = .server,
        k: Int = KadConstants.k,
        alpha: Int = KadConstants.alpha,
        requestTimeout: Duration = KadConstants.requestTimeout,
        inboundIdleTimeout: Duration = .seconds(60),
        maximumMessageSize: Int = KadMessageCodec.defaultMaximumMessageSize,
        bootstrapPeers: [Multiaddr] = []
    ) {
        precondition(k > 0 && alpha > 0 && maximumMessageSize > 0, "k, α and the message size must be positive")
        self.protocolID = protocolID
        self.mode = mode
        self.k = k
        self.alpha = alpha
        self.requestTimeout = requestTimeout
        self.inboundIdleTimeout = inboundIdleTimeout
        self.maximumMessageSize = maximumMessageSize
        self.providerRecordExpiry = KadConstants.providerRecordExpiry
        self.providerRepublishInterval = KadConstants.providerRepublishInterval
        self.maximumRecordAge = KadConstants.maximumRecordAge
        self.garbageCollectionInterval = .seconds(3600)
        self.refreshCheckInterval = .seconds(60)
        self.bucketRefreshInterval = KadConstants.refreshInterval
        self.bootstrapPeers = bootstrapPeers
        var validator = KadNamespacedValidator()
        validator.register(KadPublicKeyValidator(), for: "pk")
        self.validator = validator
        self.maximumInboundStreamsPerPeer = 32
        self.maximumStoreFanOut = KadConstants.k
        self.doubtfulAfter = KadServer.Configuration().doubtfulAfter
        self.maximumCloserPeers = 2 * k
        self.verifyListedAfter = nil
        self.verifyScope = .neighbourhood
    }

    /// The defaults with a private protocol prefix: the protocol ID becomes `<prefix>/kad/1.0.0`.
    /// - Parameter protocolPrefix: e.g. `/shoal` for `/shoal/kad/1.0.0`.
    public init(protocolPrefix: String) {
        self.init(protocolID: protocolPrefix + "/kad/1.0.0")
    }

    /// The lookup tunables derived from this configuration.
    var lookupConfiguration: KadLookupConfiguration {
        KadLookupConfiguration(
            resultCount: k,
            parallelism: alpha,
            requestTimeout: requestTimeout,
            maximumPeersPerReply: 2 * k,
            maximumCandidates: 20 * k
        )
    }
}
