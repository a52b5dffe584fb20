import ShoalCore
import ShoalKademlia
import Testing

@Suite("Iterative lookup")
struct LookupTests {
    // MARK: - Scripted scenarios

    /// Peers sorted by distance to `target`.
    static func sortedPeers(_ count: Int, target: KadKey, rng: inout SplitMix64) -> [KadPeerInfo] {
        (0..<count).map { peerInfo(randomPeerID(&rng), address: $0) }
            .sorted { $0.id.kadKey.distance(to: target) < $1.id.kadKey.distance(to: target) }
    }

    static func requests(_ actions: [KadLookup.Action]) -> [KadPeerInfo] {
        actions.compactMap { if case .sendRequest(let peer, _) = $0 { peer } else { nil } }
    }

    static func finished(_ actions: [KadLookup.Action]) -> KadLookupResult? {
        actions.lazy.compactMap { if case .finished(let result) = $0 { result } else { nil } }.first
    }

    @Test("α requests in flight, closest first; finished when the k closest answered")
    func basicFlow() {
        var rng = SplitMix64(seed: 31)
        let target = KadKey(hashing: [1])
        let peers = Self.sortedPeers(30, target: target, rng: &rng)
        var lookup = KadLookup(
            target: target,
            seeds: Array(peers.shuffled(using: &rng)),
            configuration: .init(resultCount: 5, parallelism: 3)
        )
        var sent = Self.requests(lookup.start(now: .zero))
        #expect(sent.map(\.id) == peers.prefix(3).map(\.id))
        #expect(lookup.nextDeadline == KadConstants.requestTimeout)
        var answered: [KadPeerID] = []
        var result: KadLookupResult?
        for _ in 0..<100 where result == nil && !sent.isEmpty {
            let peer = sent.removeFirst()
            answered.append(peer.id)
            let actions = lookup.receivedResponse(from: peer.id, closerPeers: [], now: .seconds(1))
            sent += Self.requests(actions)
            result = Self.finished(actions)
        }
        #expect(result?.closest.map(\.id) == peers.prefix(5).map(\.id))
        #expect(result?.statistics.requestsSent == 5)
        #expect(Set(answered) == Set(peers.prefix(5).map(\.id)))
        #expect(lookup.isFinished)
    }

    @Test("closer peers from replies are queried; hops count the chain")
    func closerPeersFollowed() {
        var rng = SplitMix64(seed: 32)
        let target = KadKey(hashing: [2])
        let peers = Self.sortedPeers(12, target: target, rng: &rng)
        // Seed with the farthest 4; each reply reveals the next closer ones.
        var lookup = KadLookup(
            target: target,
            seeds: Array(peers.suffix(4)),
            configuration: .init(resultCount: 3, parallelism: 1)
        )
        var actions = lookup.start(now: .zero)
        var steps = 0
        while let peer = Self.requests(actions).first, steps < 50 {
            steps += 1
            let position = peers.firstIndex(of: peer)!
            let closer = position >= 2 ? [peers[position - 1], peers[position - 2]] : []
            actions = lookup.receivedResponse(from: peer.id, closerPeers: closer, now: .zero)
        }
        let result = Self.finished(actions)
        #expect(result?.closest.map(\.id) == peers.prefix(3).map(\.id))
        #expect((result?.statistics.hops ?? 0) >= 4)
    }

    @Test("a timed-out peer is dropped for good and the lookup still ends")
    func timeouts() {
        var rng = SplitMix64(seed: 33)
        let target = KadKey(hashing: [3])
        let peers = Self.sortedPeers(6, target: target, rng: &rng)
        var lookup = KadLookup(
            target: target,
            seeds: peers,
            configuration: .init(resultCount: 3, parallelism: 6, requestTimeout: .seconds(5))
        )
        let sent = Self.requests(lookup.start(now: .zero))
        #expect(sent.count == 3)  // only the k = 3 closest are asked at first
        // The closest never answers; the others do.
        _ = lookup.receivedResponse(from: sent[1].id, closerPeers: [], now: .seconds(1))
        _ = lookup.receivedResponse(from: sent[2].id, closerPeers: [], now: .seconds(1))
        #expect(lookup.tick(now: .seconds(4)).isEmpty)
        var actions = lookup.tick(now: .seconds(5))
        #expect(lookup.statistics.timeouts == 1)
        // The fourth peer replaces it.
        #expect(Self.requests(actions).map(\.id) == [peers[3].id])
        // A late reply from the dropped peer is ignored and counted.
        #expect(lookup.receivedResponse(from: peers[0].id, closerPeers: [], now: .seconds(6)).isEmpty)
        #expect(lookup.statistics.unexpectedResponses == 1)
        // Listing the dropped peer again does not bring it back.
        actions = lookup.receivedResponse(from: peers[3].id, closerPeers: [peers[0]], now: .seconds(6))
        let result = Self.finished(actions)
        #expect(Self.requests(actions).isEmpty)
        #expect(result?.closest.map(\.id) == [peers[1].id, peers[2].id, peers[3].id])
        #expect(result?.statistics.requestsSent == 4)
    }

