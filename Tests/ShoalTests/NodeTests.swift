import Foundation
import Logging
import ServiceLifecycle
import Shoal
import ShoalCore
import ShoalHealth
import ShoalHost
import ShoalKademlia
import ShoalMultiformats
import ShoalTransport
import Testing

/// A configuration for a node on 127.0.0.1 (DHT server mode unless a client, no mDNS: never on real interfaces).
func nodeConfiguration(
    _ name: String,
    _ role: NodeRole,
    capabilities: [String] = [],
    bootstrap: [Multiaddr] = []
) throws -> NodeConfiguration {
    var configuration = NodeConfiguration()
    configuration.distributed.nodeID = name
    configuration.distributed.role = role
    configuration.distributed.capabilities = capabilities
    configuration.distributed.listenAddresses = [try Multiaddr("/ip4/127.0.0.1/tcp/0")]
    configuration.distributed.bootstrapPeers = bootstrap
    configuration.distributed.healthCheckInterval = .seconds(1)
    configuration.node.region = "test-\(name)"
    configuration.dht.mode = role == .client ? "client" : "server"
    configuration.mdns.enabled = false
    return configuration
}

/// Generous deadlines: the suite runs beside every other one on a loaded machine.
func nodeOptions() -> NodeOptions {
    var options = NodeOptions()
    options.healthDeadline = .seconds(30)
    options.describeTimeout = .seconds(30)
    return options
}

