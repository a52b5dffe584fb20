import ShoalCore
import ShoalKademlia
import Testing

@Suite("Entry correction, republish schedule, silent peers")
struct MaintenanceTests {
    @Test("a peer seen at a new address replaces its stale addresses; the LRS entry stays while it answers")
    func staleAddressReplaced() {
        var rng = SplitMix64(seed: 91)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local)
        let peer = randomPeerID(&rng)
        #expect(
            table.peerSeen(peer, addresses: peerInfo(peer, address: 1).addresses, isServer: true, now: .zero) == .added
        )
        #expect(
            table.peerSeen(peer, addresses: peerInfo(peer, address: 2).addresses, isServer: true, now: .seconds(1))
                == .updated
        )
        #expect(table.entry(for: peer)?.addresses == peerInfo(peer, address: 2).addresses)
        #expect(table.count == 1)
    }

    @Test("an address that answers with another identity: the stale entry is replaced by the one that answered")
    func identityCorrection() {
        var rng = SplitMix64(seed: 92)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local)
        let stale = randomPeerID(&rng)
        let actual = randomPeerID(&rng)
        let address = peerInfo(stale, address: 7).addresses
        table.peerSeen(stale, addresses: address, isServer: true, now: .zero)
        let result = table.peerAnswered(
            as: actual,
            insteadOf: stale,
            addresses: address,
            isServer: true,
            now: .seconds(5)
        )
        #expect(result == .added)
        #expect(!table.contains(stale))
        #expect(table.entry(for: actual)?.addresses == address)
        #expect(table.entry(for: actual)?.lastSeen == .seconds(5))
        #expect(table.count == 1)
        // The same identity is just an update; a client that answers is removed, not admitted.
        #expect(
            table.peerAnswered(as: actual, insteadOf: actual, addresses: address, isServer: true, now: .seconds(6))
                == .updated
        )
        let client = randomPeerID(&rng)
        #expect(
            table.peerAnswered(as: client, insteadOf: actual, addresses: address, isServer: false, now: .seconds(7))
                == .rejectedNotServer
        )
        #expect(table.count == 0)
    }

    @Test("in a full bucket the corrected entry's place goes to the pending candidate, then the new identity waits")
    func identityCorrectionFullBucket() {
        var rng = SplitMix64(seed: 93)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local, configuration: .init(minimumLivenessCheckInterval: .zero))
        let members = RoutingTableTests.peers(inBucket: 0, of: local, count: 23, rng: &rng)
        for (index, id) in members.prefix(20).enumerated() {
            table.peerSeen(
                id,
                addresses: peerInfo(id, address: index).addresses,
                isServer: true,
                now: .seconds(Int64(index))
            )
        }
        // A candidate waits on a liveness check of the oldest (members[0]).
        #expect(
            table.peerSeen(
                members[20],
                addresses: peerInfo(members[20], address: 20).addresses,
                isServer: true,
                now: .seconds(30)
            ) == .checkLiveness(of: members[0])
        )
        // The address of members[5] now answers as members[21]: members[5] goes, the pending candidate takes its
        // place, and members[21] finds the bucket full: a new liveness check of the oldest.
        let address = peerInfo(members[5], address: 5).addresses
        let result = table.peerAnswered(
            as: members[21],
            insteadOf: members[5],
            addresses: address,
            isServer: true,
            now: .seconds(31)
        )
        #expect(!table.contains(members[5]))
        #expect(table.contains(members[20]))
        #expect(result == .checkLiveness(of: members[0]))
        #expect(table.count == 20)
        // The unresponsive oldest is evicted only now, when its check fails; the pending identity replaces it.
        #expect(table.contains(members[0]))
        #expect(table.livenessCheckFailed(members[0], now: .seconds(40)) == members[21])
        #expect(!table.contains(members[0]) && table.contains(members[21]))
    }

    @Test("liveness checks are rate-limited: none for a recently seen oldest entry, one per bucket per interval")
    func livenessCheckRateLimit() {
        var rng = SplitMix64(seed: 94)
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(
            localID: local,
            configuration: .init(bucketSize: 2, minimumLivenessCheckInterval: .seconds(30))
        )
        let members = RoutingTableTests.peers(inBucket: 0, of: local, count: 7, rng: &rng)
        table.peerSeen(members[0], isServer: true, now: .zero)
        table.peerSeen(members[1], isServer: true, now: .seconds(5))
        // The oldest was seen 20 s ago: no check, the candidate waits in the replacement slot.
        #expect(table.peerSeen(members[2], isServer: true, now: .seconds(20)) == .pending)
        #expect(table.pendingCandidate(forBucketOf: members[2].kadKey)?.id == members[2])
        // 30 s after it was last seen, the oldest is checked.
        #expect(table.peerSeen(members[3], isServer: true, now: .seconds(30)) == .checkLiveness(of: members[0]))
        table.livenessCheckSucceeded(members[0], now: .seconds(31))
        // members[1] (seen at 5 s) is now the oldest and stale, but the bucket checked less than 30 s ago.
        #expect(table.peerSeen(members[4], isServer: true, now: .seconds(59)) == .pending)
        #expect(table.peerSeen(members[5], isServer: true, now: .seconds(60)) == .checkLiveness(of: members[1]))
        // A removal promotes the pending candidate at once, rate limit or not.
        #expect(table.livenessCheckFailed(members[1], now: .seconds(61)) == members[5])
        #expect(table.contains(members[5]) && table.contains(members[0]) && table.count == 2)
        // The limit does not hold back admission to a bucket with room.
        #expect(table.remove(members[0]) == nil)
        #expect(table.peerSeen(members[6], isServer: true, now: .seconds(62)) == .added)
    }

    @Test("responder hygiene: listed entries unseen for the interval are checked once per interval; off by default")
    func verifyListedEntries() {
        var rng = SplitMix64(seed: 95)
        let local = randomPeerID(&rng)
        let members = RoutingTableTests.peers(inBucket: 0, of: local, count: 4, rng: &rng)
        var plain = KadRoutingTable(localID: local)
        for id in members.prefix(3) { plain.peerSeen(id, isServer: true, now: .zero) }
        #expect(plain.entriesToVerify(listed: members, now: .seconds(1000)).isEmpty)

        var table = KadRoutingTable(localID: local, configuration: .init(verifyListedAfter: .seconds(30)))
        table.peerSeen(members[0], isServer: true, now: .zero)
        table.peerSeen(members[1], isServer: true, now: .seconds(20))
        table.peerSeen(members[2], isServer: true, now: .seconds(25))
        // members[3] is not in the table; members[1] and [2] were seen less than 30 s ago.
        #expect(table.entriesToVerify(listed: members, now: .seconds(40)) == [members[0]])
        // Asked for already: not again within 30 s, even though still unseen.
        #expect(table.entriesToVerify(listed: members, now: .seconds(50)) == [members[1]])
        #expect(table.entriesToVerify(listed: [members[0]], now: .seconds(69)).isEmpty)
        #expect(table.entriesToVerify(listed: [members[0]], now: .seconds(70)) == [members[0]])
        // A successful check refreshes the entry; a failed one removes it.
        table.livenessCheckSucceeded(members[0], now: .seconds(71))
        #expect(table.entriesToVerify(listed: [members[0]], now: .seconds(90)).isEmpty)
        #expect(table.livenessCheckFailed(members[1], now: .seconds(91)) == nil)
        #expect(!table.contains(members[1]))
        #expect(table.entriesToVerify(listed: [members[1]], now: .seconds(200)).isEmpty)
        #expect(
            table.entriesToVerify(listed: [members[0], members[2]], now: .seconds(200)) == [members[0], members[2]]
        )
    }

    @Test("republish schedule: a key falls due 22 h after its last announcement, in announcement order")
    func republishSchedule() {
        var schedule = KadProviderRepublisher()
        let hour = Duration.seconds(3600)
        #expect(schedule.due(now: .zero).isEmpty && schedule.nextDue == nil)
        schedule.announced([1], now: .zero)
        schedule.announced([2], now: hour)
        #expect(schedule.count == 2 && schedule.contains([1]))
        #expect(schedule.nextDue == hour * 22)
        #expect(schedule.due(now: hour * 22 - .seconds(1)).isEmpty)
        #expect(schedule.due(now: hour * 22) == [[1]])
        #expect(schedule.due(now: hour * 30) == [[1], [2]])
        // Re-announcing resets the clock.
        schedule.announced([1], now: hour * 22)
        #expect(schedule.due(now: hour * 30) == [[2]])
        #expect(schedule.nextDue == hour * 23)
        schedule.remove([2])
        #expect(schedule.due(now: hour * 100) == [[1]])
    }

    @Test("republish schedule is bounded: new keys beyond the cap are refused, known keys still refresh")
    func republishCap() {
        var schedule = KadProviderRepublisher(interval: .seconds(10), maximumKeys: 2)
        let first = schedule.announced([1], now: .zero)
        let second = schedule.announced([2], now: .zero)
        let third = schedule.announced([3], now: .zero)
        let again = schedule.announced([1], now: .seconds(5))
        #expect(first && second && !third && again)
        #expect(schedule.count == 2 && !schedule.contains([3]))
        #expect(schedule.due(now: .seconds(10)) == [[2]])
    }

    @Test("peers that never answer: the lookup ends at the first deadline with nothing, not later")
    func silentPeers() {
        var rng = SplitMix64(seed: 94)
        let target = KadKey(hashing: [9])
        let seeds = (0..<20).map { _ in peerInfo(randomPeerID(&rng)) }
        var lookup = KadLookup(target: target, seeds: seeds, configuration: .init(requestTimeout: .seconds(10)))
        let first = lookup.start(now: .zero)
        #expect(first.count == KadConstants.alpha)
        #expect(lookup.nextDeadline == .seconds(10))
        // Every round of α silent peers costs one deadline; 20 seeds make two rounds.
        var now = Duration.zero
        var finished: KadLookupResult?
        for _ in 0..<10 where finished == nil {
            guard let deadline = lookup.nextDeadline else { break }
            now = deadline
            for action in lookup.tick(now: now) {
                if case .finished(let result) = action { finished = result }
            }
        }
        #expect(finished?.closest == [])
        #expect(finished?.statistics.timeouts == 20)
        #expect(now == .seconds(20))
    }

    @Test("refresh targets for every bucket 0...16 land in their bucket (table for 0...15, search for 16)")
    func refreshTargetsEveryBucket() {
        var rng = SplitMix64(seed: 95)
        for _ in 0..<3 {
            let local = randomPeerID(&rng)
            var table = KadRoutingTable(
                localID: local,
                configuration: .init(bucketSize: 2, maximumRefreshPrefixLength: 16)
            )
            for id in RoutingTableTests.peers(inBucket: 16, of: local, count: 1, rng: &rng) {
                table.peerSeen(id, isServer: true, now: .zero)
            }
            #expect(table.bucketSizes.count == 17)
            let targets = table.refreshTargets(now: .seconds(600), using: &rng)
            #expect(targets.map(\.bucket) == Array(0...16))
            for target in targets {
                #expect(target.kadKey == KadKey(hashing: target.keyBytes))
                #expect(table.bucketIndex(of: target.kadKey) == target.bucket)
                #expect((try? KadPeerID(bytes: target.keyBytes)) != nil)
            }
            // Shallow buckets get varied targets.
            let again = table.refreshTargets(now: .seconds(600), using: &rng)
            #expect(again[0].keyBytes != targets[0].keyBytes || again[1].keyBytes != targets[1].keyBytes)
        }
    }
}

