import ShoalCore
import ShoalMultiformats

/// The checked values of a configuration file by `section.key`, with the schema's defaults for missing keys.
struct ConfigurationValues {
    var values: [String: ConfigurationValue] = [:]

    subscript(_ section: String, _ name: String) -> ConfigurationValue {
        if let value = values["\(section).\(name)"] { return value }
        return NodeConfiguration.schema.first { $0.section == section && $0.name == name }!.defaultValue
    }

    func int(_ section: String, _ name: String) -> Int {
        if case .integer(let value) = self[section, name] { return value }
        return 0
    }

    func double(_ section: String, _ name: String) -> Double {
        switch self[section, name] {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        default: return 0
        }
    }

    func seconds(_ section: String, _ name: String) -> Duration {
        .nanoseconds(Int64((double(section, name) * 1e9).rounded()))
    }

    func bool(_ section: String, _ name: String) -> Bool {
        if case .boolean(let value) = self[section, name] { return value }
        return false
    }

    func string(_ section: String, _ name: String) -> String {
        if case .string(let value) = self[section, name] { return value }
        return ""
    }

    func strings(_ section: String, _ name: String) -> [String] {
        if case .strings(let value) = self[section, name] { return value }
        return []
    }
}

extension NodeConfiguration {
    /// Builds the typed configuration from checked values.
    init(values v: ConfigurationValues) throws {
        let d = "distributed"
        distributed = Distributed(
            nodeID: v.string(d, "node_id"),
            role: NodeRole(rawValue: v.string(d, "role")) ?? .hybrid,
            listenAddresses: try v.strings(d, "listen_addresses").map { try Multiaddr($0) },
            bootstrapPeers: try v.strings(d, "bootstrap_peers").map { try Multiaddr($0) },
            capabilities: v.strings(d, "capabilities"),
            defaultShardSize: v.int(d, "default_shard_size"),
            defaultReplicationFactor: v.int(d, "default_replication_factor"),
            useConsistentHashing: v.bool(d, "use_consistent_hashing"),
            maxRetries: v.int(d, "max_retries"),
            backoffFactor: v.double(d, "backoff_factor"),
            circuitBreakerThreshold: v.int(d, "circuit_breaker_threshold"),
            circuitBreakerTimeout: v.seconds(d, "circuit_breaker_timeout"),
            healthCheckInterval: v.seconds(d, "health_check_interval"),
            collectMetrics: v.bool(d, "collect_metrics"),
            metricsRetentionDays: v.int(d, "metrics_retention_days"),
            maxConcurrentTransfers: v.int(d, "max_concurrent_transfers"),
            maxConcurrentQueries: v.int(d, "max_concurrent_queries"),
            prefetchShards: v.bool(d, "prefetch_shards")
        )
        node = NodeTable(region: v.string("node", "region"), keyFile: v.string("node", "key_file"))
        dht = DHT(
            enabled: v.bool("dht", "enabled"),
            mode: v.string("dht", "mode"),
            bucketSize: v.int("dht", "bucket_size"),
            alpha: v.int("dht", "alpha"),
            recordTTLHours: v.int("dht", "record_ttl_hours"),
            providerTTLHours: v.int("dht", "provider_ttl_hours"),
            refreshInterval: v.seconds("dht", "refresh_interval")
        )
        swim = SWIM(
            enabled: v.bool("swim", "enabled"),
            protocolPeriod: v.seconds("swim", "protocol_period"),
            pingTimeout: v.seconds("swim", "ping_timeout"),
            indirectProbes: v.int("swim", "indirect_probes"),
            suspicionMultiplier: v.int("swim", "suspicion_multiplier")
        )
        mdns = MDNS(
            enabled: v.bool("mdns", "enabled"),
            serviceName: v.string("mdns", "service_name"),
            queryInterval: v.seconds("mdns", "query_interval"),
            ttl: v.int("mdns", "ttl")
        )
        limits = Limits(
            maxConnections: v.int("limits", "max_connections"),
            maxConnectionsPerPeer: v.int("limits", "max_connections_per_peer"),
            maxStreamsPerConnection: v.int("limits", "max_streams_per_connection"),
            maxMessageSize: v.int("limits", "max_message_size")
        )
    }
}
