import Logging
import ServiceLifecycle
import ShoalCore
import ShoalHost
import ShoalMembership
import ShoalMultiformats
import ShoalSWIM
import Testing

@Suite("SWIMService in a ServiceGroup")
struct ServiceGroupTests {
    @Test("a graceful shutdown of the group leaves the cluster (others record left) and returns")
    func gracefulShutdownLeaves() async throws {
        try await withCluster(2) { nodes in
            var logger = Logger(label: "swim-group-test")
            logger.logLevel = .warning
            let identity = PrivateKey()
            var hostConfiguration = HostConfiguration(
                identity: identity,
                listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]
            )
            hostConfiguration.logger = logger
            let host = P2PHost(hostConfiguration)
            var configuration = SWIMServiceConfiguration(settings: testSettings(), seeds: [nodes[0].seedAddress])
            configuration.leaveTimeout = .seconds(2)
            let swim = SWIMService(host: host, identity: identity, configuration: configuration, logger: logger)
            // Shut down in reverse order: the membership leaves first, then the host closes.
            let group = ServiceGroup(services: [host, swim], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let joined = await eventually {
                    nodes.allSatisfy { node in
                        node.swim.members.contains { $0.peerID == identity.peerID && $0.status == .alive }
                    }
                }
                #expect(joined)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let left = await eventually(within: .seconds(20)) {
                nodes.allSatisfy { node in
                    node.swim.members.contains { $0.peerID == identity.peerID && $0.status == .left }
                }
            }
            #expect(left)
            #expect(swim.localMember?.status == .left)
        }
    }
}