@Suite("Lookup retries")
struct LookupRetryTests {
    @Test("with two attempts a peer whose request was lost is asked again and ends among the closest")
    func retryAfterLoss() {
        var rng = SplitMix64(seed: 96)
        let target = KadKey(hashing: [10])
        let peers = LookupTests.sortedPeers(4, target: target, rng: &rng)
        var lookup = KadLookup(
            target: target,
            seeds: peers,
            configuration: .init(resultCount: 2, parallelism: 2, requestTimeout: .seconds(10), maximumAttempts: 2)
        )
        #expect(LookupTests.requests(lookup.start(now: .zero)).map(\.id) == [peers[0].id, peers[1].id])
        _ = lookup.receivedResponse(from: peers[1].id, closerPeers: [], now: .seconds(1))
        // peers[0]'s request was lost: at its deadline it is asked again (not peers[2]).
        #expect(LookupTests.requests(lookup.tick(now: .seconds(10))).map(\.id) == [peers[0].id])
        #expect(lookup.statistics.timeouts == 1 && lookup.statistics.requestsSent == 3)
        let result = LookupTests.finished(
            lookup.receivedResponse(from: peers[0].id, closerPeers: [], now: .seconds(11))
        )
        #expect(result?.closest.map(\.id) == [peers[0].id, peers[1].id])
    }

