import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalMembership
import ShoalSWIM
import Testing

@Suite("SWIMService under bad input and blocked UDP")
struct MembershipFaultTests {
    static let clusterKey = SecureBytes([UInt8](repeating: 0x42, count: 32))

    @Test("garbage, wrong keys, replays, oversized datagrams and a flood are dropped and counted")
    func badDatagrams() async throws {
        let ring = try SWIM.Keyring(primary: Self.clusterKey, id: 1)
        // Node 3 never joins: it is the attacker's socket (its own source address).
        try await withCluster(4, keyring: ring, loners: 1) { nodes in
            let cluster = Array(nodes.prefix(3))
            let attacker = nodes[3]
            let ready1 = await eventually { converged(cluster) }
            #expect(ready1)
            let target = cluster[1]
            let port = try #require(target.swim.port)
            let before = target.swim.statistics

            // Garbage and truncated datagrams.
            attacker.swim._sendRaw(Array("hello, swim".utf8), toPort: port)
            attacker.swim._sendRaw([0xA1, 0x01, 0x00], toPort: port)
            // Sealed with a different cluster key.
            let otherRing = try SWIM.Keyring(primary: SecureBytes([UInt8](repeating: 7, count: 32)), id: 1)
            let stranger = Ed25519.PrivateKey()
            var wrongKey = SWIM.PacketSecurity(mode: .clusterKeys(otherRing), key: stranger, uid: 9)
            let strangerNode = SWIM.NodeID(publicKey: stranger.publicKey, uid: 9)
            attacker.swim._sendRaw(
                try wrongKey.seal(SWIM.Packet(sender: strangerNode, messages: [.ack(sequence: 1)])),
                toPort: port
            )
            // Signed instead of sealed.
            var signed = SWIM.PacketSecurity(mode: .signed, key: stranger, uid: 9)
            attacker.swim._sendRaw(
                try signed.seal(SWIM.Packet(sender: strangerNode, messages: [.ack(sequence: 2)])),
                toPort: port
            )
            // A correctly sealed datagram, replayed.
            var insider = SWIM.PacketSecurity(mode: .clusterKeys(ring), key: stranger, uid: 9)
            let sealed = try insider.seal(SWIM.Packet(sender: strangerNode, messages: [.ack(sequence: 3)]))
            attacker.swim._sendRaw(sealed, toPort: port)
            attacker.swim._sendRaw(sealed, toPort: port)
            // Oversized.
            attacker.swim._sendRaw([UInt8](repeating: 0xA1, count: 1500), toPort: port)

            let counted = await eventually(within: .seconds(10)) {
                let s = target.swim.statistics
                return s.security.authenticationFailures - before.security.authenticationFailures >= 4
                    && s.security.replays - before.security.replays >= 1 && s.oversized - before.oversized >= 1
                    && s.security.accepted > before.security.accepted
            }
            #expect(counted)

            // A flood from one address: the rate cap drops most of it.
            // Waves of 50 (a socket buffer holds a few hundred small datagrams), up to about 5,000 per second:
            // far above the cap of 200 per second with a burst of 400. The flood lasts until the target has read
            // enough of it to rate-limit (on a starved machine its reader sees only part of what the kernel
            // keeps), at most 10 s.
            let clock = ContinuousClock()
            let floodEnds = clock.now.advanced(by: .seconds(10))
            var wave = 0
            while target.swim.statistics.rateLimited == 0, clock.now < floodEnds {
                for i in 0..<50 { attacker.swim._sendRaw([UInt8(truncatingIfNeeded: wave &+ i)], toPort: port) }
                wave += 1
                try await Task.sleep(for: .milliseconds(10))
            }
            let ready2 = await eventually(within: .seconds(5)) { target.swim.statistics.rateLimited > 0 }
            #expect(ready2, "\(wave) waves of 50 sent")
            let after = target.swim.statistics
            #expect(after.datagramsDropped > before.datagramsDropped + 6)
            // The stranger was never applied as a member, and the cluster keeps working.
            #expect(!target.swim.members.contains { $0.uid == 9 })
            try await Task.sleep(for: .seconds(2))
            #expect(converged(cluster))
            #expect(cluster.allSatisfy { $0.swim.members.allSatisfy { $0.status != .dead } })
        }
    }

