import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Testing

@Suite("P2PHost over loopback TCP")
struct HostTests {
    /// A loopback host with generous deadlines: the suite runs beside CPU-heavy fuzz suites in debug builds.
    static func configuration(listening: Bool = true) throws -> HostConfiguration {
        var configuration = HostConfiguration(
            listenAddresses: listening ? [try Multiaddr("/ip4/127.0.0.1/tcp/0")] : []
        )
        configuration.handshakeTimeout = .seconds(60)
        configuration.negotiationTimeout = .seconds(60)
        return configuration
    }

    @Test("two hosts connect, identify each other and ping")
    func connectPingIdentify() async throws {
        try await withHost(try Self.configuration()) { a in
            try await withHost(try Self.configuration()) { b in
                let events = b.events()
                let peer = try await a.connect(b.dialableAddresses[0])
                #expect(peer == b.peerID)
                let rtts = try await a.ping(b.peerID, count: 3)
                #expect(rtts.count == 3)
                let info = try await a.identify(b.peerID)
                #expect(info.protocols.contains("/ipfs/ping/1.0.0"))
                #expect(info.protocols.contains("/ipfs/id/1.0.0"))
                #expect(info.listenAddresses == b.listenAddresses)
                #expect(info.signedPeerRecord?.peer == b.peerID)
                #expect(info.publicKey == b.configuration.identity.publicKey)
                // b sees a connect and (from its own identify) learns a's protocols.
                var sawConnected = false
                var sawIdentified = false
                for await event in events {
                    switch event {
                    case .connected(let p, _, let direction):
                        sawConnected = p == a.peerID && direction == .inbound
                    case .identified(let p, _, let protocols, _):
                        sawIdentified = p == a.peerID && protocols.contains("/perf/1.0.0")
                    default: break
                    }
                    if sawConnected && sawIdentified { break }
                }
                #expect(sawConnected && sawIdentified)
                #expect(b.peerStore.protocols(of: a.peerID).contains("/ipfs/ping/1.0.0"))
            }
        }
    }

    @Test(
        "a connection's addresses are its socket's, over IPv4 and IPv6 loopback",
        arguments: ["/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0"]
    )
    func connectionAddresses(listen: String) async throws {
        var server = try Self.configuration()
        server.listenAddresses = [try Multiaddr(listen)]
        try await withHost(server) { b in
            try await withHost(try Self.configuration(listening: false)) { a in
                let dialerEvents = a.events()
                let listenerEvents = b.events()
                try await a.connect(b.dialableAddresses[0])
                var dialed: Multiaddr?
                for await event in dialerEvents {
                    if case .connected(_, let address, .outbound) = event {
                        dialed = address
                        break
                    }
                }
                #expect(dialed == b.listenAddresses[0])
                var accepted: Multiaddr?
                for await event in listenerEvents {
                    if case .connected(_, let address, .inbound) = event {
                        accepted = address
                        break
                    }
                }
                let remote = try #require(accepted)
                let host = listen.hasPrefix("/ip4") ? "/ip4/127.0.0.1/tcp/" : "/ip6/::1/tcp/"
                #expect(remote.description.hasPrefix(host))
                #expect(remote.tcpPort != nil && remote.tcpPort != b.listenAddresses[0].tcpPort)
            }
        }
    }

    @Test("a custom protocol echoes 10 MB with its hash intact, and 50 streams run at once")
    func customProtocol() async throws {
        try await withHost(try Self.configuration()) { a in
            try await withHost(try Self.configuration()) { b in
                b.register("/test/echo/1.0.0") { stream in
                    while let chunk = try await stream.read() { try await stream.write(chunk) }
                }
                try await a.connect(b.dialableAddresses[0])
                let payload = (0..<(10 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
                let stream = try await a.newStream(to: b.peerID, protocols: ["/test/echo/1.0.0"])
                async let echoed = stream.readToEnd(maximum: payload.count)
                try await stream.write(payload)
                stream.closeWrite()
                let back = try await echoed
                #expect(SHA256.hash(back) == SHA256.hash(payload))

                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for i in 0..<50 {
                        group.addTask {
                            let s = try await a.newStream(to: b.peerID, protocols: ["/test/echo/1.0.0"])
                            let message = Array("stream \(i) says hello".utf8) + secureRandomBytes(1000)
                            try await s.write(message)
                            s.closeWrite()
                            return try await s.readToEnd(maximum: 10_000) == message
                        }
                    }
                    var ok = 0
                    for try await result in group where result { ok += 1 }
                    #expect(ok == 50)
                }
            }
        }
    }

    @Test("perf moves the requested bytes both ways")
    func perf() async throws {
        try await withHost(try Self.configuration()) { a in
            try await withHost(try Self.configuration()) { b in
                try await a.connect(b.dialableAddresses[0])
                let result = try await a.perf(b.peerID, upload: 3_000_000, download: 5_000_000)
                #expect(result.uploaded == 3_000_000)
                #expect(result.downloaded == 5_000_000)
            }
        }
    }

    @Test("an unsupported protocol fails negotiation and the connection keeps working")
    func unsupportedProtocol() async throws {
        try await withHost(try Self.configuration()) { a in
            try await withHost(try Self.configuration()) { b in
                try await a.connect(b.dialableAddresses[0])
                await #expect(throws: ShoalError.self) {
                    _ = try await a.newStream(to: b.peerID, protocols: ["/nope/1.0.0"])
                }
                let rtts = try await a.ping(b.peerID)
                #expect(rtts.count == 1)
            }
        }
    }

    @Test("dialing with the wrong /p2p/ peer ID fails the handshake")
    func wrongPeerID() async throws {
        try await withHost(try Self.configuration()) { a in
            try await withHost(try Self.configuration()) { b in
                let other = PrivateKey().peerID
                let address = try b.listenAddresses[0].encapsulate(Multiaddr.Component.p2p(other.bytes))
                await #expect(throws: ShoalError.self) { try await a.connect(address) }
                #expect(a.connectedPeers.isEmpty)
            }
        }
    }
}