    @Test("a silent peer is dropped after its last attempt; explicit failures are never retried")
    func retriesAreBounded() {
        var rng = SplitMix64(seed: 97)
        let target = KadKey(hashing: [11])
        let peers = LookupTests.sortedPeers(4, target: target, rng: &rng)
        var lookup = KadLookup(
            target: target,
            seeds: peers,
            configuration: .init(resultCount: 2, parallelism: 2, requestTimeout: .seconds(10), maximumAttempts: 3)
        )
        _ = lookup.start(now: .zero)
        // peers[1] fails explicitly: replaced by peers[2] at once.
        #expect(LookupTests.requests(lookup.requestFailed(peers[1].id, now: .zero)).map(\.id) == [peers[2].id])
        _ = lookup.receivedResponse(from: peers[2].id, closerPeers: [], now: .seconds(1))
        // peers[0] never answers: asked three times in all, then peers[3] takes its place.
        #expect(LookupTests.requests(lookup.tick(now: .seconds(10))).map(\.id) == [peers[0].id])
        #expect(LookupTests.requests(lookup.tick(now: .seconds(20))).map(\.id) == [peers[0].id])
        #expect(LookupTests.requests(lookup.tick(now: .seconds(30))).map(\.id) == [peers[3].id])
        let result = LookupTests.finished(
            lookup.receivedResponse(from: peers[3].id, closerPeers: [], now: .seconds(31))
        )
        #expect(result?.closest.map(\.id) == [peers[2].id, peers[3].id])
        #expect(result?.statistics.timeouts == 3 && result?.statistics.failures == 1)
    }
}
