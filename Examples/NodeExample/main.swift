// Three Shoal nodes in one process: a worker, a coordinator and a client, over real TCP on 127.0.0.1.
//
// The worker announces a dataset in the DHT and serves a custom protocol; the coordinator joins through the
// worker; the client (which stores nothing and serves no DHT) finds the dataset's provider, calls the protocol,
// reads the others' capabilities and health.
//
// Run: swift run NodeExample

import Shoal
import ShoalCore
import ShoalHealth
import ShoalKademlia
import ShoalMultiformats

/// A node configuration for this example: loopback only, DHT in server mode, no mDNS (never on real interfaces).
func configuration(
    _ name: String,
    _ role: NodeRole,
    capabilities: [String] = [],
    bootstrap: [Multiaddr] = []
)
    throws -> NodeConfiguration
{
    var configuration = NodeConfiguration()
    configuration.distributed.nodeID = name
    configuration.distributed.role = role
    configuration.distributed.capabilities = capabilities
    configuration.distributed.listenAddresses = [try Multiaddr("/ip4/127.0.0.1/tcp/0")]
    configuration.distributed.bootstrapPeers = bootstrap
    configuration.node.region = "local"
    configuration.dht.mode = role == .client ? "client" : "server"
    configuration.mdns.enabled = false
    return configuration
}

// MARK: - The README's snippet (keep the two in sync): one node alone.

do {
    var configuration = NodeConfiguration()  // or try NodeConfiguration(contentsOf: "node.toml")
    configuration.distributed.role = .worker
    configuration.distributed.capabilities = ["vector_search"]
    configuration.distributed.listenAddresses = [try Multiaddr("/ip4/127.0.0.1/tcp/0")]
    configuration.node.region = "eu-west"
    configuration.dht.mode = "server"
    configuration.mdns.enabled = false
    try await withNode(configuration) { node in
        node.registerRequestHandler(protocol: "/example/upper/1.0.0") { _, request in
            Array(String(decoding: request, as: UTF8.self).uppercased().utf8)
        }
        try await node.provideDataset("weather-2026")  // DHT ADD_PROVIDER under KadDatasetKey.forDataset
        let providers = try await node.findDatasetProviders("weather-2026")
        let everyone = await node.allNodesHealth()  // unreachable nodes are reported, not left out
        print("\(node.peerID): \(providers.count) provider(s), health of \(everyone.count) node(s)")
    }
}

// MARK: - Three nodes

try await withNode(configuration("worker-1", .worker, capabilities: ["vector_search"])) { worker in
    worker.registerRequestHandler(protocol: "/example/upper/1.0.0") { _, request in
        Array(String(decoding: request, as: UTF8.self).uppercased().utf8)
    }
    let seeds = worker.dialableAddresses
    try await withNode(configuration("coordinator", .coordinator, bootstrap: seeds)) { coordinator in
        try await withNode(configuration("client", .client, bootstrap: seeds)) { client in
            await client.dht?.waitUntilBootstrapped()
            await coordinator.dht?.waitUntilBootstrapped()
            let reached = try await worker.provideDataset("weather-2026")
            print("worker-1 provides weather-2026 (announced to \(reached) peers)")

            let providers = try await client.findDatasetProviders("weather-2026")
            print("client found providers: \(providers.map(\.id) == [worker.peerID] ? "worker-1" : "\(providers)")")

            let reply = try await client.request(worker.peerID, protocol: "/example/upper/1.0.0", Array("hi".utf8))
            print("custom protocol: hi -> \(String(decoding: reply, as: UTF8.self))")

            let described = try await client.describe(worker.peerID)
            print("worker-1 is a \(described.role.rawValue) with \(described.capabilities) in \(described.region)")

            for (peer, health) in await coordinator.allNodesHealth().sorted(by: {
                $0.key.description < $1.key.description
            }) {
                let name = peer == worker.peerID ? "worker-1" : peer == coordinator.peerID ? "coordinator" : "\(peer)"
                print("health of \(name): \(health.status.rawValue), \(health.connections) connections")
            }
        }
    }
}
