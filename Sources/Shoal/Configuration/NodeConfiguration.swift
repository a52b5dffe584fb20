public import ShoalMultiformats
public import ShoalResilience

/// A node's configuration: the `[distributed]` table of the original design plus `[dht]`, `[swim]`, `[mdns]`
/// and `[limits]`. Every key, its range and default is in ``schema``; ``init()`` gives all defaults.
public struct NodeConfiguration: Sendable, Hashable, Codable {
    // MARK: - [distributed]

    /// The `[distributed]` table.
    public struct Distributed: Sendable, Hashable, Codable {
        /// A name for this node; empty means its peer ID.
        public var nodeID: String
        /// Its role.
        public var role: NodeRole
        /// Addresses to listen on.
        public var listenAddresses: [Multiaddr]
        /// Peers dialled at start.
        public var bootstrapPeers: [Multiaddr]
        /// Advertised capabilities.
        public var capabilities: [String]
        /// Rows per dataset shard.
        public var defaultShardSize: Int
        /// Copies kept of each shard.
        public var defaultReplicationFactor: Int
        /// Whether shards are placed on a consistent-hash ring.
        public var useConsistentHashing: Bool
        /// Retries after the first attempt.
        public var maxRetries: Int
        /// Growth factor of the retry delays.
        public var backoffFactor: Double
        /// Consecutive failures that open a circuit.
        public var circuitBreakerThreshold: Int
        /// How long a circuit stays open.
        public var circuitBreakerTimeout: Duration
        /// Time between health samples.
        public var healthCheckInterval: Duration
        /// Whether health samples are kept.
        public var collectMetrics: Bool
        /// Days of samples kept.
        public var metricsRetentionDays: Int
        /// Shard transfers at once.
        public var maxConcurrentTransfers: Int
        /// Queries served at once.
        public var maxConcurrentQueries: Int
        /// Whether shards are fetched ahead of use.
        public var prefetchShards: Bool

        /// The retry policy these settings describe (`resilient(max_retries:, backoff_factor:)`).
        public var retryPolicy: RetryPolicy { .resilient(maxRetries: maxRetries, backoffFactor: backoffFactor) }
    }

    // MARK: - Other tables

    /// The `[node]` table: what the original design's `[distributed]` table has no key for.
    public struct NodeTable: Sendable, Hashable, Codable {
        /// Where the node runs (e.g. `eu-west`), for geo-aware placement; empty means unknown.
        public var region: String
        /// The identity key file; empty means a new identity at every start.
        public var keyFile: String
    }

    /// The `[dht]` table.
    public struct DHT: Sendable, Hashable, Codable {
        /// Whether the DHT runs.
        public var enabled: Bool
        /// `auto`, `server` or `client`.
        public var mode: String
        /// Peers per bucket (k).
        public var bucketSize: Int
        /// Parallel requests per lookup.
        public var alpha: Int
        /// Hours a record lives.
        public var recordTTLHours: Int
        /// Hours a provider record lives.
        public var providerTTLHours: Int
        /// Time between refreshes.
        public var refreshInterval: Duration
    }

    /// The `[swim]` table.
    public struct SWIM: Sendable, Hashable, Codable {
        /// Whether SWIM runs.
        public var enabled: Bool
        /// Time between probes.
        public var protocolPeriod: Duration
        /// Time to wait for a direct ack.
        public var pingTimeout: Duration
        /// Members asked to probe indirectly.
        public var indirectProbes: Int
        /// Suspicion timeout multiplier.
        public var suspicionMultiplier: Int
    }

    /// The `[mdns]` table.
    public struct MDNS: Sendable, Hashable, Codable {
        /// Whether mDNS runs.
        public var enabled: Bool
        /// The DNS-SD service name.
        public var serviceName: String
        /// Time between queries.
        public var queryInterval: Duration
        /// Seconds announced records stay valid.
        public var ttl: Int
    }

    /// The `[limits]` table.
    public struct Limits: Sendable, Hashable, Codable {
        /// Connections in total.
        public var maxConnections: Int
        /// Connections to one peer.
        public var maxConnectionsPerPeer: Int
        /// Inbound streams per connection.
        public var maxStreamsPerConnection: Int
        /// Bytes in one message.
        public var maxMessageSize: Int
    }

    /// `[distributed]`.
    public var distributed: Distributed
    /// `[node]`.
    public var node: NodeTable
    /// `[dht]`.
    public var dht: DHT
    /// `[swim]`.
    public var swim: SWIM
    /// `[mdns]`.
    public var mdns: MDNS
    /// `[limits]`.
    public var limits: Limits

    /// A configuration with every default.
    public init() {
        // The defaults in the schema are valid by construction; a failure here is a bug caught by the tests.
        self = try! NodeConfiguration(values: ConfigurationValues())
    }
}
