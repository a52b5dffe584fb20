import ShoalCore
import ShoalHost
import ShoalKademlia
import ShoalMultiformats
import ShoalTransport
import Testing

@Suite("KademliaDHT: bad input over the wire", .serialized)
struct DHTWireTests {
    static let codec = KadMessageCodec()

    /// A plain host connected to the DHT node of a one-node network.
    func withRawPeer(_ body: (P2PHost, KademliaDHT) async throws -> Void) async throws {
        try await withDHTNetwork(count: 1) { dhts in
            let configuration = HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
            try await withHost(configuration) { raw in
                try await raw.connect(dhts[0].host.dialableAddresses[0])
                try await body(raw, dhts[0])
            }
        }
    }

    func findNode(_ raw: P2PHost, _ dht: KademliaDHT) async throws -> KadMessage? {
        let stream = try await raw.newStream(to: dht.host.peerID, protocols: [KadConstants.protocolID])
        try await stream.writeMessage(Self.codec.encode(KadMessage(type: .findNode, key: raw.peerID.bytes)))
        let reply = try await stream.readMessage()
        stream.closeWrite()
        return try reply.map { try Self.codec.decode($0) }
    }

    @Test("several requests on one stream are all answered (go reuses streams)")
    func streamReuse() async throws {
        try await withRawPeer { raw, dht in
            let stream = try await raw.newStream(to: dht.host.peerID, protocols: [KadConstants.protocolID])
            for index in 0..<5 {
                let key = KadDatasetKey.forDataset("k\(index)")
                try await stream.writeMessage(Self.codec.encode(KadMessage(type: .getProviders, key: key)))
                let reply = try #require(try await stream.readMessage())
                let message = try Self.codec.decode(reply)
                #expect(message.type == .getProviders && message.key == key)
            }
            stream.closeWrite()
            #expect(try await stream.readMessage() == nil)
        }
    }

    @Test("a message over the 4 MiB cap resets the stream and the node keeps serving")
    func oversized() async throws {
        try await withRawPeer { raw, dht in
            let stream = try await raw.newStream(to: dht.host.peerID, protocols: [KadConstants.protocolID])
            // Only the length prefix is needed: it announces 4 MiB + 1.
            var prefix: [UInt8] = []
            var length = UInt64(KadMessageCodec.defaultMaximumMessageSize + 1)
            while length >= 0x80 {
                prefix.append(UInt8(length & 0x7f) | 0x80)
                length >>= 7
            }
            prefix.append(UInt8(length))
            try await stream.write(prefix + [0, 0, 0])
            await #expect(throws: ShoalError.self) { _ = try await stream.readMessage() }
            #expect(try await findNode(raw, dht)?.type == .findNode)
        }
    }

    @Test("an unknown message type and an over-80-byte provider key reset the stream")
    func badRequests() async throws {
        try await withRawPeer { raw, dht in
            let bad = [
                KadMessage(type: .unknown(42), key: [1, 2, 3]),
                KadMessage(type: .getProviders, key: [UInt8](repeating: 7, count: 81)),
                KadMessage(type: .addProvider, key: [UInt8](repeating: 7, count: 81)),
                KadMessage(type: .findNode),
            ]
            for message in bad {
                let stream = try await raw.newStream(to: dht.host.peerID, protocols: [KadConstants.protocolID])
                try await stream.writeMessage(Self.codec.encode(message))
                await #expect(throws: ShoalError.self) { _ = try await stream.readMessage() }
            }
            // Not valid protobuf at all.
            let stream = try await raw.newStream(to: dht.host.peerID, protocols: [KadConstants.protocolID])
            try await stream.writeMessage([0xff, 0xff, 0xff])
            await #expect(throws: ShoalError.self) { _ = try await stream.readMessage() }
            #expect(dht.storedProviderCount == 0)
            #expect(try await findNode(raw, dht)?.type == .findNode)
        }
    }

    @Test("ADD_PROVIDER gets no reply and only the sender's own record with an address is kept")
    func addProvider() async throws {
        try await withRawPeer { raw, dht in
            let key = KadDatasetKey.forDataset("raw")
            let other = KadPeerID(PrivateKey().peerID)
            let me = KadPeerID(raw.peerID)
            let stream = try await raw.newStream(to: dht.host.peerID, protocols: [KadConstants.protocolID])
            let message = KadMessage(
                type: .addProvider,
                key: key,
                providerPeers: [
                    KadPeerInfo(id: other, addresses: [raw.listenAddresses[0].bytes]),
                    KadPeerInfo(id: me, addresses: [raw.listenAddresses[0].bytes]),
                ]
            )
            try await stream.writeMessage(Self.codec.encode(message))
            stream.closeWrite()
            #expect(try await stream.readMessage() == nil)
            #expect(dht.storedProviderCount == 1)
            let found = await dht.findProviders(key: key) { _ in }
            #expect(found.map(\.id) == [raw.peerID])
        }
    }

    @Test("a peer that never answers makes a lookup finish by its deadline")
    func silentPeer() async throws {
        try await withDHTNetwork(count: 1) { index, configuration in
            configuration.requestTimeout = .milliseconds(300)
        } _: { dhts in
            let configuration = HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
            try await withHost(configuration) { silent in
                silent.register(KadConstants.protocolID) { stream in
                    // Read and never answer, until the requester resets the stream.
                    while try await stream.read() != nil {}
                }
                try await dhts[0].host.connect(silent.dialableAddresses[0])
                #expect(try await eventually { dhts[0].routingTableSize == 1 })
                let start = ContinuousClock.now
                let closest = await dhts[0].getClosestPeers(key: [1, 2, 3])
                let elapsed = ContinuousClock.now - start
                #expect(closest.isEmpty)
                #expect(elapsed < .seconds(3))
                // The unresponsive peer failed its liveness check too and left the routing table.
                #expect(try await eventually { dhts[0].routingTableSize == 0 })
                let providers = await dhts[0].findProviders(key: KadDatasetKey.forDataset("x")) { _ in }
                #expect(providers.isEmpty)
            }
        }
    }

    @Test("a peer whose address refuses the connection leaves the routing table during the lookup, no check needed")
    func refusedPeer() async throws {
        try await withDHTNetwork(count: 1) { index, configuration in
            configuration.requestTimeout = .seconds(5)
        } _: { dhts in
            let configuration = HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
            try await withHost(configuration) { gone in
                gone.register(KadConstants.protocolID) { stream in
                    while try await stream.read() != nil {}
                }
                try await dhts[0].host.connect(gone.dialableAddresses[0])
                #expect(try await eventually { dhts[0].routingTableSize == 1 })
            }
            // The host is gone: its port refuses connections. The lookup's request fails at the dial, a
            // definitive failure, and the peer is dropped before the lookup ends (not by a later liveness check).
            let start = ContinuousClock.now
            let closest = await dhts[0].getClosestPeers(key: [4, 5, 6])
            #expect(closest.isEmpty)
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(dhts[0].routingTableSize == 0)
        }
    }
}
