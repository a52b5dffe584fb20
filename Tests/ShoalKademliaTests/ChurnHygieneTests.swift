import ShoalCore
import ShoalKademlia
import Testing

@Suite("Suspects, definitive failures, hygiene scope, replies of peers believed live")
struct ChurnHygieneTests {
    // MARK: - Routing table

    @Test("a started liveness check makes a suspect until it is answered, the peer is seen, or it times out")
    func suspects() {
        var rng = SplitMix64(seed: 201)
        let local = randomPeerID(&rng)
        let members = RoutingTableTests.peers(inBucket: 0, of: local, count: 4, rng: &rng)
        var table = KadRoutingTable(localID: local, configuration: .init(livenessCheckTimeout: .seconds(30)))
        for id in members.prefix(3) { table.peerSeen(id, isServer: true, now: .zero) }
        // Not in the table: nothing to suspect.
        table.livenessCheckStarted(members[3], now: .seconds(1))
        #expect(!table.isSuspect(members[3], now: .seconds(1)))

        table.livenessCheckStarted(members[0], now: .seconds(1))
        table.livenessCheckStarted(members[1], now: .seconds(1))
        table.livenessCheckStarted(members[2], now: .seconds(1))
        #expect(table.isSuspect(members[0], now: .seconds(2)))
        // Answered: cleared.
        table.livenessCheckSucceeded(members[0], now: .seconds(3))
        #expect(!table.isSuspect(members[0], now: .seconds(3)))
        // Seen (it sent us something): cleared.
        #expect(table.peerSeen(members[1], isServer: true, now: .seconds(4)) == .updated)
        #expect(!table.isSuspect(members[1], now: .seconds(4)))
        // No outcome reported: the mark lapses after the check timeout.
        #expect(table.isSuspect(members[2], now: .seconds(30)))
        #expect(!table.isSuspect(members[2], now: .seconds(31)))
        // Removed: cleared, and not suspect when it comes back.
        table.livenessCheckStarted(members[2], now: .seconds(40))
        #expect(table.livenessCheckFailed(members[2], now: .seconds(41)) == nil)
        table.peerSeen(members[2], isServer: true, now: .seconds(42))
        #expect(!table.isSuspect(members[2], now: .seconds(42)))
    }

    @Test("the oldest entry of a full bucket under a liveness check is a suspect")
    func fullBucketCheckSuspect() {
        var rng = SplitMix64(seed: 202)
        let local = randomPeerID(&rng)
        let members = RoutingTableTests.peers(inBucket: 0, of: local, count: 3, rng: &rng)
        var table = KadRoutingTable(
            localID: local,
            configuration: .init(bucketSize: 2, minimumLivenessCheckInterval: .zero)
        )
        table.peerSeen(members[0], isServer: true, now: .zero)
        table.peerSeen(members[1], isServer: true, now: .seconds(1))
        #expect(table.peerSeen(members[2], isServer: true, now: .seconds(2)) == .checkLiveness(of: members[0]))
        #expect(table.isSuspect(members[0], now: .seconds(2)))
        #expect(!table.isSuspect(members[1], now: .seconds(2)))
    }

    @Test("a definitive failure removes the peer at once and promotes the bucket's pending candidate")
    func unreachable() {
        var rng = SplitMix64(seed: 203)
        let local = randomPeerID(&rng)
        let members = RoutingTableTests.peers(inBucket: 0, of: local, count: 3, rng: &rng)
        var table = KadRoutingTable(localID: local, configuration: .init(bucketSize: 2))
        table.peerSeen(members[0], isServer: true, now: .zero)
        table.peerSeen(members[1], isServer: true, now: .zero)
        // Full bucket: the third waits as the pending candidate (the oldest was seen too recently to check).
        #expect(table.peerSeen(members[2], isServer: true, now: .seconds(1)) == .pending)
        #expect(table.peerUnreachable(members[1]) == members[2])
        #expect(!table.contains(members[1]) && table.contains(members[2]) && table.count == 2)
        // Unknown peer: nothing happens.
        #expect(table.peerUnreachable(randomPeerID(&rng)) == nil)
        #expect(table.count == 2)
    }

    @Test("hygiene in the neighbourhood scope skips full buckets; everywhere checks them; both mark suspects")
    func verifyScope() {
        var rng = SplitMix64(seed: 204)
        let local = randomPeerID(&rng)
        let far = RoutingTableTests.peers(inBucket: 0, of: local, count: 2, rng: &rng)
        let near = RoutingTableTests.peers(inBucket: 1, of: local, count: 1, rng: &rng)
        func table(_ scope: KadVerifyScope) -> KadRoutingTable {
            var table = KadRoutingTable(
                localID: local,
                configuration: .init(bucketSize: 2, verifyListedAfter: .seconds(30), verifyScope: scope)
            )
            for id in far + near { table.peerSeen(id, isServer: true, now: .zero) }
            return table
        }
        var neighbourhood = table(.neighbourhood)
        #expect(neighbourhood.entriesToVerify(listed: far + near, now: .seconds(60)) == near)
        #expect(neighbourhood.isSuspect(near[0], now: .seconds(60)))
        #expect(!neighbourhood.isSuspect(far[0], now: .seconds(60)))
        var everywhere = table(.everywhere)
        #expect(everywhere.entriesToVerify(listed: far + near, now: .seconds(60)) == far + near)
        #expect(everywhere.isSuspect(far[1], now: .seconds(60)))
    }

