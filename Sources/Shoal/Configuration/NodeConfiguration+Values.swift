import ShoalMultiformats

extension NodeConfiguration {
    /// Every key's value by table, with the file's names (`distributed.max_retries`…): what `shoal config check
    /// --json` prints. Times are seconds.
    public var tableValues: [String: [String: ConfigurationValue]] {
        func seconds(_ duration: Duration) -> ConfigurationValue {
            .number(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
        let d = distributed
        return [
            "distributed": [
                "node_id": .string(d.nodeID), "role": .string(d.role.rawValue),
                "listen_addresses": .strings(d.listenAddresses.map(\.description)),
                "bootstrap_peers": .strings(d.bootstrapPeers.map(\.description)),
                "capabilities": .strings(d.capabilities), "default_shard_size": .integer(d.defaultShardSize),
                "default_replication_factor": .integer(d.defaultReplicationFactor),
                "use_consistent_hashing": .boolean(d.useConsistentHashing), "max_retries": .integer(d.maxRetries),
                "backoff_factor": .number(d.backoffFactor),
                "circuit_breaker_threshold": .integer(d.circuitBreakerThreshold),
                "circuit_breaker_timeout": seconds(d.circuitBreakerTimeout),
                "health_check_interval": seconds(d.healthCheckInterval), "collect_metrics": .boolean(d.collectMetrics),
                "metrics_retention_days": .integer(d.metricsRetentionDays),
                "max_concurrent_transfers": .integer(d.maxConcurrentTransfers),
                "max_concurrent_queries": .integer(d.maxConcurrentQueries),
                "prefetch_shards": .boolean(d.prefetchShards),
            ],
            "node": ["region": .string(node.region), "key_file": .string(node.keyFile)],
            "dht": [
                "enabled": .boolean(dht.enabled), "mode": .string(dht.mode), "bucket_size": .integer(dht.bucketSize),
                "alpha": .integer(dht.alpha), "record_ttl_hours": .integer(dht.recordTTLHours),
                "provider_ttl_hours": .integer(dht.providerTTLHours), "refresh_interval": seconds(dht.refreshInterval),
            ],
            "swim": [
                "enabled": .boolean(swim.enabled), "protocol_period": seconds(swim.protocolPeriod),
                "ping_timeout": seconds(swim.pingTimeout), "indirect_probes": .integer(swim.indirectProbes),
                "suspicion_multiplier": .integer(swim.suspicionMultiplier),
            ],
            "mdns": [
                "enabled": .boolean(mdns.enabled), "service_name": .string(mdns.serviceName),
                "query_interval": seconds(mdns.queryInterval), "ttl": .integer(mdns.ttl),
            ],
            "limits": [
                "max_connections": .integer(limits.maxConnections),
                "max_connections_per_peer": .integer(limits.maxConnectionsPerPeer),
                "max_streams_per_connection": .integer(limits.maxStreamsPerConnection),
                "max_message_size": .integer(limits.maxMessageSize),
            ],
        ]
    }
}

extension ConfigurationValue: Encodable {
    /// Encodes the plain JSON value (number, boolean, string or array of strings).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }
}
