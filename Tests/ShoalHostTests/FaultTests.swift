import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalMultiformats
import ShoalSecurity
import ShoalTransport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("P2PHost under bad input and faults")
struct FaultTests {
    static func configuration() throws -> HostConfiguration { try HostTests.configuration() }

    /// Checks that `host` still serves a fresh, well-behaved peer.
    ///
    /// A server with a deliberately short handshake deadline can time out a legitimate client too when the machine is
    /// loaded (debug builds, every suite running at once), so the check allows three attempts.
    static func stillServes(_ host: P2PHost) async throws {
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                try await withHost(try configuration(listening: false)) { client in
                    let peer = try await client.connect(host.dialableAddresses[0])
                    #expect(try await client.ping(peer).count == 1)
                }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    static func configuration(listening: Bool) throws -> HostConfiguration {
        try HostTests.configuration(listening: listening)
    }

    @Test("garbage instead of a handshake: that connection is closed, others keep working")
    func garbage() async throws {
        try await withHost(try Self.configuration()) { server in
            let socket = try RawSocket(port: server.listenAddresses[0].tcpPort!)
            var rng = SystemRandomNumberGenerator()
            socket.send((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let (_, closed) = await socket.readUntilClosed()
            #expect(closed)
            try await Self.stillServes(server)
        }
    }

    @Test("a peer that stalls mid-handshake is cut at the handshake deadline")
    func stall() async throws {
        var configuration = try Self.configuration()
        configuration.handshakeTimeout = .seconds(2)
        try await withHost(configuration) { server in
            let events = server.events()
            let socket = try RawSocket(port: server.listenAddresses[0].tcpPort!)
            // A valid multistream header, then silence.
            socket.send([0x13] + Array("/multistream/1.0.0\n".utf8) + [0x07] + Array("/noise\n".utf8))
            let clock = ContinuousClock()
            let start = clock.now
            let (_, closed) = await socket.readUntilClosed()
            #expect(closed)
            #expect(clock.now - start < .seconds(20))
            var sawTimeout = false
            for await event in events {
                if case .connectionFailed(_, let reason) = event, reason.contains("timeout") {
                    sawTimeout = true
                    break
                }
            }
            #expect(sawTimeout)
            try await Self.stillServes(server)
        }
    }

    @Test("a 1 GiB length prefix is refused and only that stream is reset")
    func hugeLengthPrefix() async throws {
        try await withHost(try Self.configuration()) { server in
            let failures = LockedBox<[String]>([])
            server.register("/test/message/1.0.0") { stream in
                do { _ = try await stream.readMessage() } catch let error as ShoalError {
                    failures.mutate { $0.append("\(error.code)") }
                    throw error
                }
            }
            try await withHost(try Self.configuration(listening: false)) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                let stream = try await client.newStream(to: peer, protocols: ["/test/message/1.0.0"])
                try await stream.write(UVarint.encode(1 << 30) + [1, 2, 3])
                // The server resets the stream: our read ends with an error, not data.
                await #expect(throws: ShoalError.self) { _ = try await stream.readToEnd(maximum: 1024) }
                #expect(failures.value == ["limit_exceeded"])
                #expect(try await client.ping(peer).count == 1)
            }
        }
    }

    @Test("private networks: same PSK connects, a different or missing PSK never completes a handshake")
    func privateNetworks() async throws {
        let psk = PreSharedKey.random()
        var a = try Self.configuration()
        a.privateNetworkKey = psk
        a.handshakeTimeout = .seconds(3)
        var b = try Self.configuration(listening: false)
        b.privateNetworkKey = psk
        b.handshakeTimeout = .seconds(3)
        try await withHost(a) { server in
            try await withHost(b) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                #expect(try await client.ping(peer).count == 1)
            }
            var other = try Self.configuration(listening: false)
            other.privateNetworkKey = PreSharedKey.random()
            other.handshakeTimeout = .seconds(3)
            try await withHost(other) { client in
                await #expect(throws: (any Error).self) { try await client.connect(server.dialableAddresses[0]) }
            }
            var none = try Self.configuration(listening: false)
            none.handshakeTimeout = .seconds(3)
            try await withHost(none) { client in
                await #expect(throws: (any Error).self) { try await client.connect(server.dialableAddresses[0]) }
            }
        }
    }

    @Test("the gater refuses a denied peer; the connection limit refuses extra peers")
    func gaterAndLimits() async throws {
        let denied = PrivateKey()
        var configuration = try Self.configuration()
        configuration.gater = .denying([denied.peerID])
        configuration.limits.maximumConnections = 1
        try await withHost(configuration) { server in
            var deniedConfiguration = try Self.configuration(listening: false)
            deniedConfiguration.identity = denied
            try await withHost(deniedConfiguration) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                // The server closes right after the handshake: streams fail.
                await #expect(throws: (any Error).self) {
                    for _ in 0..<20 { _ = try await client.ping(peer) }
                }
            }
            try await withHost(try Self.configuration(listening: false)) { first in
                let peer = try await first.connect(server.dialableAddresses[0])
                #expect(try await first.ping(peer).count == 1)
                try await withHost(try Self.configuration(listening: false)) { second in
                    let peer2 = try await second.connect(server.dialableAddresses[0])
                    await #expect(throws: (any Error).self) {
                        for _ in 0..<20 { _ = try await second.ping(peer2) }
                    }
                }
                #expect(try await first.ping(peer).count == 1)
            }
        }
    }

    @Test("simultaneous dials settle on one connection both sides agree on")
    func simultaneousDial() async throws {
        try await withHost(try Self.configuration()) { a in
            try await withHost(try Self.configuration()) { b in
                async let ab = a.connect(b.dialableAddresses[0])
                async let ba = b.connect(a.dialableAddresses[0])
                _ = try await (ab, ba)
                // Streams work both ways, whichever connection each side picked.
                #expect(try await a.ping(b.peerID).count == 1)
                #expect(try await b.ping(a.peerID).count == 1)
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(20)
                while (a.connectionCount != 1 || b.connectionCount != 1) && clock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(a.connectionCount == 1)
                #expect(b.connectionCount == 1)
            }
        }
    }

    @Test("a third concurrent ping stream from one peer is reset (2 per peer)")
    func perProtocolStreamLimit() async throws {
        try await withHost(try Self.configuration()) { server in
            try await withHost(try Self.configuration(listening: false)) { client in
                let peer = try await client.connect(server.dialableAddresses[0])
                let s1 = try await client.newStream(to: peer, protocols: ["/ipfs/ping/1.0.0"])
                let s2 = try await client.newStream(to: peer, protocols: ["/ipfs/ping/1.0.0"])
                let s3 = try await client.newStream(to: peer, protocols: ["/ipfs/ping/1.0.0"])
                let payload = secureRandomBytes(32)
                try await s1.write(payload)
                try await s2.write(payload)
                #expect(try await s1.readExactly(32) == payload)
                #expect(try await s2.readExactly(32) == payload)
                try? await s3.write(payload)
                await #expect(throws: ShoalError.self) { _ = try await s3.readExactly(32) }
                s1.closeWrite()
                s2.closeWrite()
            }
        }
    }

    @Test("shutdown closes connections with GoAway and the peer sees the disconnect")
    func gracefulShutdown() async throws {
        try await withHost(try Self.configuration()) { a in
            let events = a.events()
            let bPeer = try await withHost(try Self.configuration()) { b in
                try await a.connect(b.dialableAddresses[0])
            }
            var disconnected = false
            for await event in events {
                if case .disconnected(let peer, _) = event, peer == bPeer {
                    disconnected = true
                    break
                }
            }
            #expect(disconnected)
            #expect(a.connectedPeers.isEmpty)
        }
    }
}

/// A value shared between tasks in tests.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLockLike()
    init(_ value: Value) { stored = value }
    var value: Value { lock.locked { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.locked { body(&stored) } }
}

/// A pthread mutex, enough for tests.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
