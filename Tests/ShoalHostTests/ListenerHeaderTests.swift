import ShoalCore
import ShoalHost
import ShoalMultiformats
import Testing

@Suite("the listener's multistream header")
struct ListenerHeaderTests {
    static let header: [UInt8] = [0x13] + Array("/multistream/1.0.0\n".utf8)
    static let noise: [UInt8] = [0x07] + Array("/noise\n".utf8)

    /// What a server with a 2 s handshake deadline writes to a raw socket that sends `bytes` (or nothing) and then
    /// stays silent until the server closes it.
    static func answer(to bytes: [UInt8]?) async throws -> [UInt8] {
        var configuration = try HostTests.configuration()
        configuration.handshakeTimeout = .seconds(2)
        return try await withHost(configuration) { server in
            let socket = try RawSocket(port: server.listenAddresses[0].tcpPort!)
            if let bytes { socket.send(bytes) }
            let (received, closed) = await socket.readUntilClosed()
            #expect(closed)
            return received
        }
    }

    @Test("is held back until the dialer speaks, then sent with the answer to its proposal")
    func deferredHeader() async throws {
        // A silent dialer gets nothing before the deadline closes the socket.
        #expect(try await Self.answer(to: nil).isEmpty)
        // A dialer that sends only its header and waits (as py-libp2p's does) gets ours at once.
        #expect(try await Self.answer(to: Self.header) == Self.header)
        // A pipelined header and proposal get the header and the echo, in order.
        #expect(try await Self.answer(to: Self.header + Self.noise) == Self.header + Self.noise)
    }
}
