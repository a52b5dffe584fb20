import Logging
public import ShoalCore
import ShoalCrypto
import ShoalTransport

/// The ping protocol (`/ipfs/ping/1.0.0`): 32 random bytes, echoed.
enum Ping {
    static let protocolID = "/ipfs/ping/1.0.0"
    static let payloadLength = 32
    /// The server closes a ping stream idle this long (go: 30 s stream life, py: 10 s idle).
    static let idleTimeout: Duration = .seconds(30)
}

extension P2PHost {
    func registerPing() {
        // At most 2 inbound ping streams per peer, as the spec asks.
        registry.register(
            Ping.protocolID,
            options: ProtocolOptions(maximumInboundStreamsPerPeer: 2),
            onConnectionLoop: true
        ) { stream in
            while true {
                let payload = try await self.withStreamDeadline(
                    Ping.idleTimeout,
                    on: stream.connection,
                    stream.streamID,
                    "ping read"
                ) {
                    try await Self.readPing(stream)
                }
                guard let payload else { return }
                try await stream.write(payload)
            }
        }
    }

    private static func readPing(_ stream: ShoalStream) async throws -> [UInt8]? {
        var payload: [UInt8] = []
        while payload.count < Ping.payloadLength {
            guard let chunk = try await stream.read(upTo: Ping.payloadLength - payload.count) else {
                if payload.isEmpty { return nil }
                throw ShoalError(.closed, "ping stream ended inside a payload")
            }
            payload += chunk
        }
        return payload
    }

    /// Pings `peer` `count` times on one stream.
    ///
    /// The first payload travels with the protocol proposal (lazy multistream-select): one round trip, not two.
    /// - Returns: the round-trip time of each ping.
    /// - Throws: ``ShoalError`` `.protocolViolation` when an echo differs, `.timeout` after 10 s without an echo,
    ///   `.negotiationFailed` when the peer does not serve ping.
    public func ping(_ peer: PeerID, count: Int = 1) async throws -> [Duration] {
        precondition(count > 0, "ping count must be positive")
        let connection = try await connection(to: peer)
        let clock = ContinuousClock()
        var payload = secureRandomBytes(Ping.payloadLength)
        var start = clock.now
        let stream = try await openStreamLazily(on: connection, protocolID: Ping.protocolID, first: payload)
        defer { stream.closeWrite() }
        var rtts: [Duration] = []
        for index in 0..<count {
            if index > 0 {
                payload = secureRandomBytes(Ping.payloadLength)
                start = clock.now
                try await stream.write(payload)
            }
            let echo = try await withStreamDeadline(.seconds(10), on: connection, stream.streamID, "ping echo") {
                try await stream.readExactly(Ping.payloadLength)
            }
            guard echo == payload else {
                stream.reset()
                throw ShoalError(.protocolViolation, "ping echo from \(peer) does not match")
            }
            rtts.append(clock.now - start)
        }
        return rtts
    }
}
