import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalKademlia
import ShoalMultiformats
import ShoalTransport
import Testing

/// Values in `/seq/<name>` are one byte; the larger wins.
struct ByteSequenceValidator: KadRecordValidator {
    func validate(_ record: KadRecord) throws {
        guard record.value.count == 1 else { throw ShoalError(.malformedInput, "a /seq/ value is one byte") }
    }

    func select(key: [UInt8], values: [[UInt8]]) throws -> Int {
        values.indices.max { values[$0][0] < values[$1][0] } ?? 0
    }
}

@Suite("KademliaDHT over loopback TCP", .serialized)
struct DHTOperationTests {
    @Test("12 nodes: a provider record announced on one node is found from another")
    func provideAndFind() async throws {
        try await withDHTNetwork(count: 12) { dhts in
            #expect(dhts.allSatisfy { $0.routingTableSize > 0 })
            let key = KadDatasetKey.forDataset("weather-2026")
            let delivered = try await dhts[3].provide(key: key)
            #expect(delivered > 0)
            var found: [DHTPeer] = []
            for try await peer in dhts[9].findProviders(key: key, limit: 5) { found.append(peer) }
            #expect(found.map(\.id) == [dhts[3].host.peerID])
            #expect(found.first?.addresses == dhts[3].host.listenAddresses)
            // A key nobody provides: the lookup ends with nothing.
            let none = await dhts[5].findProviders(key: KadDatasetKey.forDataset("nobody")) { _ in }
            #expect(none.isEmpty)
        }
    }

    @Test("two providers of one key are both found; the limit stops the lookup early")
    func twoProviders() async throws {
        try await withDHTNetwork(count: 8) { dhts in
            let key = KadDatasetKey.forDataset("shared")
            try await dhts[1].provide(key: key)
            try await dhts[2].provide(key: key)
            let both = await dhts[7].findProviders(key: key, limit: 10) { _ in }
            #expect(Set(both.map(\.id)) == [dhts[1].host.peerID, dhts[2].host.peerID])
            let one = await dhts[6].findProviders(key: key, limit: 1) { _ in }
            #expect(one.count == 1)
        }
    }

    @Test("findPeer returns the addresses of a peer; getClosestPeers returns peers sorted by distance")
    func findPeerAndClosest() async throws {
        try await withDHTNetwork(count: 10) { dhts in
            let target = dhts[6].host.peerID
            let found = await dhts[8].findPeer(target)
            #expect(found?.id == target)
            #expect(found?.addresses.contains(dhts[6].host.listenAddresses[0]) == true)
            let key = KadDatasetKey.forDataset("closest")
            let closest = await dhts[2].getClosestPeers(key: key)
            #expect(closest.count == 9)
            let target256 = KadKey(hashing: key)
            let distances = closest.map { KadPeerID($0.id).kadKey.distance(to: target256) }
            #expect(distances == distances.sorted())
            // An unknown peer is not found.
            let stranger = PrivateKey().peerID
            #expect(await dhts[3].findPeer(stranger) == nil)
        }
    }

    @Test("put/get a /pk/ record and a custom-namespace record from another node; invalid records are refused")
    func putAndGet() async throws {
        try await withDHTNetwork(count: 8) { index, configuration in
            configuration.validator.register(ByteSequenceValidator(), for: "seq")
        } _: { dhts in
            let publicKey = dhts[2].host.configuration.identity.publicKey.protobufBytes
            let pkKey = Array("/pk/".utf8) + [0x12, 0x20] + SHA256.hash(publicKey)
            let stored = try await dhts[2].putValue(key: pkKey, value: publicKey)
            #expect(stored > 0)
            #expect(await dhts[7].getValue(key: pkKey) == publicKey)
            // A public key under the wrong /pk/ key is refused locally.
            await #expect(throws: ShoalError.self) {
                try await dhts[3].putValue(
                    key: Array("/pk/".utf8) + [0x12, 0x20] + [UInt8](repeating: 1, count: 32),
                    value: publicKey
                )
            }
            // A namespace nobody registered is refused.
            await #expect(throws: ShoalError.self) { try await dhts[3].putValue(key: Array("/x/1".utf8), value: [1]) }
            let seqKey = Array("/seq/counter".utf8)
            try await dhts[4].putValue(key: seqKey, value: [3])
            #expect(await dhts[6].getValue(key: seqKey) == [3])
            #expect(await dhts[6].getValue(key: Array("/seq/missing".utf8)) == nil)
        }
    }

    @Test("a client-mode DHT does not announce the protocol and is not added to routing tables")
    func clientMode() async throws {
        try await withDHTNetwork(count: 4) { index, configuration in
            if index == 3 { configuration.mode = .client }
        } _: { dhts in
            #expect(!dhts[3].isServing)
            #expect(!dhts[3].host.protocols.contains(KadConstants.protocolID))
            #expect(dhts[0].host.protocols.contains(KadConstants.protocolID))
            let clientPeer = dhts[3].host.peerID
            #expect(try await eventually { dhts[0].host.peerStore.protocols(of: clientPeer).count > 0 })
            #expect(!dhts[0].routingTablePeers.contains(clientPeer))
            // The client can still look things up.
            try await dhts[1].provide(key: KadDatasetKey.forDataset("from-client"))
            let found = await dhts[3].findProviders(key: KadDatasetKey.forDataset("from-client")) { _ in }
            #expect(found.map(\.id) == [dhts[1].host.peerID])
        }
    }

    @Test("auto mode stays a client on loopback and becomes a server when told it is reachable")
    func autoMode() async throws {
        try await withDHTNetwork(count: 2) { index, configuration in
            if index == 1 { configuration.mode = .auto }
        } _: { dhts in
            #expect(!dhts[1].isServing)
            #expect(!dhts[1].host.protocols.contains(KadConstants.protocolID))
            dhts[1].setReachable(true)
            #expect(dhts[1].isServing)
            #expect(dhts[1].host.protocols.contains(KadConstants.protocolID))
        }
    }

    @Test("a private protocol prefix does not talk to the public protocol ID")
    func privatePrefix() async throws {
        try await withDHTNetwork(count: 3) { index, configuration in
            if index < 2 { configuration.protocolID = "/shoal/kad/1.0.0" }
        } _: { dhts in
            #expect(dhts[0].host.protocols.contains("/shoal/kad/1.0.0"))
            #expect(try await eventually { dhts[1].routingTableSize == 1 })
            #expect(!dhts[0].routingTablePeers.contains(dhts[2].host.peerID))
            try await dhts[0].provide(key: KadDatasetKey.forDataset("private"))
            #expect(await dhts[2].findProviders(key: KadDatasetKey.forDataset("private")) { _ in }.isEmpty)
            #expect(await dhts[1].findProviders(key: KadDatasetKey.forDataset("private")) { _ in }.count == 1)
        }
    }
}
