import Shoal
import ShoalCore
import ShoalMultiformats
import ShoalResilience
import Testing

@Suite("Node configuration")
struct ConfigurationTests {
    func issue(_ text: String, file: String = "node.toml") throws -> ConfigurationIssue {
        do {
            _ = try NodeConfiguration(toml: text, file: file)
        } catch let error as ShoalError {
            #expect(error.code == .invalidArgument)
            let issue = try #require(error.cause as? ConfigurationIssue)
            #expect(error.message == issue.description)
            #expect(!error.message.contains("\n"))
            return issue
        }
        Issue.record("no error for: \(text)")
        throw ShoalError(.internalError, "expected an error")
    }

    @Test("the example parses back to the defaults (shoal config example | shoal config check -)")
    func exampleRoundTrip() throws {
        let parsed = try NodeConfiguration(toml: NodeConfiguration.example, file: "-")
        #expect(parsed == NodeConfiguration())
        for key in NodeConfiguration.schema {
            #expect(NodeConfiguration.example.contains("\n\(key.name) = "), "\(key.section).\(key.name)")
        }
        #expect(NodeConfiguration.schema.filter { $0.section == "distributed" }.count == 18)
        // The typed fields cover exactly the schema's keys, and the defaults read back as the schema's defaults.
        let tables = NodeConfiguration().tableValues
        #expect(tables.values.reduce(0) { $0 + $1.count } == NodeConfiguration.schema.count)
        for key in NodeConfiguration.schema {
            let value = tables[key.section]?[key.name]
            switch (value, key.defaultValue) {
            case (.number(let a), .number(let b)): #expect(abs(a - b) < 1e-9, "\(key.name)")
            default: #expect(value == key.defaultValue, "\(key.section).\(key.name)")
            }
        }
    }

    @Test("an empty file gives every default")
    func defaults() throws {
        let configuration = try NodeConfiguration(toml: "")
        #expect(configuration.distributed.role == .hybrid)
        #expect(configuration.distributed.maxRetries == 3)
        #expect(configuration.distributed.backoffFactor == 2)
        #expect(configuration.distributed.circuitBreakerTimeout == .seconds(30))
        #expect(configuration.distributed.listenAddresses == [try Multiaddr("/ip4/0.0.0.0/tcp/4001")])
        #expect(configuration.dht.bucketSize == 20)
        #expect(configuration.limits.maxMessageSize == 4 << 20)
    }

    @Test("every [distributed] key and the other tables are read")
    func everyKey() throws {
        let text = """
            [distributed]
            node_id = "n1"
            role = "worker"
            listen_addresses = ["/ip4/127.0.0.1/tcp/4002", "/ip6/::1/tcp/4002"]
            bootstrap_peers = ["/ip4/127.0.0.1/tcp/4001"]
            capabilities = ["vector_search", "high_memory"]
            default_shard_size = 5000
            default_replication_factor = 2
            use_consistent_hashing = false
            max_retries = 5
            backoff_factor = 1.5
            circuit_breaker_threshold = 7
            circuit_breaker_timeout = 12
            health_check_interval = 2.5
            collect_metrics = false
            metrics_retention_days = 30
            max_concurrent_transfers = 8
            max_concurrent_queries = 16
            prefetch_shards = false

            [dht]
            mode = "server"
            alpha = 5

            [swim]
            protocol_period = 0.2
            indirect_probes = 0

            [mdns]
            enabled = false

            [limits]
            max_connections = 10
            """
        let c = try NodeConfiguration(toml: text)
        let d = c.distributed
        #expect(d.nodeID == "n1")
        #expect(d.role == .worker)
        #expect(d.listenAddresses.map(\.description) == ["/ip4/127.0.0.1/tcp/4002", "/ip6/::1/tcp/4002"])
        #expect(d.bootstrapPeers.count == 1)
        #expect(d.capabilities == ["vector_search", "high_memory"])
        #expect(d.defaultShardSize == 5000)
        #expect(d.defaultReplicationFactor == 2)
        #expect(!d.useConsistentHashing)
        #expect(d.maxRetries == 5)
        #expect(d.backoffFactor == 1.5)
        #expect(d.circuitBreakerThreshold == 7)
        #expect(d.circuitBreakerTimeout == .seconds(12))
        #expect(d.healthCheckInterval == .milliseconds(2500))
        #expect(!d.collectMetrics)
        #expect(d.metricsRetentionDays == 30)
        #expect(d.maxConcurrentTransfers == 8)
        #expect(d.maxConcurrentQueries == 16)
        #expect(!d.prefetchShards)
        #expect(d.retryPolicy.maximumAttempts == 6)
        #expect(d.retryPolicy.multiplier == 1.5)
        #expect(c.dht.mode == "server")
        #expect(c.dht.alpha == 5)
        #expect(c.swim.protocolPeriod == .milliseconds(200))
        #expect(c.swim.indirectProbes == 0)
        #expect(!c.mdns.enabled)
        #expect(c.limits.maxConnections == 10)
        // Every value set in the file reads back through tableValues.
        #expect(c.tableValues["distributed"]?["health_check_interval"] == .number(2.5))
        #expect(c.tableValues["distributed"]?["role"] == .string("worker"))
        #expect(c.tableValues["swim"]?["indirect_probes"] == .integer(0))
    }

