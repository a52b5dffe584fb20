import ShoalCore
import ShoalCrypto
import ShoalKademlia
import ShoalMultiformats
import Testing

@Suite("DNS multiaddr resolution and dataset keys")
struct DNSAndKeyTests {
    static let peer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"

    @Test("/dns4 and /dns6 become /ip4 and /ip6 with the rest kept")
    func dnsNames() async throws {
        let resolver = FakeResolver(addresses: [
            "node.example": [.v4(IPv4Address("10.0.0.1")!), .v6(IPv6Address("::2")!)]
        ])
        let multi = MultiaddrResolver(resolver: resolver)
        let four = try await multi.resolve(try Multiaddr("/dns4/node.example/tcp/4001/p2p/\(Self.peer)"))
        #expect(four == [try Multiaddr("/ip4/10.0.0.1/tcp/4001/p2p/\(Self.peer)")])
        let six = try await multi.resolve(try Multiaddr("/dns6/node.example/tcp/1"))
        #expect(six == [try Multiaddr("/ip6/::2/tcp/1")])
        let any = try await multi.resolve(try Multiaddr("/dns/node.example/tcp/1"))
        #expect(any.count == 2)
        let plain = try Multiaddr("/ip4/1.2.3.4/tcp/5")
        #expect(try await multi.resolve(plain) == [plain])
        await #expect(throws: ShoalError.self) { try await multi.resolve(try Multiaddr("/dns4/missing/tcp/1")) }
    }

    @Test("/dnsaddr keeps TXT entries whose suffix matches and recurses")
    func dnsaddr() async throws {
        let other = "12D3KooWHtkLyjY5AmSS1yz2Wf2aHzrP5VQC1ogGbM3vvU6uxwTV"
        let resolver = FakeResolver(
            addresses: ["a.example": [.v4(IPv4Address("10.0.0.9")!)]],
            txt: [
                "_dnsaddr.boot.example": [
                    "dnsaddr=/dnsaddr/inner.example/p2p/\(Self.peer)",
                    "dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/\(other)",
                    "something-else",
                    "dnsaddr=not a multiaddr",
                ],
                "_dnsaddr.inner.example": [
                    "dnsaddr=/ip4/10.0.0.1/tcp/4001/p2p/\(Self.peer)",
                    "dnsaddr=/dns4/a.example/tcp/4002/p2p/\(Self.peer)",
                ],
                "_dnsaddr.loop.example": ["dnsaddr=/dnsaddr/loop.example"],
            ]
        )
        let multi = MultiaddrResolver(resolver: resolver)
        let found = try await multi.resolve(try Multiaddr("/dnsaddr/boot.example/p2p/\(Self.peer)"))
        #expect(
            found == [
                try Multiaddr("/ip4/10.0.0.1/tcp/4001/p2p/\(Self.peer)"),
                try Multiaddr("/ip4/10.0.0.9/tcp/4002/p2p/\(Self.peer)"),
            ]
        )
        // Without a /p2p suffix every entry matches.
        let all = try await multi.resolve(try Multiaddr("/dnsaddr/boot.example"))
        #expect(all.count == 3)
        // A record that points to itself stops at the depth bound.
        await #expect(throws: ShoalError(.limitExceeded, "")) {
            try await multi.resolve(try Multiaddr("/dnsaddr/loop.example"))
        }
        // The system resolver says TXT is unsupported.
        await #expect(throws: ShoalError(.unsupported, "")) { try await SystemDNSResolver().resolveTXT("x") }
    }

    @Test("the system resolver resolves localhost")
    func systemResolver() async throws {
        let addresses = try await SystemDNSResolver().resolveAddresses(of: "localhost", family: .ipv4)
        #expect(addresses.contains(.v4(IPv4Address("127.0.0.1")!)))
    }

    @Test("a dataset ID maps to the SHA-256 multihash of its UTF-8 bytes, a CID to its multihash")
    func datasetKeys() throws {
        let key = KadDatasetKey.forDataset("weather")
        #expect(key == [0x12, 0x20] + SHA256.hash(Array("weather".utf8)))
        let cid = CID(codec: .raw, multihash: try Multihash(bytes: key))
        #expect(KadDatasetKey.forCID(cid) == key)
        #expect(KadDatasetKey.parse(cid.string()) == key)
        #expect(KadDatasetKey.parse("weather") == key)
        #expect(KadDatasetKey.parse("not-a-cid") != key)
    }

    @Test("KadPeerID and PeerID convert both ways")
    func peerIDs() throws {
        let peer = PrivateKey().peerID
        let kad = KadPeerID(peer)
        #expect(kad.bytes == peer.bytes)
        #expect(kad.peerID == peer)
        #expect(try KadPeerID(sha256Digest: [UInt8](repeating: 3, count: 32)).peerID != nil)
        #expect(try KadPeerID(bytes: [0x00, 0x02, 0x01, 0x02]).peerID == nil)
    }
}