    @Test("fallback ping over a host stream keeps a member alive when UDP to it is blocked")
    func fallbackPing() async throws {
        try await withCluster(3, settings: Self.blockedSettings(fallback: true)) { nodes in
            let ready3 = await eventually { converged(nodes) }
            #expect(ready3)
            let events = [nodes[0].swim.events(), nodes[1].swim.events()]
            try block(nodes, isolating: 2)
            // Until both observers have had probes answered over streams (at least two protocol periods each)...
            let answered = await eventually(within: .seconds(60)) {
                nodes.prefix(2).allSatisfy { $0.swim.statistics.protocolCounters.streamFallbackAcks >= 2 }
            }
            let stats = nodes[0].swim.statistics
            #expect(
                answered,
                "sent \(stats.streamPingsSent), answered \(stats.streamPingsAnswered), dropped \(stats.streamJobsDropped)"
            )
            #expect(stats.filtered > 0)
            // ...neither declared the blocked member dead (both subscribers buffered the whole period).
            let victim = nodes[2].peerID
            for stream in events {
                let death = await firstEvent(stream, within: .milliseconds(200)) {
                    $0.member.peerID == victim && $0.kind == .dead
                }
                #expect(death == nil)
            }
        }
    }

    /// Slow enough periods that a starved machine (the whole suite in parallel) still answers streams in time.
    static func blockedSettings(fallback: Bool) -> SWIM.Settings {
        var settings = testSettings()
        settings.probeInterval = .seconds(2)
        settings.probeTimeout = .milliseconds(500)
        // Suspicion lasts 16 s: time for a late stream answer's push-pull to carry the refutation back.
        settings.suspicionMult = 8
        settings.streamFallbackPing = fallback
        return settings
    }

    @Test("without the fallback ping the same blocked member is declared dead (the contrast)")
    func noFallbackPing() async throws {
        var settings = Self.blockedSettings(fallback: false)
        // Without Lifeguard the periods do not stretch on a starved machine, so the death comes in bounded time.
        settings.lifeguard = false
        settings.suspicionMult = 4
        try await withCluster(3, settings: settings) { nodes in
            let ready4 = await eventually { converged(nodes) }
            #expect(ready4)
            let events = [nodes[0].swim.events(), nodes[1].swim.events()]
            try block(nodes, isolating: 2)
            let victim = nodes[2].peerID
            for stream in events {
                let death = await firstEvent(stream, within: .seconds(90)) {
                    $0.member.peerID == victim && $0.kind == .dead
                }
                #expect(death != nil)
            }
        }
    }
}

/// Drops every datagram between node `isolated` and the others, in both directions, on every node.
func block(_ nodes: [TestNode], isolating isolated: Int) throws {
    let blocked = try #require(nodes[isolated].swim.port)
    for (i, node) in nodes.enumerated() where i != isolated {
        node.swim._setDatagramFilter { port, _ in port == blocked }
    }
    nodes[isolated].swim._setDatagramFilter { _, _ in true }
}

@Suite("SWIMService cluster keys")
struct MembershipKeyTests {
    @Test("a node with another cluster key cannot join: its push-pull proof is refused and no datagram opens")
    func wrongClusterKey() async throws {
        let ring = try SWIM.Keyring(primary: SecureBytes([UInt8](repeating: 1, count: 32)), id: 0)
        let other = try SWIM.Keyring(primary: SecureBytes([UInt8](repeating: 2, count: 32)), id: 0)
        try await withCluster(3, keyring: ring, keyrings: [2: other]) { nodes in
            let members = Array(nodes.prefix(2))
            let joined = await eventually { converged(members) }
            #expect(joined)
            let refused = await eventually(within: .seconds(20)) { nodes[0].swim.statistics.pushPullsRefused >= 1 }
            #expect(refused)
            try await Task.sleep(for: .seconds(1))
            #expect(nodes[2].swim.members.isEmpty)
            #expect(!nodes[0].swim.members.contains { $0.peerID == nodes[2].peerID })
            #expect(!nodes[1].swim.members.contains { $0.peerID == nodes[2].peerID })
            let failed = await eventually(within: .seconds(20)) { nodes[2].swim.statistics.pushPullsFailed >= 1 }
            #expect(failed)
        }
    }

    @Test("key files: the first key seals, later keys open; bad lines are named")
    func keyFiles() throws {
        let a = String(repeating: "ab", count: 32)
        let b = String(repeating: "CD", count: 32)
        let ring = try ClusterKeyFile.parse("# cluster keys\n\(a)\n\n\(b)\n")
        #expect(ring.primaryID == 0)
        #expect(ring.keyIDs == [0, 1])
        #expect(ClusterKeyFile.generateLine().count == 64)
        #expect(throws: ShoalError.self) { try ClusterKeyFile.parse("# nothing\n") }
        do {
            _ = try ClusterKeyFile.parse("\(a)\nnot-hex\n", name: "k")
            Issue.record("a bad line was accepted")
        } catch let error as ShoalError {
            #expect(error.message.hasPrefix("k:2:"))
        }
        #expect(throws: ShoalError.self) { try ClusterKeyFile.parse(String(repeating: "a", count: 62)) }
    }
}
