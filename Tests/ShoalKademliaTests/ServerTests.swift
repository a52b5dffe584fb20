import ShoalCore
import ShoalKademlia
import Testing

@Suite("Request handler")
struct ServerTests {
    static func server(peers: Int, rng: inout SplitMix64) -> (KadServer, [KadPeerID]) {
        let local = randomPeerID(&rng)
        var table = KadRoutingTable(localID: local)
        var ids: [KadPeerID] = []
        for index in 0..<peers {
            let id = randomPeerID(&rng)
            ids.append(id)
            // Every fifth peer has no address: it must never be handed out.
            let addresses = index % 5 == 0 ? [] : peerInfo(id, address: index).addresses
            table.peerSeen(id, addresses: addresses, isServer: true, now: .zero)
        }
        return (KadServer(routingTable: table), ids)
    }

    @Test("FIND_NODE answers the k closest peers that have addresses, without the requester")
    func findNode() throws {
        var rng = SplitMix64(seed: 61)
        var (server, _) = Self.server(peers: 300, rng: &rng)
        let target = randomPeerID(&rng)
        let requester = server.routingTable.closest(to: target.kadKey, count: 1)[0].id
        let reply = try #require(
            try server.handle(KadMessage(type: .findNode, key: target.bytes), from: requester, now: .zero)
        )
        let expected = server.routingTable.entries
            .filter { !$0.addresses.isEmpty && $0.id != requester }
            .sorted { $0.id.kadKey.distance(to: target.kadKey) < $1.id.kadKey.distance(to: target.kadKey) }
            .prefix(20).map(\.id)
        #expect(reply.type == .findNode && reply.key == target.bytes)
        #expect(reply.closerPeers.map(\.id) == Array(expected))
        #expect(reply.closerPeers.allSatisfy { !$0.addresses.isEmpty })
    }

    @Test("ADD_PROVIDER stores only the sender, with addresses; GET_PROVIDERS returns it with closer peers")
    func providers() throws {
        var rng = SplitMix64(seed: 62)
        var (server, _) = Self.server(peers: 50, rng: &rng)
        let key: [UInt8] = [0x12, 0x20] + rng.bytes(32)
        let sender = randomPeerID(&rng)
        let other = randomPeerID(&rng)
        let announce = KadMessage(
            type: .addProvider,
            key: key,
            providerPeers: [peerInfo(other), KadPeerInfo(id: sender), peerInfo(sender, address: 9)]
        )
        #expect(try server.handle(announce, from: sender, now: .zero) == nil)
        #expect(server.providers.recordCount == 1)
        let reply = try #require(
            try server.handle(KadMessage(type: .getProviders, key: key), from: other, now: .seconds(1))
        )
        #expect(reply.providerPeers == [peerInfo(sender, address: 9)])
        #expect(reply.closerPeers.count == 20)
        // An announcement with no address for the sender stores nothing.
        _ = try server.handle(
            KadMessage(type: .addProvider, key: [7], providerPeers: [KadPeerInfo(id: sender)]),
            from: sender,
            now: .zero
        )
        #expect(server.providers.recordCount == 1)
    }

    @Test("PUT_VALUE validates, stores and echoes; GET_VALUE returns the record; PING echoes")
    func values() throws {
        var rng = SplitMix64(seed: 63)
        var (server, _) = Self.server(peers: 30, rng: &rng)
        let sender = randomPeerID(&rng)
        let record = try publicKeyRecord(seed: 7)
        let put = KadMessage(type: .putValue, key: record.key, record: record)
        #expect(try server.handle(put, from: sender, now: .zero) == put)
        let reply = try #require(
            try server.handle(KadMessage(type: .getValue, key: record.key), from: sender, now: .zero)
        )
        #expect(reply.record == record)
        #expect(reply.closerPeers.count == 20)
        let missing = try #require(
            try server.handle(KadMessage(type: .getValue, key: Array("/pk/none".utf8)), from: sender, now: .zero)
        )
        #expect(missing.record == nil)
        let ping = KadMessage(type: .ping)
        #expect(try server.handle(ping, from: sender, now: .zero) == ping)
    }

    @Test("rejections: oversize keys, missing keys, unknown types, bad or mismatched records")
    func rejections() throws {
        var rng = SplitMix64(seed: 64)
        var (server, _) = Self.server(peers: 10, rng: &rng)
        let sender = randomPeerID(&rng)
        let long = [UInt8](repeating: 1, count: 81)
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try server.handle(KadMessage(type: .getProviders, key: long), from: sender, now: .zero)
        }
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try server.handle(KadMessage(type: .addProvider, key: long), from: sender, now: .zero)
        }
        #expect(throws: ShoalError(.limitExceeded, "")) {
            try server.handle(
                KadMessage(type: .findNode, key: [UInt8](repeating: 1, count: 1025)),
                from: sender,
                now: .zero
            )
        }
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try server.handle(KadMessage(type: .findNode), from: sender, now: .zero)
        }
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try server.handle(KadMessage(type: .unknown(9), key: [1]), from: sender, now: .zero)
        }
        let record = try publicKeyRecord(seed: 8)
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try server.handle(KadMessage(type: .putValue, key: record.key), from: sender, now: .zero)
        }
        #expect(throws: ShoalError(.protocolViolation, "")) {
            try server.handle(
                KadMessage(type: .putValue, key: Array("/pk/other".utf8), record: record),
                from: sender,
                now: .zero
            )
        }
        var forged = record
        forged.value[5] ^= 0xff
        #expect(throws: ShoalError(.invalidKey, "")) {
            try server.handle(KadMessage(type: .putValue, key: forged.key, record: forged), from: sender, now: .zero)
        }
        let unknown = KadRecord(key: Array("/x/1".utf8), value: [1])
        #expect(throws: ShoalError(.unsupported, "")) {
            try server.handle(KadMessage(type: .putValue, key: unknown.key, record: unknown), from: sender, now: .zero)
        }
        #expect(server.records.count == 0)
    }
}