    @Test("a per-request timeout drops the peer and counts it; unknown peers are ignored")
    func perRequestTimeout() {
        var rng = SplitMix64(seed: 37)
        let target = KadKey(hashing: [7])
        let peers = Self.sortedPeers(3, target: target, rng: &rng)
        var lookup = KadLookup(target: target, seeds: peers, configuration: .init(resultCount: 2, parallelism: 2))
        let sent = Self.requests(lookup.start(now: .zero))
        #expect(sent.map(\.id) == [peers[0].id, peers[1].id])
        #expect(lookup.requestTimedOut(peers[2].id, now: .seconds(1)).isEmpty)
        #expect(Self.requests(lookup.requestTimedOut(peers[0].id, now: .seconds(1))).map(\.id) == [peers[2].id])
        #expect(lookup.statistics.timeouts == 1)
        _ = lookup.receivedResponse(from: peers[1].id, closerPeers: [], now: .seconds(2))
        let result = Self.finished(lookup.receivedResponse(from: peers[2].id, closerPeers: [], now: .seconds(2)))
        #expect(result?.closest.map(\.id) == [peers[1].id, peers[2].id])
    }

    @Test("failures drop the peer; with every seed failing the lookup ends empty")
    func allFail() {
        var rng = SplitMix64(seed: 34)
        let target = KadKey(hashing: [4])
        let peers = Self.sortedPeers(4, target: target, rng: &rng)
        var lookup = KadLookup(target: target, seeds: peers, configuration: .init(resultCount: 4, parallelism: 4))
        var result: KadLookupResult?
        for peer in Self.requests(lookup.start(now: .zero)) {
            result = Self.finished(lookup.requestFailed(peer.id, now: .zero)) ?? result
        }
        #expect(result?.closest == [])
        #expect(result?.statistics.failures == 4)
        var empty = KadLookup(target: target, seeds: [])
        #expect(Self.finished(empty.start(now: .zero))?.closest == [])
    }

    @Test("bad replies: thousands of peers are capped, self listings and address-less peers are ignored")
    func badReplies() {
        var rng = SplitMix64(seed: 35)
        let target = KadKey(hashing: [5])
        let local = randomPeerID(&rng)
        let seed = peerInfo(randomPeerID(&rng))
        var lookup = KadLookup(target: target, seeds: [seed], localID: local, configuration: .init())
        _ = lookup.start(now: .zero)
        var flood = (0..<5_000).map { peerInfo(randomPeerID(&rng), address: $0) }
        flood.insert(seed, at: 0)
        flood.insert(peerInfo(local), at: 1)
        flood.insert(KadPeerInfo(id: randomPeerID(&rng)), at: 2)
        let actions = lookup.receivedResponse(from: seed.id, closerPeers: flood, now: .zero)
        let stats = lookup.statistics
        #expect(stats.excessPeers == flood.count - 40)
        #expect(stats.selfListings == 2)
        #expect(stats.peersWithoutAddresses == 1)
        #expect(Self.requests(actions).count == KadConstants.alpha)
        // The flood cannot stall the lookup: failing every request ends it.
        var pending = Self.requests(actions)
        var result: KadLookupResult?
        for _ in 0..<200 where result == nil && !pending.isEmpty {
            let peer = pending.removeFirst()
            let next = lookup.requestFailed(peer.id, now: .zero)
            pending += Self.requests(next)
            result = Self.finished(next)
        }
        #expect(result?.closest.map(\.id) == [seed.id])
        #expect(result!.statistics.requestsSent == 1 + 37)
    }

    @Test("go's termination rule stops once the β closest answered")
    func betaTermination() {
        var rng = SplitMix64(seed: 36)
        let target = KadKey(hashing: [6])
        let peers = Self.sortedPeers(10, target: target, rng: &rng)
        var lookup = KadLookup(
            target: target,
            seeds: peers,
            configuration: .init(resultCount: 10, parallelism: 10, termination: .closestAnswered(3))
        )
        let sent = Self.requests(lookup.start(now: .zero))
        #expect(sent.count == 10)
        _ = lookup.receivedResponse(from: peers[0].id, closerPeers: [], now: .zero)
        _ = lookup.receivedResponse(from: peers[2].id, closerPeers: [], now: .zero)
        let result = Self.finished(lookup.receivedResponse(from: peers[1].id, closerPeers: [], now: .zero))
        #expect(result?.closest.map(\.id) == peers.prefix(3).map(\.id))
    }

    // MARK: - Model network

