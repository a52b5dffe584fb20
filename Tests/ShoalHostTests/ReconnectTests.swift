import ShoalCore
import ShoalHost
import ShoalMultiformats
import Testing

@Suite("P2PHost reconnects")
struct ReconnectTests {
    /// The reconnect rounds each test runs.
    static let rounds = 50

    @Test("reconnecting right after a disconnect always gets a working connection (50 rounds)")
    func immediateReconnect() async throws {
        try await withHost(try HostTests.configuration()) { server in
            try await withHost(try HostTests.configuration(listening: false)) { client in
                for round in 0..<Self.rounds {
                    let peer = try await client.connect(server.dialableAddresses[0])
                    #expect(peer == server.peerID)
                    // The server may still hold the previous round's connection (its close has not arrived yet): the
                    // new one must be kept, so the ping's stream opens and is answered.
                    let rtts = try await client.ping(peer)
                    #expect(rtts.count == 1, "round \(round)")
                    client.disconnect(peer)
                }
                // Every old connection ends at the server too.
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(30)
                while server.connectionCount > 0 && clock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(server.connectionCount == 0)
                #expect(client.connectionCount == 0)
            }
        }
    }

    @Test("reconnecting right after a disconnect works without identify on either side (50 rounds)")
    func immediateReconnectWithoutIdentify() async throws {
        var serverConfiguration = try HostTests.configuration()
        serverConfiguration.identifyOnConnect = false
        var clientConfiguration = try HostTests.configuration(listening: false)
        clientConfiguration.identifyOnConnect = false
        try await withHost(serverConfiguration) { server in
            try await withHost(clientConfiguration) { client in
                for round in 0..<Self.rounds {
                    let peer = try await client.connect(server.dialableAddresses[0])
                    let rtts = try await client.ping(peer)
                    #expect(rtts.count == 1, "round \(round)")
                    client.disconnect(peer)
                }
            }
        }
    }

    @Test("a peer that comes back while its old connection still looks open at the server is served on the new one")
    func returningPeerWhileOldConnectionOpen() async throws {
        // The old connection stays open (a restarted node whose old socket the server has not seen die yet): the
        // server must keep the new connection from the same dialer rather than refuse it.
        let identity = PrivateKey()
        var old = try HostTests.configuration(listening: false)
        old.identity = identity
        var new = try HostTests.configuration(listening: false)
        new.identity = identity
        try await withHost(try HostTests.configuration()) { server in
            try await withHost(old) { oldClient in
                try await oldClient.connect(server.dialableAddresses[0])
                try await withHost(new) { newClient in
                    for round in 0..<3 {
                        let peer = try await newClient.connect(server.dialableAddresses[0])
                        #expect(try await newClient.ping(peer).count == 1, "round \(round)")
                        newClient.disconnect(peer)
                    }
                }
            }
        }
    }

    @Test("a second dial from the same peer replaces the first at the server; the first drains")
    func sameDialerKeepsNewer() async throws {
        try await withHost(try HostTests.configuration()) { server in
            try await withHost(try HostTests.configuration(listening: false)) { client in
                // Without /p2p/ the client cannot know it is already connected: two connections to one peer.
                let bare = server.listenAddresses[0]
                let first = try await client.connect(bare)
                let second = try await client.connect(bare)
                #expect(first == server.peerID && second == server.peerID)
                // Both sides settle on one connection and it works.
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(30)
                while (server.connectionCount != 1 || client.connectionCount != 1) && clock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(server.connectionCount == 1)
                #expect(client.connectionCount == 1)
                #expect(try await client.ping(server.peerID).count == 1)
            }
        }
    }
}