/// Waits until `condition` holds, polling every 20 ms, for at most `timeout`.
func eventually(timeout: Duration = .seconds(60), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// The statuses SWIM reported for `peer` on `events` until one of `final` (or the deadline: never a hang).
func memberStatuses(
    _ events: AsyncStream<NodeEvent>,
    of peer: PeerID,
    until final: Set<String>,
    timeout: Duration = .seconds(60)
) async -> [String] {
    await withTaskGroup(of: [String]?.self) { group in
        group.addTask {
            var statuses: [String] = []
            for await event in events {
                guard case .member(let who, let status) = event, who == peer else { continue }
                statuses.append(status)
                if final.contains(status) { break }
            }
            return statuses
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first ?? ["(no final status within \(timeout))"]
    }
}

/// A worker, a coordinator and a client; the last two bootstrap through the worker.
func withThreeNodes(_ body: (_ worker: Node, _ coordinator: Node, _ client: Node) async throws -> Void) async throws {
    let worker = try nodeConfiguration("worker", .worker, capabilities: ["vector_search", "high_memory"])
    try await withNode(worker, options: nodeOptions()) { worker in
        let seeds = worker.dialableAddresses
        try await withNode(try nodeConfiguration("coordinator", .coordinator, bootstrap: seeds), options: nodeOptions())
        {
            coordinator in
            try await withNode(try nodeConfiguration("client", .client, bootstrap: seeds), options: nodeOptions()) {
                client in
                await coordinator.dht?.waitUntilBootstrapped()
                await client.dht?.waitUntilBootstrapped()
                try await body(worker, coordinator, client)
            }
        }
    }
}

@Suite("Node on 127.0.0.1")
struct NodeTests {
    @Test("roles are enforced: a client serves no DHT, stores no provider records and provides nothing")
    func roles() async throws {
        try await withThreeNodes { worker, coordinator, client in
            #expect(worker.dht?.isServing == true)
            #expect(coordinator.dht?.isServing == true)
            #expect(client.dht?.isServing == false)
            #expect(client.dht?.configuration.mode == .client)
            #expect(!client.host.protocols.contains(KadConstants.protocolID))
            #expect(!client.host.protocols.contains(HealthProtocol.protocolID))
            #expect(worker.host.protocols.contains(HealthProtocol.protocolID))
            #expect(client.host.protocols.contains(NodeCapabilitiesProtocol.protocolID))

            let reached = try await worker.provideDataset("weather-2026")
            #expect(reached >= 1)
            #expect(await eventually { (coordinator.dht?.storedProviderCount ?? 0) >= 1 })
            #expect(client.dht?.storedProviderCount == 0)

            let providers = try await client.findDatasetProviders("weather-2026")
            #expect(providers.map(\.id) == [worker.peerID])
            #expect(try await coordinator.findDatasetProviders("nobody-has-this").isEmpty)

            for node in [coordinator, client] {
                let error = await #expect(throws: ShoalError.self) { try await node.provideDataset("x") }
                #expect(error?.code == .unsupported)
                #expect(error?.message.contains(node.role.rawValue) == true)
            }
            #expect(NodeRole.coordinator.plans && NodeRole.hybrid.plans && !NodeRole.worker.plans)
            #expect(NodeRole.hybrid.storesDatasets && !NodeRole.client.servesDHT)
        }
    }

    @Test("a custom protocol registered on one node is called from another")
    func customProtocol() async throws {
        try await withThreeNodes { worker, _, client in
            worker.registerRequestHandler(protocol: "/test/reverse/1.0.0") { peer, request in
                #expect(peer == client.peerID)
                return request.reversed()
            }
            let reply = try await client.request(worker.peerID, protocol: "/test/reverse/1.0.0", Array("abc".utf8))
            #expect(reply == Array("cba".utf8))
            worker.register(protocol: "/test/count/1.0.0") { stream in
                let bytes = try await stream.readToEnd(maximum: 1 << 16)
                try await stream.write(Array(String(bytes.count).utf8))
                stream.closeWrite()
            }
            let stream = try await client.newStream(to: worker.peerID, protocols: ["/test/count/1.0.0"])
            try await stream.write([UInt8](repeating: 7, count: 1000))
            stream.closeWrite()
            #expect(try await stream.readToEnd(maximum: 64) == Array("1000".utf8))
            await #expect(throws: ShoalError.self) {
                _ = try await client.request(worker.peerID, protocol: "/test/unknown/1.0.0", [1])
            }
        }
    }

    @Test("capabilities, role and region of the other nodes are visible after identify")
    func capabilities() async throws {
        try await withThreeNodes { worker, coordinator, client in
            #expect(await eventually { coordinator.knownNodes[worker.peerID] != nil })
            let seen = try #require(coordinator.knownNodes[worker.peerID])
            #expect(seen.role == .worker)
            #expect(seen.capabilities == ["vector_search", "high_memory"])
            #expect(seen.region == "test-worker")
            #expect(seen.nodeID == "worker")
            #expect(coordinator.nodes(withCapability: "vector_search").map(\.peer) == [worker.peerID.description])
            #expect(await eventually { worker.knownNodes[client.peerID]?.role == .client })
            let direct = try await client.describe(coordinator.peerID)
            #expect(direct.role == .coordinator && direct.capabilities.isEmpty)
        }
    }

    @Test("health: each node reads the others'; a stopped node is reported unreachable, a client not asked")
    func health() async throws {
        try await withNode(try nodeConfiguration("coordinator", .coordinator), options: nodeOptions()) { coordinator in
            let seeds = coordinator.dialableAddresses
            try await withNode(try nodeConfiguration("client", .client, bootstrap: seeds), options: nodeOptions()) {
                client in
                var options = nodeOptions()
                options.healthDeadline = .seconds(10)
                let workerNode = try Node(try nodeConfiguration("worker", .worker, bootstrap: seeds), options: options)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await workerNode.run() }
                    try await workerNode.waitUntilListening()
                    #expect(await eventually { coordinator.knownNodes.count == 2 })
                    let report = try await coordinator.health(of: workerNode.peerID)
                    #expect(report.peer == workerNode.peerID.description)
                    #expect(report.status != .unreachable)
                    #expect(report.connections >= 1)
                    let own = try await coordinator.health(of: coordinator.peerID)
                    #expect(own.peer == coordinator.peerID.description)
                    let back = try await workerNode.health(of: coordinator.peerID)
                    #expect(back.peer == coordinator.peerID.description)
                    #expect(coordinator.connectedPeers.contains(client.peerID))
                    let refused = await #expect(throws: ShoalError.self) {
                        _ = try await coordinator.health(of: client.peerID)
                    }
                    #expect(refused?.code == .negotiationFailed)

                    let all = await coordinator.allNodesHealth()
                    #expect(Set(all.keys) == [coordinator.peerID, workerNode.peerID])
                    #expect(all[workerNode.peerID]?.status != .unreachable)

                    workerNode.shutdown()
                    try await group.waitForAll()
                    #expect(await eventually { !coordinator.connectedPeers.contains(workerNode.peerID) })
                    let after = await coordinator.allNodesHealth()
                    #expect(after[workerNode.peerID]?.status == .unreachable)
                    #expect(after[workerNode.peerID]?.error != nil)
                }
            }
        }
    }

    @Test("SWIM membership forms with each node's role in its metadata; a leaving node is seen leaving")
    func membership() async throws {
        try await withNode(try nodeConfiguration("coordinator", .coordinator), options: nodeOptions()) { coordinator in
            let seeds = coordinator.dialableAddresses
            let events = coordinator.events()
            let worker = try Node(
                try nodeConfiguration("worker", .worker, capabilities: ["gpu"], bootstrap: seeds),
                options: nodeOptions()
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await worker.run() }
                try await worker.waitUntilListening()
                #expect(
                    await eventually {
                        coordinator.members.contains { $0.peer == worker.peerID && $0.status == "alive" }
                    }
                )
                let member = try #require(coordinator.members.first { $0.peer == worker.peerID })
                #expect(member.descriptor?.role == .worker)
                #expect(member.descriptor?.capabilities == ["gpu"])
                #expect(member.descriptor?.region == "test-worker")
                #expect(
                    await eventually {
                        worker.members.contains { $0.peer == coordinator.peerID && $0.status == "alive" }
                    }
                )
                worker.shutdown()
                try await group.waitForAll()
            }
            let statuses = await memberStatuses(events, of: worker.peerID, until: ["left", "dead"])
            #expect(statuses.first == "up")
            #expect(statuses.last == "left")
        }
    }

    @Test("SWIM metadata: compact, at most 512 bytes, capabilities cut to fit")
    func metadata() throws {
        let peer = PrivateKey().peerID
        let small = NodeDescriptor(peer: peer, nodeID: "n", role: .worker, capabilities: ["a", "b"], region: "eu")
        let bytes = NodeMetadata.encode(small)
        #expect(NodeMetadata.decode(bytes, peer: peer) == small)
        let many = (0..<64).map { "capability-\($0)-" + String(repeating: "x", count: 40) }
        let big = NodeDescriptor(peer: peer, nodeID: "big", role: .hybrid, capabilities: many, region: "r")
        let cut = NodeMetadata.encode(big)
        #expect(cut.count <= NodeMetadata.maximumSize)
        let decoded = try #require(NodeMetadata.decode(cut, peer: peer))
        #expect(!decoded.capabilities.isEmpty && decoded.capabilities.count < many.count)
        #expect(Array(many.prefix(decoded.capabilities.count)) == decoded.capabilities)
        #expect(NodeMetadata.decode(Array("role=storage".utf8), peer: peer) == nil)
    }

    @Test("bad configurations fail with a typed error naming the key")
    func badConfiguration() async throws {
        func issue(_ configuration: NodeConfiguration, options: NodeOptions = NodeOptions()) -> ConfigurationIssue? {
            do {
                _ = try Node(configuration, options: options)
            } catch let error as ShoalError {
                #expect(error.code == .invalidArgument)
                return error.cause as? ConfigurationIssue
            } catch {
                Issue.record("unexpected error \(error)")
            }
            return nil
        }
        var client = try nodeConfiguration("c", .client)
        client.dht.mode = "server"
        #expect(issue(client)?.key == "dht.mode")
        var worker = try nodeConfiguration("w", .worker)
        worker.distributed.listenAddresses = []
        #expect(issue(worker)?.key == "distributed.listen_addresses")
        client.dht.mode = "client"
        client.distributed.listenAddresses = []
        _ = try Node(client)  // a client may only dial
        var spaces = try nodeConfiguration("w", .worker)
        spaces.distributed.capabilities = ["vector search"]
        #expect(issue(spaces)?.key == "distributed.capabilities")
        spaces.distributed.capabilities = ["gpu", "gpu"]
        #expect(issue(spaces)?.key == "distributed.capabilities")
        var keyFile = try nodeConfiguration("w", .worker)
        keyFile.node.keyFile = "/nonexistent/shoal-test.key"
        #expect(issue(keyFile)?.key == "node.key_file")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("node-\(UUID()).toml").path
        defer { removeFile(path) }
        try writeFile(path, Array("[distributed]\nrole = \"client\"\n\n[dht]\nmode = \"server\"\n".utf8))
        do {
            _ = try Node(configurationFile: path)
            Issue.record("no error")
        } catch let error as ShoalError {
            let found = try #require(error.cause as? ConfigurationIssue)
            #expect(found.key == "dht.mode")
            #expect(found.line == 5)
            #expect(found.file == path)
        }
        try writeFile(path, Array("[node]\nregion = \"eu-west\"\n".utf8))
        #expect(try Node(configurationFile: path).region == "eu-west")
    }

    @Test("a node runs in a ServiceGroup and stops on a graceful shutdown, leaving SWIM")
    func serviceGroup() async throws {
        try await withNode(try nodeConfiguration("seed", .coordinator), options: nodeOptions()) { seed in
            let events = seed.events()
            let node = try Node(
                try nodeConfiguration("member", .worker, bootstrap: seed.dialableAddresses),
                options: nodeOptions()
            )
            let group = ServiceGroup(
                services: [node],
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await node.waitUntilListening()
                #expect(await eventually { seed.members.contains { $0.peer == node.peerID && $0.status == "alive" } })
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(node.connectedPeers.isEmpty)
            let statuses = await memberStatuses(events, of: node.peerID, until: ["left", "dead"])
            #expect(statuses.last == "left")
        }
    }

    @Test("withNode stops the node when the body throws; a node runs once")
    func lifecycle() async throws {
        struct Boom: Error {}
        var captured: Node?
        await #expect(throws: Boom.self) {
            try await withNode(try nodeConfiguration("n", .hybrid)) { node in
                captured = node
                #expect(!node.listenAddresses.isEmpty)
                throw Boom()
            }
        }
        let node = try #require(captured)
        #expect(node.connectedPeers.isEmpty)
        await #expect(throws: ShoalError.self) { try await node.run() }
        #expect(node.members.isEmpty && node.isMembershipRunning)
        var noSWIM = try nodeConfiguration("m", .hybrid)
        noSWIM.swim.enabled = false
        #expect(try Node(noSWIM).membership == nil)
    }
}
