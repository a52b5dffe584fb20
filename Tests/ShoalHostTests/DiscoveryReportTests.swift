import ShoalCore
import ShoalHost
import ShoalMultiformats
import Testing

@Suite("P2PHost discovery reports")
struct DiscoveryReportTests {
    @Test("a reported peer goes into the peer store and out as a discovered event")
    func reportDiscovered() async throws {
        try await withHost(HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])) { host in
            let events = host.events()
            let peer = try PrivateKey(ed25519Seed: [UInt8](repeating: 7, count: 32)).peerID
            let address = try Multiaddr("/ip4/10.0.0.7/tcp/4001/p2p/\(peer)")
            host.reportDiscovered(peer: host.peerID, addresses: [address], via: "mdns")
            host.reportDiscovered(peer: peer, addresses: [address], via: "mdns")
            #expect(host.peerStore.addresses(of: peer) == [try Multiaddr("/ip4/10.0.0.7/tcp/4001")])
            #expect(host.peerStore.addresses(of: host.peerID).isEmpty)
            var found: [(PeerID, [Multiaddr], String)] = []
            for await event in events {
                if case .discovered(let who, let addresses, let via) = event {
                    found.append((who, addresses, via))
                    break
                }
            }
            #expect(found.count == 1)
            #expect(found.first?.0 == peer)
            #expect(found.first?.1 == [address])
            #expect(found.first?.2 == "mdns")
        }
    }
}
