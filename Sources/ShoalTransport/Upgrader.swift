import ShoalCore
import ShoalSecurity
import ShoalWire

/// The raw socket as the upgrade sees it: read chunks (nil at end of stream) and write bytes, in order.
protocol ChunkIO {
    mutating func readChunk() async throws -> [UInt8]?
    mutating func write(_ bytes: [UInt8]) async throws
}

/// What the upgrade produced: an authenticated peer and the state the connection runtime continues with.
struct UpgradeResult: Sendable {
    var remotePublicKey: PublicKey
    var sealer: ConnectionSealer
    var opener: ConnectionOpener
    /// Plaintext already received after the muxer negotiation: the first yamux bytes.
    var muxerLeftover: [UInt8]
}

/// Runs the libp2p connection upgrade over a raw byte pipe:
/// (pnet) → multistream-select `/noise` → Noise XX → (inside Noise) multistream-select `/yamux/1.0.0`.
///
/// Each step hands the bytes it read past its end to the next, so peers that pipeline (go, rust) work. The upgrade
/// takes no clock: the caller bounds it with a deadline by closing the socket.
struct Upgrader {
    static let yamuxProtocol = "/yamux/1.0.0"

    var direction: Direction
    var identity: PrivateKey
    var expectedPeer: PeerID?
    var psk: PreSharedKey?
    var multistream = MultistreamConfiguration()

    func run<IO: ChunkIO>(_ io: inout IO) async throws -> UpgradeResult {
        var raw = RawLayer(io: io, pnet: try psk.map { try PrivateNetworkConnection(psk: $0) })
        defer { io = raw.io }
        if raw.pnet != nil { try await raw.io.write(raw.pnet!.start()) }

        // 1. multistream-select: /noise
        let afterNoiseNegotiation = try await negotiate([NoiseHandshake.protocolID], initial: [], over: &raw)

        // 2. Noise XX
        var expected: NoiseHandshake.ExpectedPeer?
        if let expectedPeer {
            expected = .matching(description: expectedPeer.base58, matches: { expectedPeer.matches($0) })
        }
        var handshake = NoiseHandshake(
            role: direction == .outbound ? .initiator : .responder,
            configuration: .init(identity: identity, expectedPeer: expected)
        )
        try await raw.send(handshake.start())
        var input = afterNoiseNegotiation
        var outcome: NoiseHandshakeResult?
        while outcome == nil {
            if !input.isEmpty {
                let step = try handshake.receive(input)
                try await raw.send(step.bytesToSend)
                outcome = step.result
            }
            if outcome == nil { input = try await raw.receive() }
        }
        guard let result = outcome else { throw ShoalError(.internalError, "Noise handshake ended without a result") }

        // 3. multistream-select inside Noise: /yamux/1.0.0
        var secure = NoiseLayer(raw: raw, transport: result.transport)
        var pending: [UInt8] = []
        try secure.transport.decrypt([UInt8](), appendingTo: &pending)
        let leftover = try await negotiate([Self.yamuxProtocol], initial: pending, over: &secure)
        raw = secure.raw
        return UpgradeResult(
            remotePublicKey: result.remoteIdentity,
            sealer: ConnectionSealer(noise: secure.transport, privateNetwork: secure.raw.pnet),
            opener: ConnectionOpener(noise: secure.transport, privateNetwork: secure.raw.pnet),
            muxerLeftover: leftover
        )
    }

    /// One multistream-select negotiation, dialer or listener by direction; returns the bytes read past it.
    private func negotiate<L: NegotiationChannel>(
        _ protocols: [String],
        initial: [UInt8],
        over layer: inout L
    ) async throws -> [UInt8] {
        if direction == .outbound {
            var dialer = try MultistreamDialer(proposals: protocols, configuration: multistream)
            return try await ShoalTransport.negotiate(&dialer, initial: initial, over: &layer).leftover
        }
        var listener = try MultistreamListener(supported: Set(protocols), configuration: multistream)
        return try await ShoalTransport.negotiate(&listener, initial: initial, over: &layer).leftover
    }
}

/// The raw socket, through the pnet XSalsa20 stream when the network is private.
private struct RawLayer<IO: ChunkIO>: NegotiationChannel {
    var io: IO
    var pnet: PrivateNetworkConnection?

    mutating func send(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await io.write(pnet == nil ? bytes : pnet!.encrypt(bytes))
    }

    mutating func receive() async throws -> [UInt8] {
        while true {
            guard let chunk = try await io.readChunk() else {
                throw ShoalError(.closed, "connection closed during the upgrade")
            }
            let clear = pnet == nil ? chunk : pnet!.decrypt(chunk)
            if !clear.isEmpty { return clear }
        }
    }
}

/// Noise transport frames over the raw layer.
private struct NoiseLayer<IO: ChunkIO>: NegotiationChannel {
    var raw: RawLayer<IO>
    var transport: NoiseTransport

    mutating func send(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await raw.send(transport.encrypt(bytes))
    }

    mutating func receive() async throws -> [UInt8] {
        var plaintext: [UInt8] = []
        while plaintext.isEmpty {
            try transport.decrypt(try await raw.receive(), appendingTo: &plaintext)
        }
        return plaintext
    }
}