    struct NetworkRun {
        var exact = 0
        var topThreeExact = 0
        var overlap = 0.0
        var hops = 0.0
        var messages = 0.0
        var timeouts = 0.0
        var virtualSeconds = 0.0
        var seconds = 0.0

        var summary: String {
            "exact \(exact)/200, top-3 exact \(topThreeExact)/200, overlap \(overlap), hops \(hops), "
                + "messages \(messages), timeouts \(timeouts), virtual time per lookup \(virtualSeconds) s, "
                + "wall \(seconds) s"
        }
    }

    /// One 2,000-node network shared by the network tests (built once: it is the slow part).
    static let network2000: ModelNetwork = {
        var rng = SplitMix64(seed: 40)
        let start = ContinuousClock.now
        let network = ModelNetwork(count: 2_000, rng: &rng)
        print("kad model network of 2000 nodes built in \(secondsSince(start)) s")
        return network
    }()

    /// Runs 200 FIND_NODE lookups (random live origin, random target) with each termination rule on the same
    /// origins and targets.
    static func runNetwork(
        deadFraction: Double,
        terminations: [KadLookupTermination],
        seed: UInt64
    ) -> [NetworkRun] {
        let start = ContinuousClock.now
        var rng = SplitMix64(seed: seed)
        var network = network2000
        let nodes = network.ids.count
        let deadCount = Int(Double(nodes) * deadFraction)
        network.dead = Set(Array(0..<nodes).shuffled(using: &rng).prefix(deadCount))
        let live = (0..<nodes).filter { !network.dead.contains($0) }
        var runs = Array(repeating: NetworkRun(), count: terminations.count)
        let lookups = 200
        for _ in 0..<lookups {
            let origin = live.randomElement(using: &rng)!
            let targetID = randomPeerID(&rng)
            let truth = network.trueClosest(to: targetID.kadKey, count: KadConstants.k, excluding: origin)
            for (index, termination) in terminations.enumerated() {
                let startedAt = network.now
                let result = network.findNode(
                    from: origin,
                    target: targetID.kadKey,
                    key: targetID.bytes,
                    configuration: .init(termination: termination)
                )
                let found = result.closest.map(\.id)
                if found == truth { runs[index].exact += 1 }
                if found.prefix(3) == truth.prefix(3) { runs[index].topThreeExact += 1 }
                runs[index].overlap += Double(Set(found).intersection(truth).count)
                runs[index].hops += Double(result.statistics.hops)
                runs[index].messages += Double(result.statistics.requestsSent)
                runs[index].timeouts += Double(result.statistics.timeouts)
                runs[index].virtualSeconds += Double((network.now - startedAt).components.seconds)
            }
        }
        for index in runs.indices {
            runs[index].overlap /= Double(lookups) * 20
            runs[index].hops /= Double(lookups)
            runs[index].messages /= Double(lookups)
            runs[index].timeouts /= Double(lookups)
            runs[index].virtualSeconds /= Double(lookups)
            runs[index].seconds = secondsSince(start)
        }
        return runs
    }

    @Test(
        "2,000 nodes, 200 lookups, no failures: the k rule returns the true 20 closest; go's β = 3 rule the 3 closest"
    )
    func networkHealthy() {
        let runs = Self.runNetwork(deadFraction: 0, terminations: [.kClosestAnswered, .closestAnswered(3)], seed: 41)
        print("kad healthy, k rule: \(runs[0].summary)")
        print("kad healthy, beta=3 rule: \(runs[1].summary)")
        #expect(runs[0].exact == 200)
        #expect(runs[1].topThreeExact == 200)
        #expect(runs[1].messages < runs[0].messages)
    }

    @Test("2,000 nodes with 10% dead (still listed in routing tables): the live closest are found")
    func networkWithDeadNodes() {
        let runs = Self.runNetwork(deadFraction: 0.1, terminations: [.kClosestAnswered], seed: 42)
        print("kad 10% dead, k rule: \(runs[0].summary)")
        #expect(runs[0].topThreeExact >= 195)
        #expect(runs[0].overlap >= 0.98)
        #expect(runs[0].exact >= 150)
    }

    @Test("300 nodes, every request and reply as framed bytes through the codec: the true 20 closest")
    func networkThroughCodec() {
        var rng = SplitMix64(seed: 43)
        var network = ModelNetwork(count: 300, rng: &rng)
        network.viaCodec = true
        var exact = 0
        for _ in 0..<50 {
            let origin = Int.random(in: 0..<300, using: &rng)
            let target = randomPeerID(&rng)
            let result = network.findNode(
                from: origin,
                target: target.kadKey,
                key: target.bytes,
                configuration: .init()
            )
            if result.closest.map(\.id) == network.trueClosest(to: target.kadKey, count: 20, excluding: origin) {
                exact += 1
            }
        }
        #expect(exact == 50)
        #expect(network.framesCoded > 50 * 20)
    }
}