    @Test("unknown keys and tables name the line and key")
    func unknownKeys() throws {
        var found = try issue("[distributed]\nrole = \"worker\"\nmax_retrys = 3\n")
        #expect(found.file == "node.toml")
        #expect(found.line == 3)
        #expect(found.key == "distributed.max_retrys")
        #expect(found.reason == "unknown key")
        found = try issue("[distributed]\n\n[gossip]\nfanout = 3\n")
        #expect(found.line == 3)
        #expect(found.key == "gossip")
        found = try issue("role = \"worker\"\n")
        #expect(found.key == "role")
        #expect(found.line == 1)
        found = try issue("[dht]\n  \"bucket\" = 3\n")
        #expect(found.line == 2)
    }

    @Test("wrong types are refused with the key and the expected type")
    func wrongTypes() throws {
        let cases: [(String, String)] = [
            ("max_retries = \"3\"", "expected an integer"),
            ("max_retries = 3.5", "expected an integer"),
            ("backoff_factor = \"2\"", "expected a number"),
            ("collect_metrics = 1", "expected true or false"),
            ("node_id = 5", "expected a string"),
            ("role = 1", "expected a string"),
            ("capabilities = \"gpu\"", "expected an array"),
            ("capabilities = [1, 2]", "entry 0"),
            ("listen_addresses = [\"/ip4/1.2.3.4/tcp/1\", \"not an address\"]", "entry 1"),
        ]
        for (line, reason) in cases {
            let found = try issue("# comment\n[distributed]\n\(line)\n")
            #expect(found.line == 3, "\(line)")
            #expect(found.key?.hasPrefix("distributed.") == true)
            #expect(found.reason.contains(reason), "\(line): \(found.reason)")
        }
        let table = try issue("distributed = 3\n")
        #expect(table.key == "distributed")
    }

    @Test("out-of-range values and bad choices are refused")
    func outOfRange() throws {
        let cases = [
            "[distributed]\nmax_retries = -1", "[distributed]\nmax_retries = 101",
            "[distributed]\nbackoff_factor = 0.5", "[distributed]\ndefault_replication_factor = 0",
            "[distributed]\nmetrics_retention_days = 366", "[distributed]\ncircuit_breaker_timeout = 0",
            "[distributed]\nrole = \"boss\"", "[distributed]\nhealth_check_interval = nan",
            "[dht]\nmode = \"both\"", "[swim]\nindirect_probes = 17", "[limits]\nmax_message_size = 10",
            "[mdns]\nservice_name = \"\(String(repeating: "x", count: 64))\"",
        ]
        for text in cases {
            let found = try issue(text)
            #expect(found.line == 2, "\(text)")
            #expect(
                found.reason.contains("range") || found.reason.contains("not one of") || found.reason.contains("longer")
            )
        }
    }

    @Test("syntax errors carry TOMLKit's line; missing, directory and binary files are refused")
    func badFiles() throws {
        let syntax = try issue("[distributed]\nmax_retries = = 3\n")
        #expect(syntax.line == 2)
        #expect(syntax.reason.hasPrefix("not valid TOML"))
        #expect(try issue("[distributed\n").reason.hasPrefix("not valid TOML"))
        // Headers that trip an assertion in the bundled toml++ are refused before it sees them (found by fuzzing).
        for text in ["[#dns]\n", "x = 1\n[\n", "[[ #a]]\n", "\u{3000}[ \u{3000}x]\n", "[ ]\n"] {
            #expect(try issue(text).reason.hasPrefix("not valid TOML"), "\(text.debugDescription)")
        }
        #expect(try issue("a = 1\n  [#dns]\n").line == 2)
        // Control characters from the file are escaped: the message stays one line.
        let control = try issue("[distributed]\nrole = \"a\\nb\\u0007\"\n")
        #expect(control.reason.contains("'a\\nb\\u{07}'"), "\(control.reason)")
        func fileIssue(_ path: String) throws -> ConfigurationIssue {
            do {
                _ = try NodeConfiguration(contentsOf: path)
            } catch let error as ShoalError {
                return try #require(error.cause as? ConfigurationIssue)
            }
            throw ShoalError(.internalError, "expected an error for \(path)")
        }
        #expect(try fileIssue("/nonexistent/shoal.toml").reason == "no such file")
        #expect(try fileIssue("/tmp").reason == "is a directory")
        let binary = "/tmp/shoal-config-test-\(UInt32.random(in: 0...UInt32.max)).toml"
        try writeFile(binary, [0xFF, 0xFE, 0x00, 0x01])
        defer { removeFile(binary) }
        #expect(try fileIssue(binary).reason == "not a UTF-8 text file")
        #expect(try fileIssue(binary).file == binary)
    }
}
