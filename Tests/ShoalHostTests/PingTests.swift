import ShoalCore
import ShoalHost
import ShoalMultiformats
import Testing

@Suite("ping with lazy negotiation")
struct PingTests {
    @Test("the first payload travels with the proposal; later pings reuse the stream")
    func lazyPing() async throws {
        try await withHost(try HostTests.configuration()) { server in
            try await withHost(try HostTests.configuration(listening: false)) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                let rtts = try await client.ping(peer, count: 5)
                #expect(rtts.count == 5)
                #expect(rtts.allSatisfy { $0 > .zero })
            }
        }
    }

    @Test("a peer that does not serve ping refuses the lazy proposal: negotiationFailed, the connection lives on")
    func refused() async throws {
        try await withHost(try HostTests.configuration()) { server in
            server.unregister("/ipfs/ping/1.0.0")
            try await withHost(try HostTests.configuration(listening: false)) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                await #expect {
                    _ = try await client.ping(peer)
                } throws: { ($0 as? ShoalError)?.code == .negotiationFailed }
                // The refused stream was reset; the connection still serves other protocols.
                let info = try await client.identify(peer)
                #expect(!info.protocols.contains("/ipfs/ping/1.0.0"))
                #expect(client.connectedPeers == [server.peerID])
            }
        }
    }
}
