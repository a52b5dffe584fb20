import Logging
import ShoalCore
import ShoalHost
import ShoalMembership
import ShoalMultiformats
import ShoalSWIM
import Testing

// MARK: - A cluster of SWIM services on 127.0.0.1

/// One node of a test cluster: a host and its SWIM service.
struct TestNode: Sendable {
    let host: P2PHost
    let swim: SWIMService
    let identity: PrivateKey

    var peerID: PeerID { host.peerID }
    var seedAddress: Multiaddr { host.dialableAddresses[0] }
}

/// Fast settings for loopback tests (generous enough for a loaded two-core machine).
func testSettings() -> SWIM.Settings {
    var s = SWIM.Settings.lan
    s.probeInterval = .milliseconds(500)
    s.probeTimeout = .milliseconds(200)
    s.gossipInterval = .milliseconds(100)
    s.suspicionMult = 4
    s.pushPullInterval = .seconds(5)
    return s
}

/// Runs `count` hosts and SWIM services; node 0 is every other node's seed (when `join` is true), except the last
/// `loners` nodes, which never join (attackers, bystanders). `keyrings` overrides the keyring of some nodes. The services are
/// stopped (silently) and the hosts shut down when `body` returns or throws.
func withCluster<T: Sendable>(
    _ count: Int,
    settings: SWIM.Settings = testSettings(),
    keyring: SWIM.Keyring? = nil,
    join: Bool = true,
    loners: Int = 0,
    keyrings: [Int: SWIM.Keyring] = [:],
    _ body: @Sendable ([TestNode]) async throws -> T
) async throws -> T {
    var logger = Logger(label: "swim-test")
    logger.logLevel = .warning
    var nodes: [(host: P2PHost, identity: PrivateKey)] = []
    for _ in 0..<count {
        let identity = PrivateKey()
        var hostConfiguration = HostConfiguration(
            identity: identity,
            listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]
        )
        hostConfiguration.logger = logger
        let host = P2PHost(hostConfiguration)
        nodes.append((host, identity))
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for node in nodes { group.addTask { try await node.host.run() } }
        var configured: [TestNode] = []
        do {
            for node in nodes { try await node.host.waitUntilListening() }
            let seed = nodes[0].host.dialableAddresses[0]
            for (i, node) in nodes.enumerated() {
                var configuration = SWIMServiceConfiguration(settings: settings, keyring: keyrings[i] ?? keyring)
                if join, i > 0, i < count - loners { configuration.seeds = [seed] }
                configuration.metadata = Array("role=test;index=\(i)".utf8)
                configuration.rejoinInterval = .seconds(2)
                // Generous: the whole suite runs in parallel on a shared, loaded machine.
                configuration.pushPullTimeout = .seconds(30)
                let swim = SWIMService(
                    host: node.host,
                    identity: node.identity,
                    configuration: configuration,
                    logger: logger
                )
                configured.append(TestNode(host: node.host, swim: swim, identity: node.identity))
            }
            for node in configured { group.addTask { try await node.swim.run() } }
            for node in configured { try await node.swim.waitUntilBound() }
            let result = try await body(configured)
            for node in configured { node.swim.stop() }
            for node in configured { node.host.shutdown() }
            try await group.waitForAll()
            return result
        } catch {
            for node in configured { node.swim.stop() }
            for node in nodes { node.host.shutdown() }
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Waits until `condition` holds, checking every 50 ms, for at most `timeout`.
/// - Returns: whether it held in time.
func eventually(
    within timeout: Duration = .seconds(60),
    _ condition: @escaping @Sendable () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}

extension TestNode {
    /// This node's status of `other`, if known.
    func status(of other: TestNode) -> SWIM.Status? {
        swim.members.first { $0.peerID == other.peerID && $0.uid == other.swim.uid }?.status
    }

    /// How many other members this node sees alive.
    var aliveCount: Int { swim.members.filter { $0.status == .alive }.count }
}

/// Whether every node sees every other node alive.
func converged(_ nodes: [TestNode]) -> Bool {
    nodes.allSatisfy { node in nodes.allSatisfy { $0.peerID == node.peerID || node.status(of: $0) == .alive } }
}

/// The first event of `events` matching `predicate` within `timeout`, or nil.
func firstEvent(
    _ events: AsyncStream<MembershipEvent>,
    within timeout: Duration,
    where predicate: @escaping @Sendable (MembershipEvent) -> Bool
) async -> MembershipEvent? {
    await withTaskGroup(of: MembershipEvent?.self) { group in
        group.addTask {
            for await event in events where predicate(event) { return event }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
