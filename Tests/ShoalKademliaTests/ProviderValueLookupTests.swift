import ShoalCore
import ShoalKademlia
import Testing

@Suite("Provider and value lookups")
struct ProviderValueLookupTests {
    @Test("GET_PROVIDERS collects distinct providers and stops early at the wanted count")
    func providerLookupEarlyStop() {
        var rng = SplitMix64(seed: 71)
        let key: [UInt8] = [0x12, 0x20] + rng.bytes(32)
        let seeds = (0..<10).map { peerInfo(randomPeerID(&rng), address: $0) }
        let providers = (0..<3).map { peerInfo(randomPeerID(&rng), address: 100 + $0) }
        var lookup = KadProviderLookup(key: key, seeds: seeds, wantedProviders: 2, configuration: .init(parallelism: 3))
        let first = lookup.start(now: .zero).compactMap { action -> KadPeerInfo? in
            if case .sendRequest(let peer, _) = action { return peer }
            return nil
        }
        #expect(first.count == 3)
        // The same provider twice (first without addresses), then a second one: done.
        var actions = lookup.receivedResponse(
            from: first[0].id,
            closerPeers: [],
            providers: [KadPeerInfo(id: providers[0].id)],
            now: .zero
        )
        #expect(!lookup.isFinished)
        actions = lookup.receivedResponse(
            from: first[1].id,
            closerPeers: [],
            providers: [providers[0], providers[1], providers[2]],
            now: .zero
        )
        guard case .finished(let result) = actions.last else {
            Issue.record("expected the lookup to finish, got \(actions)")
            return
        }
        #expect(result.providers == [providers[0], providers[1]])
        #expect(lookup.providersSoFar.count == 2)
        // Later replies are ignored.
        #expect(lookup.receivedResponse(from: first[2].id, closerPeers: [], providers: [], now: .zero).isEmpty)
    }

    @Test("GET_VALUE: quorum, best selection, outdated and invalid senders, peers without value")
    func valueLookup() throws {
        var rng = SplitMix64(seed: 72)
        var validator = KadNamespacedValidator()
        validator.register(SequenceValidator(), for: "v")
        let key = Array("/v/name".utf8)
        let peers = (0..<4).map { peerInfo(randomPeerID(&rng), address: $0) }
        var lookup = KadValueLookup(
            key: key,
            seeds: peers,
            quorum: 3,
            validator: validator,
            configuration: .init(resultCount: 4, parallelism: 4)
        )
        #expect(lookup.start(now: .zero).count == 4)
        _ = lookup.receivedResponse(
            from: peers[0].id,
            closerPeers: [],
            record: KadRecord(key: key, value: [1]),
            now: .zero
        )
        _ = lookup.receivedResponse(
            from: peers[1].id,
            closerPeers: [],
            record: KadRecord(key: key, value: [0]),
            now: .zero
        )
        _ = lookup.receivedResponse(from: peers[2].id, closerPeers: [], record: nil, now: .zero)
        let actions = lookup.receivedResponse(
            from: peers[3].id,
            closerPeers: [],
            record: KadRecord(key: key, value: [5]),
            now: .zero
        )
        guard case .finished(let result) = actions.last else {
            Issue.record("expected the lookup to finish, got \(actions)")
            return
        }
        #expect(result.record == KadRecord(key: key, value: [5]))
        #expect(result.validRecords == 2 && result.invalidRecords == 1)
        #expect(Set(result.outdatedPeers.map(\.id)) == Set([peers[0].id, peers[1].id]))
        #expect(result.peersWithoutValue.map(\.id) == [peers[2].id])
    }

    @Test("GET_VALUE with a valid local record and quorum 1 finishes at once")
    func valueLookupLocal() throws {
        let record = try publicKeyRecord(seed: 3)
        var lookup = KadValueLookup(
            key: record.key,
            seeds: [],
            localRecord: record,
            validator: KadNamespacedValidator()
        )
        guard case .finished(let result) = lookup.start(now: .zero).first else {
            Issue.record("expected an immediate finish")
            return
        }
        #expect(result.record == record && result.validRecords == 1)
    }

    @Test("in the 2,000-node network a provided key is found, and a /pk/ record is fetched with entry correction")
    func networkProvidersAndValues() throws {
        var rng = SplitMix64(seed: 73)
        var network = LookupTests.network2000
        var found = 0
        for _ in 0..<20 {
            let key: [UInt8] = [0x12, 0x20] + rng.bytes(32)
            let provider = Int.random(in: 0..<2_000, using: &rng)
            #expect(network.provide(from: provider, key: key) == 20)
            let seeker = Int.random(in: 0..<2_000, using: &rng)
            let result = network.findProviders(from: seeker, key: key, wanted: 1)
            if result?.providers.map(\.id) == [network.ids[provider]] { found += 1 }
        }
        #expect(found == 20)
        // Values: PUT a /pk/ record to the closest 20, then corrupt two replies.
        let record = try publicKeyRecord(seed: 9)
        network.putValue(from: 0, record: record)
        let holders = network.nodes.indices.filter {
            network.nodes[$0].records.get(record.key, now: network.now) != nil
        }
        #expect(holders.count == 20)
        var tampered: Set<KadPeerID> = []
        let result = network.getValue(from: 1_999, key: record.key, quorum: 8, validator: KadNamespacedValidator()) {
            peer,
            reply in
            guard reply != nil, tampered.count < 2 else { return reply }
            tampered.insert(peer)
            return KadRecord(key: record.key, value: [1, 2, 3])
        }
        #expect(result?.record == record)
        #expect(result?.validRecords == 8)
        #expect(Set(result?.outdatedPeers.map(\.id) ?? []) == tampered)
    }
}
