import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalMembership
import ShoalMultiformats
import ShoalSWIM
import Testing

@Suite("SWIMService clusters on 127.0.0.1")
struct MembershipClusterTests {
    @Test("four services converge through one seed, with metadata and addresses")
    func converge() async throws {
        try await withCluster(4) { nodes in
            let ok = await eventually { converged(nodes) }
            #expect(ok)
            let member = try #require(nodes[1].swim.members.first { $0.peerID == nodes[3].peerID })
            #expect(String(decoding: member.metadata, as: UTF8.self) == "role=test;index=3")
            #expect(member.udpAddress?.udpPort == UInt16(try #require(nodes[3].swim.port)))
            #expect(member.hostAddress?.peerIDBytes == nodes[3].peerID.bytes)
            #expect(nodes[0].swim.statistics.pushPullsServed >= 3)
        }
    }

    @Test("a stopped service is declared dead by every other member")
    func crashDetected() async throws {
        try await withCluster(4) { nodes in
            let ready1 = await eventually { converged(nodes) }
            #expect(ready1)
            let events = nodes[0].swim.events()
            let victim = nodes[3]
            victim.swim.stop()
            victim.host.shutdown()
            let dead = await eventually(within: .seconds(40)) {
                nodes.prefix(3).allSatisfy { $0.status(of: victim) == .dead }
            }
            #expect(dead)
            let victimID = victim.peerID
            let event = await firstEvent(events, within: .seconds(5)) {
                $0.member.peerID == victimID && $0.kind == .dead
            }
            #expect(event?.member.status == .dead)
            // The survivors still see each other alive (a suspicion on a starved machine is refuted in time).
            let survivors = Array(nodes.prefix(3))
            let healthy = await eventually { converged(survivors) }
            #expect(healthy)
        }
    }

    @Test("a graceful leave is recorded as left, not dead")
    func gracefulLeave() async throws {
        try await withCluster(3) { nodes in
            let ready2 = await eventually { converged(nodes) }
            #expect(ready2)
            let leaver = nodes[2]
            let clock = ContinuousClock()
            let elapsed = await clock.measure { await leaver.swim.leave() }
            // Bounded by leaveTimeout (3 s) + 2 s inside leave(); the margin is for a starved machine.
            #expect(elapsed < .seconds(30))
            let left = await eventually(within: .seconds(20)) {
                nodes.prefix(2).allSatisfy { $0.status(of: leaver) == .left }
            }
            #expect(left)
        }
    }

    @Test("metadata updates reach the other members")
    func metadataUpdate() async throws {
        try await withCluster(3) { nodes in
            let ready3 = await eventually { converged(nodes) }
            #expect(ready3)
            let events = nodes[0].swim.events()
            try nodes[2].swim.updateMetadata(Array("role=storage;region=eu".utf8))
            let seen = await eventually {
                nodes.prefix(2).allSatisfy { node in
                    node.swim.members.first { $0.peerID == nodes[2].peerID }?.metadata
                        == Array("role=storage;region=eu".utf8)
                }
            }
            #expect(seen)
            let changed = nodes[2].peerID
            let event = await firstEvent(events, within: .seconds(5)) { $0.member.peerID == changed }
            #expect(event?.kind == .metadataChanged)
            #expect(throws: ShoalError.self) { try nodes[0].swim.updateMetadata([UInt8](repeating: 1, count: 513)) }
        }
    }

    @Test("push-pull over the host stream joins even when every datagram is dropped")
    func pushPullOverStream() async throws {
        try await withCluster(2, join: false) { nodes in
            let blockAll: @Sendable (Int, Bool) -> Bool = { _, _ in true }
            nodes[0].swim._setDatagramFilter(blockAll)
            nodes[1].swim._setDatagramFilter(blockAll)
            #expect(nodes[0].swim.members.isEmpty)
            // A service built for the join: node 1's seed is node 0's host address.
            try await joinOnce(nodes[1], seed: nodes[0])
            // Both learned each other from the one exchange (statuses may move on: their UDP is blocked).
            #expect(nodes[1].status(of: nodes[0]) != nil)
            #expect(nodes[0].status(of: nodes[1]) != nil)
            #expect(nodes[0].swim.statistics.pushPullsServed == 1)
            #expect(nodes[1].swim.statistics.pushPullsCompleted == 1)
            #expect(nodes[1].swim.statistics.datagramsAccepted == 0)
        }
    }
}

/// Runs a push-pull join of `node` with `seed` through the package test hook.
func joinOnce(_ node: TestNode, seed: TestNode) async throws {
    try await node.swim._pushPull(with: seed.seedAddress)
}