    // MARK: - Replies

    /// A server whose table holds `peers` random peers with addresses, all seen at time zero.
    static func server(
        peers: Int,
        configuration: KadServer.Configuration,
        tableConfiguration: KadRoutingTable.Configuration = .init(),
        rng: inout SplitMix64
    ) -> (KadServer, [KadPeerID]) {
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local, configuration: tableConfiguration)
        var ids: [KadPeerID] = []
        for index in 0..<peers {
            let id = randomPeerID(&rng)
            ids.append(id)
            table.peerSeen(id, addresses: peerInfo(id, address: index + 1).addresses, isServer: true, now: .zero)
        }
        return (KadServer(routingTable: table, configuration: configuration), ids)
    }

    static func byDistance(_ ids: [KadPeerID], to target: KadKey) -> [KadPeerID] {
        ids.sorted { $0.kadKey.distance(to: target) < $1.kadKey.distance(to: target) }
    }

    @Test("a reply lists k peers believed live first, then the doubtful ones among the closer entries, capped")
    func doubtfulListedAfter() throws {
        var rng = SplitMix64(seed: 205)
        var (server, _) = Self.server(
            peers: 200,
            configuration: .init(closerPeerCount: 5, maximumCloserPeers: 8, doubtfulAfter: .seconds(30)),
            rng: &rng
        )
        let target = randomPeerID(&rng)
        let ranked = Self.byDistance(server.routingTable.entries.map(\.id), to: target.kadKey)
        let requester = randomPeerID(&rng)
        // At 20 s every entry counts as live: the plain 5 closest.
        let early = try #require(
            try server.handle(KadMessage(type: .findNode, key: target.bytes), from: requester, now: .seconds(20))
        )
        #expect(early.closerPeers.map(\.id) == Array(ranked.prefix(5)))
        // At 60 s: only ranks 1 and 3 were heard from in the last 30 s.
        for id in [ranked[1], ranked[3]] { server.routingTable.peerSeen(id, isServer: true, now: .seconds(50)) }
        let late = try #require(
            try server.handle(KadMessage(type: .findNode, key: target.bytes), from: requester, now: .seconds(60))
        )
        // Believed live: ranks 1 and 3 only; the rest are doubtful, so the reply grows to the cap of 8: the two
        // believed live first, then the six closest doubtful ones.
        #expect(late.closerPeers.map(\.id) == [ranked[1], ranked[3], ranked[0], ranked[2]] + ranked[4..<8])
    }

    @Test("suspects do not count towards k; replies capped at k are the plain k closest")
    func suspectsAndPlainReplies() throws {
        var rng = SplitMix64(seed: 206)
        var (server, _) = Self.server(
            peers: 100,
            configuration: .init(closerPeerCount: 4, maximumCloserPeers: 6, doubtfulAfter: nil),
            rng: &rng
        )
        let target = randomPeerID(&rng)
        let ranked = Self.byDistance(server.routingTable.entries.map(\.id), to: target.kadKey)
        let requester = randomPeerID(&rng)
        server.routingTable.livenessCheckStarted(ranked[0], now: .seconds(1))
        server.routingTable.livenessCheckStarted(ranked[2], now: .seconds(1))
        let request = KadMessage(type: .getProviders, key: target.bytes)
        let reply = try #require(try server.handle(request, from: requester, now: .seconds(2)))
        #expect(reply.closerPeers.map(\.id) == [ranked[1], ranked[3], ranked[4], ranked[5], ranked[0], ranked[2]])
        // Without room for more (cap == k), the k closest as they are.
        server.configuration.maximumCloserPeers = 4
        let plain = try #require(try server.handle(request, from: requester, now: .seconds(2)))
        #expect(plain.closerPeers.map(\.id) == Array(ranked.prefix(4)))
    }

    @Test("respond returns the entries hygiene picked; they are listed as doubtful; handle gives the same message")
    func respondWithHygiene() throws {
        var rng = SplitMix64(seed: 207)
        var (server, _) = Self.server(
            peers: 30,
            configuration: .init(closerPeerCount: 3, maximumCloserPeers: 6, doubtfulAfter: nil),
            tableConfiguration: .init(verifyListedAfter: .seconds(30), verifyScope: .everywhere),
            rng: &rng
        )
        let target = randomPeerID(&rng)
        let ranked = Self.byDistance(server.routingTable.entries.map(\.id), to: target.kadKey)
        let requester = randomPeerID(&rng)
        // Ranks 0 and 1 were heard from recently; the others are checked when listed.
        for id in ranked.prefix(2) { server.routingTable.peerSeen(id, isServer: true, now: .seconds(40)) }
        let request = KadMessage(type: .findNode, key: target.bytes)
        let response = try server.respond(to: request, from: requester, now: .seconds(45))
        #expect(response.entriesToVerify == Array(ranked[2..<6]))
        let message = try #require(response.message)
        #expect(message.closerPeers.map(\.id) == Array(ranked[0..<2]) + Array(ranked[2..<6]))
        // Asked for already: not again within 30 s, but still suspects, so the same reply.
        let again = try server.respond(to: request, from: requester, now: .seconds(46))
        #expect(again.entriesToVerify.isEmpty)
        #expect(try server.handle(request, from: requester, now: .seconds(46)) == message)
        // Bad input is still a typed error.
        #expect(throws: ShoalError.self) {
            try server.respond(to: KadMessage(type: .findNode, key: []), from: requester, now: .seconds(47))
        }
    }
}
