import Dispatch
import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalSecurity
import ShoalWire
import Testing

@Suite("yamux keepalive on live connections")
struct KeepaliveTests {
    /// A host whose connections ping every 200 ms and give up 300 ms after an unanswered ping.
    static func configuration(listening: Bool) throws -> HostConfiguration {
        var configuration = try HostTests.configuration(listening: listening)
        configuration.yamux = YamuxConfiguration(
            keepaliveInterval: .milliseconds(200),
            keepaliveTimeout: .milliseconds(300)
        )
        configuration.identifyOnConnect = false
        return configuration
    }

    @Test("a peer that answers keepalive pings stays connected over many intervals")
    func answeringPeer() async throws {
        try await withHost(try Self.configuration(listening: true)) { b in
            try await withHost(try Self.configuration(listening: false)) { a in
                try await a.connect(b.dialableAddresses[0])
                try await Task.sleep(for: .milliseconds(1500))
                #expect(a.connectedPeers == [b.peerID])
                #expect(try await a.ping(b.peerID).count == 1)
            }
        }
    }

    @Test("a peer that completes the upgrade and then stops reading is disconnected by the keepalive")
    func silentPeer() async throws {
        try await withHost(try Self.configuration(listening: true)) { host in
            let port = try #require(host.listenAddresses[0].tcpPort)
            let events = host.events()
            let identity = PrivateKey()
            // The peer's socket stays open (and unread) until the test ends.
            let socket = try await SilentPeer.upgrade(port: port, identity: identity)
            let peer = identity.peerID
            let outcome = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    var connected = false
                    for await event in events {
                        switch event {
                        case .connected(let p, _, _) where p == peer: connected = true
                        case .disconnected(let p, let reason) where p == peer && connected: return reason
                        default: break
                        }
                    }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(30))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            #expect(outcome != nil, "the silent peer was never disconnected")
            #expect(host.connectionCount == 0)
            withExtendedLifetime(socket) {}
        }
    }
}

/// A libp2p dialer written out by hand over a blocking socket: multistream-select `/noise`, the Noise handshake,
/// then the `/yamux/1.0.0` proposal inside Noise; after that it never reads or writes again.
enum SilentPeer {
    static func upgrade(port: UInt16, identity: PrivateKey) async throws -> RawSocket {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingUpgrade(port: port, identity: identity) })
            }
        }
    }

    /// A multistream-select message: uvarint length, the text, a newline (all texts here are under 127 bytes).
    static func line(_ text: String) -> [UInt8] {
        [UInt8(text.utf8.count + 1)] + Array(text.utf8) + [0x0a]
    }

    private static func blockingUpgrade(port: UInt16, identity: PrivateKey) throws -> RawSocket {
        let socket = try RawSocket(port: port)
        var handshake = NoiseHandshake(role: .initiator, configuration: .init(identity: identity))
        // Pipelined, as go and rust dial: the proposal and the first Noise message in one write.
        socket.send(line("/multistream/1.0.0") + line("/noise") + (try handshake.start()))
        let agreement = line("/multistream/1.0.0") + line("/noise")
        var received: [UInt8] = []
        while received.count < agreement.count {
            guard let bytes = socket.blockingReceive() else { throw RawSocketError() }
            received += bytes
        }
        guard Array(received.prefix(agreement.count)) == agreement else { throw RawSocketError() }
        var pending = Array(received.dropFirst(agreement.count))
        while true {
            let step = try handshake.receive(pending)
            if !step.bytesToSend.isEmpty { socket.send(step.bytesToSend) }
            if var result = step.result {
                socket.send(try result.transport.encrypt(line("/multistream/1.0.0") + line("/yamux/1.0.0")))
                return socket
            }
            guard let bytes = socket.blockingReceive() else { throw RawSocketError() }
            pending = bytes
        }
    }
}
