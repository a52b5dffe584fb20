import ShoalCore
import ShoalKademlia
import Testing

@Suite("Routing table")
struct RoutingTableTests {
    /// Peers whose key falls in bucket `index` of `local`.
    static func peers(inBucket index: Int, of local: KadPeerID, count: Int, rng: inout SplitMix64) -> [KadPeerID] {
        var out: [KadPeerID] = []
        var attempts = 0
        while out.count < count && attempts < 1_000_000 {
            attempts += 1
            let id = randomPeerID(&rng)
            if min(id.kadKey.commonPrefixLength(with: local.kadKey), 255) == index { out.append(id) }
        }
        return out
    }

    @Test("clients and the local peer are not admitted; servers are, in the bucket of their prefix length")
    func admission() {
        var rng = SplitMix64(seed: 1)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local)
        let client = randomPeerID(&rng)
        #expect(table.peerSeen(client, isServer: false, now: .zero) == .rejectedNotServer)
        #expect(table.peerSeen(local, isServer: true, now: .zero) == .rejectedSelf)
        #expect(table.count == 0)
        let server = randomPeerID(&rng)
        #expect(table.peerSeen(server, addresses: [[1, 2]], isServer: true, now: .seconds(1)) == .added)
        #expect(table.peerSeen(server, isServer: true, now: .seconds(2)) == .updated)
        #expect(table.entry(for: server)?.addresses == [[1, 2]])
        #expect(table.entry(for: server)?.lastSeen == .seconds(2))
        #expect(table.bucketIndex(of: server.kadKey) == server.kadKey.commonPrefixLength(with: local.kadKey))
        // A server that turns out to be a client is removed.
        #expect(table.peerSeen(server, isServer: false, now: .seconds(3)) == .rejectedNotServer)
        #expect(!table.contains(server) && table.count == 0)
    }

    @Test("least recently seen order; a full bucket asks for a liveness check and keeps the oldest if alive")
    func fullBucketAliveOldest() {
        var rng = SplitMix64(seed: 2)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local)
        let members = Self.peers(inBucket: 0, of: local, count: 22, rng: &rng)
        for (index, id) in members.prefix(20).enumerated() {
            #expect(table.peerSeen(id, isServer: true, now: .seconds(Int64(index))) == .added)
        }
        // Seeing the first again moves it to the end: the second becomes the oldest.
        #expect(table.peerSeen(members[0], isServer: true, now: .seconds(100)) == .updated)
        #expect(table.peerSeen(members[20], isServer: true, now: .seconds(101)) == .checkLiveness(of: members[1]))
        #expect(table.pendingCandidate(forBucketOf: members[20].kadKey)?.id == members[20])
        // A second candidate while the check is outstanding replaces the pending one.
        #expect(table.peerSeen(members[21], isServer: true, now: .seconds(102)) == .pending)
        #expect(table.pendingCandidate(forBucketOf: members[21].kadKey)?.id == members[21])
        #expect(table.count == 20)
        // The oldest answers: it stays (now most recent) and the candidate is dropped.
        table.livenessCheckSucceeded(members[1], now: .seconds(103))
        #expect(table.contains(members[1]) && !table.contains(members[21]))
        #expect(table.pendingCandidate(forBucketOf: members[21].kadKey) == nil)
        #expect(table.entries.last?.id == members[1])
        #expect(table.bucketSizes == [20])
    }

    @Test("an unanswered liveness check blocks new checks only until its timeout")
    func livenessCheckTimeout() {
        var rng = SplitMix64(seed: 12)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(
            localID: local,
            configuration: .init(bucketSize: 2, livenessCheckTimeout: .seconds(30), minimumLivenessCheckInterval: .zero)
        )
        let members = Self.peers(inBucket: 0, of: local, count: 5, rng: &rng)
        table.peerSeen(members[0], isServer: true, now: .zero)
        table.peerSeen(members[1], isServer: true, now: .seconds(1))
        #expect(table.peerSeen(members[2], isServer: true, now: .seconds(10)) == .checkLiveness(of: members[0]))
        #expect(table.peerSeen(members[3], isServer: true, now: .seconds(39)) == .pending)
        // The shell never answered: after 30 s the next candidate asks again.
        #expect(table.peerSeen(members[4], isServer: true, now: .seconds(40)) == .checkLiveness(of: members[0]))
        #expect(table.pendingCandidate(forBucketOf: members[4].kadKey)?.id == members[4])
    }

    @Test("a failed liveness check replaces the oldest with the pending candidate")
    func fullBucketDeadOldest() {
        var rng = SplitMix64(seed: 3)
        let local = randomPeerID(&rng)
        // Without the rate limit: every candidate asks for a check once none is outstanding.
        var table = KadRoutingTable(localID: local, configuration: .init(minimumLivenessCheckInterval: .zero))
        let members = Self.peers(inBucket: 1, of: local, count: 21, rng: &rng)
        for id in members.prefix(20) { table.peerSeen(id, isServer: true, now: .zero) }
        #expect(table.peerSeen(members[20], isServer: true, now: .seconds(5)) == .checkLiveness(of: members[0]))
        #expect(table.livenessCheckFailed(members[0], now: .seconds(6)) == members[20])
        #expect(!table.contains(members[0]) && table.contains(members[20]) && table.count == 20)
        // The next candidate triggers a check of the new oldest.
        let more = Self.peers(inBucket: 1, of: local, count: 1, rng: &rng)
        #expect(table.peerSeen(more[0], isServer: true, now: .seconds(7)) == .checkLiveness(of: members[1]))
    }

    @Test("removing a failed peer frees its place (and promotes a pending candidate)")
    func removal() {
        var rng = SplitMix64(seed: 4)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(
            localID: local,
            configuration: .init(bucketSize: 2, minimumLivenessCheckInterval: .zero)
        )
        let members = Self.peers(inBucket: 0, of: local, count: 3, rng: &rng)
        table.peerSeen(members[0], isServer: true, now: .zero)
        table.peerSeen(members[1], isServer: true, now: .zero)
        #expect(table.peerSeen(members[2], isServer: true, now: .zero) == .checkLiveness(of: members[0]))
        #expect(table.remove(members[1]) == members[2])
        #expect(table.contains(members[0]) && table.contains(members[2]) && table.count == 2)
        #expect(table.remove(members[1]) == nil)
        #expect(table.remove(members[0]) == nil && table.count == 1)
    }

    @Test("closest(to:count:) equals brute force over the table's entries")
    func closestMatchesBruteForce() {
        var rng = SplitMix64(seed: 5)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local)
        for _ in 0..<3_000 { table.peerSeen(randomPeerID(&rng), isServer: true, now: .zero) }
        let all = table.entries
        #expect(all.count == table.count && table.count > 150)
        for _ in 0..<50 {
            let target = KadKey(hashing: rng.bytes(16))
            let expected = all.sorted { $0.id.kadKey.distance(to: target) < $1.id.kadKey.distance(to: target) }
            #expect(table.closest(to: target, count: 20).map(\.id) == expected.prefix(20).map(\.id))
            #expect(table.closest(to: target, count: 5).map(\.id) == expected.prefix(5).map(\.id))
            let excluded = expected[0].id
            #expect(!table.closest(to: target, count: 20, excluding: excluded).contains { $0.id == excluded })
        }
    }

    @Test("addresses are capped per peer")
    func addressCap() {
        var rng = SplitMix64(seed: 6)
        var table = KadRoutingTable(localID: randomPeerID(&rng), configuration: .init(maximumAddressesPerPeer: 2))
        let peer = randomPeerID(&rng)
        table.peerSeen(peer, addresses: [[1], [2], [3]], isServer: true, now: .zero)
        #expect(table.entry(for: peer)?.addresses == [[1], [2]])
    }

    @Test("refresh: buckets without a recent lookup are listed, with targets in their range")
    func refresh() {
        var rng = SplitMix64(seed: 8)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local, now: .seconds(0))
        for _ in 0..<500 { table.peerSeen(randomPeerID(&rng), isServer: true, now: .zero) }
        let deepest = table.bucketSizes.count - 1
        #expect(table.bucketsNeedingRefresh(now: .seconds(599)).isEmpty)
        let due = table.bucketsNeedingRefresh(now: .seconds(600))
        #expect(due == Array(0...min(deepest, 15)))
        let targets = table.refreshTargets(now: .seconds(600), using: &rng)
        #expect(targets.map(\.bucket) == due)
        for target in targets {
            #expect(target.kadKey == KadKey(hashing: target.keyBytes))
            #expect(table.bucketIndex(of: target.kadKey) == target.bucket)
            #expect((try? KadPeerID(bytes: target.keyBytes)) != nil)
        }
        // A lookup in bucket 0 at t = 600 s refreshes it until t = 1200 s.
        table.recordLookup(of: targets[0].kadKey, now: .seconds(600))
        #expect(!table.bucketsNeedingRefresh(now: .seconds(700)).contains(0))
        #expect(table.bucketsNeedingRefresh(now: .seconds(1_200)).contains(0))
    }

    @Test("refresh is capped at the configured deepest prefix length")
    func refreshCap() {
        var rng = SplitMix64(seed: 9)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local, configuration: .init(bucketSize: 2, maximumRefreshPrefixLength: 10))
        for index in [0, 3, 12] {
            for id in Self.peers(inBucket: index, of: local, count: 1, rng: &rng) {
                table.peerSeen(id, isServer: true, now: .zero)
            }
        }
        #expect(table.bucketSizes.count == 13)
        #expect(table.bucketsNeedingRefresh(now: .seconds(600)) == Array(0...10))
    }
}
