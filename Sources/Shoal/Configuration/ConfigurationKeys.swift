/// Every key the configuration file accepts, by table. Times are in seconds unless the name says otherwise.
extension NodeConfiguration {
    /// The tables, in the order `shoal config example` prints them.
    public static let sections = ["distributed", "node", "dht", "swim", "mdns", "limits"]

    /// The schema of every key.
    public static let schema: [ConfigurationKey] =
        distributedKeys + nodeKeys + dhtKeys + swimKeys + mdnsKeys + limitsKeys

    private static func key(
        _ section: String,
        _ name: String,
        _ kind: ConfigurationKey.Kind,
        _ value: ConfigurationValue,
        _ summary: String
    ) -> ConfigurationKey {
        ConfigurationKey(section: section, name: name, kind: kind, defaultValue: value, summary: summary)
    }

    private static let distributedKeys: [ConfigurationKey] = [
        key(
            "distributed",
            "node_id",
            .string(maximumLength: 128),
            .string(""),
            "a name for this node; empty = its peer ID"
        ),
        key(
            "distributed",
            "role",
            .choice(NodeRole.allCases.map(\.rawValue)),
            .string("hybrid"),
            "coordinator, worker, hybrid or client"
        ),
        key(
            "distributed",
            "listen_addresses",
            .multiaddrs(maximumCount: 32),
            .strings(["/ip4/0.0.0.0/tcp/4001"]),
            "multiaddrs to listen on"
        ),
        key(
            "distributed",
            "bootstrap_peers",
            .multiaddrs(maximumCount: 256),
            .strings([]),
            "multiaddrs (with /p2p/) to dial at start"
        ),
        key(
            "distributed",
            "capabilities",
            .strings(maximumCount: 64),
            .strings([]),
            "e.g. vector_search, high_memory, graph_processing, high_cpu, or any string"
        ),
        key(
            "distributed",
            "default_shard_size",
            .integer(1...100_000_000),
            .integer(10_000),
            "rows per dataset shard"
        ),
        key(
            "distributed",
            "default_replication_factor",
            .integer(1...64),
            .integer(3),
            "copies kept of each shard"
        ),
        key(
            "distributed",
            "use_consistent_hashing",
            .boolean,
            .boolean(true),
            "place shards on a consistent-hash ring"
        ),
        key(
            "distributed",
            "max_retries",
            .integer(0...100),
            .integer(3),
            "retries after the first attempt of a remote call"
        ),
        key(
            "distributed",
            "backoff_factor",
            .number(1...10),
            .number(2),
            "growth factor of the delay between retries (from 100 ms, capped at 5 s, full jitter)"
        ),
        key(
            "distributed",
            "circuit_breaker_threshold",
            .integer(1...1000),
            .integer(5),
            "consecutive failures that open a peer's circuit"
        ),
        key(
            "distributed",
            "circuit_breaker_timeout",
            .number(0.1...86_400),
            .number(30),
            "seconds a circuit stays open before one trial call"
        ),
        key(
            "distributed",
            "health_check_interval",
            .number(1...86_400),
            .number(60),
            "seconds between health samples"
        ),
        key(
            "distributed",
            "collect_metrics",
            .boolean,
            .boolean(true),
            "keep a local time series of health samples"
        ),
        key(
            "distributed",
            "metrics_retention_days",
            .integer(1...365),
            .integer(7),
            "days of health samples kept"
        ),
        key(
            "distributed",
            "max_concurrent_transfers",
            .integer(1...1024),
            .integer(5),
            "shard transfers running at once"
        ),
        key(
            "distributed",
            "max_concurrent_queries",
            .integer(1...1024),
            .integer(10),
            "queries served at once"
        ),
        key(
            "distributed",
            "prefetch_shards",
            .boolean,
            .boolean(true),
            "fetch the next shards of a scan ahead of use"
        ),
    ]

    private static let nodeKeys: [ConfigurationKey] = [
        key(
            "node",
            "region",
            .string(maximumLength: 64),
            .string(""),
            "where this node runs, for geo-aware placement (e.g. eu-west); empty = unknown"
        ),
        key(
            "node",
            "key_file",
            .string(maximumLength: 4_096),
            .string(""),
            "identity key file (shoal id new --out FILE); empty = a new identity at every start"
        ),
    ]

    private static let dhtKeys: [ConfigurationKey] = [
        key("dht", "enabled", .boolean, .boolean(true), "run the Kademlia DHT (/ipfs/kad/1.0.0)"),
        key(
            "dht",
            "mode",
            .choice(["auto", "server", "client"]),
            .string("auto"),
            "server answers queries, client only asks, auto decides from reachability"
        ),
        key("dht", "bucket_size", .integer(1...256), .integer(20), "k: peers per routing-table bucket"),
        key("dht", "alpha", .integer(1...32), .integer(3), "parallel requests per lookup"),
        key("dht", "record_ttl_hours", .integer(1...8_760), .integer(48), "hours a stored record lives"),
        key("dht", "provider_ttl_hours", .integer(1...8_760), .integer(48), "hours a provider record lives"),
        key("dht", "refresh_interval", .number(10...86_400), .number(600), "seconds between routing-table refreshes"),
    ]

    private static let swimKeys: [ConfigurationKey] = [
        key("swim", "enabled", .boolean, .boolean(true), "run SWIM membership"),
        key("swim", "protocol_period", .number(0.05...60), .number(1), "seconds between probes"),
        key("swim", "ping_timeout", .number(0.01...60), .number(0.5), "seconds to wait for a direct ack"),
        key("swim", "indirect_probes", .integer(0...16), .integer(3), "members asked to probe indirectly"),
        key(
            "swim",
            "suspicion_multiplier",
            .integer(1...32),
            .integer(4),
            "suspicion lasts this many × log(n) protocol periods"
        ),
    ]

    private static let mdnsKeys: [ConfigurationKey] = [
        key("mdns", "enabled", .boolean, .boolean(true), "discover peers on the local link"),
        key(
            "mdns",
            "service_name",
            .string(maximumLength: 63),
            .string("_p2p._udp.local"),
            "the DNS-SD service queried and announced"
        ),
        key("mdns", "query_interval", .number(1...3_600), .number(30), "seconds between queries"),
        key("mdns", "ttl", .integer(1...86_400), .integer(120), "seconds announced records stay valid"),
    ]

    private static let limitsKeys: [ConfigurationKey] = [
        key("limits", "max_connections", .integer(1...65_536), .integer(1024), "connections in total"),
        key("limits", "max_connections_per_peer", .integer(1...16), .integer(2), "connections to one peer"),
        key(
            "limits",
            "max_streams_per_connection",
            .integer(1...65_536),
            .integer(512),
            "inbound streams per connection"
        ),
        key(
            "limits",
            "max_message_size",
            .integer(1_024...(64 << 20)),
            .integer(4 << 20),
            "bytes in one length-prefixed message"
        ),
    ]
}
