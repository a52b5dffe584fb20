import ShoalCore
import ShoalSecurity
import ShoalWire

/// What the upgrade produced: an authenticated peer and the state the connection runtime continues with.
struct UpgradeResult: Sendable {
    var remotePublicKey: PublicKey
    var sealer: ConnectionSealer
    var opener: ConnectionOpener
    /// Plaintext already received after the muxer negotiation: the first yamux bytes.
    var muxerLeftover: [UInt8]
}

/// The libp2p connection upgrade as a synchronous machine over raw socket bytes:
/// (pnet) → multistream-select `/noise` → Noise XX → (inside Noise) multistream-select `/yamux/1.0.0`.
///
/// Bytes in (``receive(_:)``), bytes to write out; each step hands the bytes it read past its end to the next, so
/// peers that pipeline (go, rust) work. It reads no clock and does no I/O: ``UpgradeHandler`` drives it on the
/// connection's event loop and bounds it with the handshake deadline.
struct Upgrader {
    static let yamuxProtocol = "/yamux/1.0.0"

    /// One multistream-select negotiation, either side (concrete, no existential on the hot path).
    private enum Negotiation {
        case dialer(MultistreamDialer)
        case listener(MultistreamListener)

        init(direction: Direction, protocolID: String, configuration: MultistreamConfiguration) throws {
            if direction == .outbound {
                self = .dialer(try MultistreamDialer(proposals: [protocolID], configuration: configuration))
            } else {
                self = .listener(try MultistreamListener(supported: [protocolID], configuration: configuration))
            }
        }

        mutating func start() -> [UInt8] {
            switch self {
            case .dialer(var machine):
                defer { self = .dialer(machine) }
                return machine.start()
            case .listener(var machine):
                defer { self = .listener(machine) }
                return machine.start()
            }
        }

        mutating func receive(_ bytes: [UInt8]) throws -> [MultistreamAction] {
            switch self {
            case .dialer(var machine):
                defer { self = .dialer(machine) }
                return try machine.receive(bytes)
            case .listener(var machine):
                defer { self = .listener(machine) }
                return try machine.receive(bytes)
            }
        }
    }

    private enum Phase {
        case security(Negotiation)
        case handshake(NoiseHandshake)
        case muxer(Negotiation, NoiseTransport)
        case done
    }

    let direction: Direction
    let identity: PrivateKey
    let expectedPeer: PeerID?
    let staticIdentity: NoiseStaticIdentity?
    let verifiedStatics: NoiseVerifiedStatics?
    let multistream: MultistreamConfiguration
    private var pnet: PrivateNetworkConnection?
    private var phase: Phase
    private var remoteIdentity: PublicKey?
    /// The listener's multistream header (clear text), held back until the dialer's first bytes arrive so that it
    /// leaves in the same write as the answer to the dialer's proposal.
    private var deferredHeader: [UInt8]?

    /// An upgrade for one connection.
    /// - Parameters:
    ///   - expectedPeer: the peer the dialer meant to reach (the handshake fails for any other).
    ///   - psk: the private network key, if the network is private.
    ///   - staticIdentity: a Noise static key signed in advance by `identity` (nil: a new one for this upgrade).
    ///   - verifiedStatics: the peers' static-key signatures already verified (nil: verify every one).
    init(
        direction: Direction,
        identity: PrivateKey,
        expectedPeer: PeerID?,
        psk: PreSharedKey?,
        staticIdentity: NoiseStaticIdentity? = nil,
        verifiedStatics: NoiseVerifiedStatics? = nil,
        multistream: MultistreamConfiguration = MultistreamConfiguration()
    ) throws {
        self.direction = direction
        self.identity = identity
        self.expectedPeer = expectedPeer
        self.staticIdentity = staticIdentity
        self.verifiedStatics = verifiedStatics
        self.multistream = multistream
        self.pnet = try psk.map { try PrivateNetworkConnection(psk: $0) }
        self.phase = .security(
            try Negotiation(direction: direction, protocolID: NoiseHandshake.protocolID, configuration: multistream)
        )
    }

    /// Whether the upgrade has finished.
    var isDone: Bool {
        if case .done = phase { return true }
        return false
    }

    /// The bytes to write as soon as the socket is open: the pnet nonce and, for the dialer, the first
    /// multistream-select message.
    ///
    /// The listener's header waits for the dialer's first bytes (every dialer speaks first: go, rust, js and py
    /// all send their header without waiting for ours) and then leaves with the answer to the proposal, one write
    /// and one segment instead of two.
    mutating func start() -> [UInt8] {
        guard case .security(var negotiation) = phase else { return [] }
        var out = pnet?.start() ?? []
        if direction == .inbound {
            deferredHeader = negotiation.start()
        } else {
            out += encrypted(negotiation.start())
        }
        phase = .security(negotiation)
        return out
    }

    /// Takes raw bytes from the socket.
    /// - Returns: the raw bytes to write, and the result once the upgrade is complete (the machine then takes no
    ///   more input: later bytes belong to the connection runtime).
    mutating func receive(_ raw: [UInt8]) throws -> (output: [UInt8], result: UpgradeResult?) {
        guard !isDone else { throw ShoalError(.internalError, "connection upgrade fed after it finished") }
        let clear = pnet == nil ? raw : pnet!.decrypt(raw)
        var out: [UInt8] = []
        if let header = deferredHeader {
            deferredHeader = nil
            out = encrypted(header)
        }
        let result = try advance(clear, &out)
        return (out, result)
    }

    // MARK: - Steps

    private mutating func advance(_ input: [UInt8], _ out: inout [UInt8]) throws -> UpgradeResult? {
        var input = input
        while true {
            switch phase {
            case .security(var negotiation):
                guard !input.isEmpty else { return nil }
                var agreed: [UInt8]?
                for action in try negotiation.receive(input) {
                    switch action {
                    case .write(let bytes): out += encrypted(bytes)
                    case .agreed(_, let rest): agreed = rest
                    }
                }
                guard let rest = agreed else {
                    phase = .security(negotiation)
                    return nil
                }
                let expected = expectedPeer.map { NoiseHandshake.ExpectedPeer.peer($0) }
                var handshake = NoiseHandshake(
                    role: direction == .outbound ? .initiator : .responder,
                    configuration: .init(
                        identity: identity,
                        expectedPeer: expected,
                        staticIdentity: staticIdentity,
                        verifiedStatics: verifiedStatics
                    )
                )
                out += encrypted(try handshake.start())
                phase = .handshake(handshake)
                input = rest
            case .handshake(var handshake):
                guard !input.isEmpty else { return nil }
                let step = try handshake.receive(input)
                out += encrypted(step.bytesToSend)
                guard let result = step.result else {
                    phase = .handshake(handshake)
                    return nil
                }
                remoteIdentity = result.remoteIdentity
                var transport = result.transport
                // Bytes that followed the last handshake message are already in the transport's buffer.
                var pending: [UInt8] = []
                try transport.decrypt([UInt8](), appendingTo: &pending)
                var negotiation = try Negotiation(
                    direction: direction,
                    protocolID: Self.yamuxProtocol,
                    configuration: multistream
                )
                out += encrypted(try transport.encrypt(negotiation.start()))
                phase = .muxer(negotiation, transport)
                if pending.isEmpty { return nil }
                return try negotiateMuxer(plaintext: pending, &out)
            case .muxer(let negotiation, var transport):
                guard !input.isEmpty else { return nil }
                var plaintext: [UInt8] = []
                try transport.decrypt(input, appendingTo: &plaintext)
                phase = .muxer(negotiation, transport)
                if plaintext.isEmpty { return nil }
                return try negotiateMuxer(plaintext: plaintext, &out)
            case .done:
                return nil
            }
        }
    }

    /// Feeds decrypted bytes to the muxer negotiation (inside Noise).
    private mutating func negotiateMuxer(plaintext: [UInt8], _ out: inout [UInt8]) throws -> UpgradeResult? {
        guard case .muxer(var negotiation, var transport) = phase else { return nil }
        for action in try negotiation.receive(plaintext) {
            switch action {
            case .write(let bytes):
                out += encrypted(try transport.encrypt(bytes))
            case .agreed(_, let rest):
                guard let remoteIdentity else {
                    throw ShoalError(.internalError, "connection upgrade finished without a remote identity")
                }
                phase = .done
                return UpgradeResult(
                    remotePublicKey: remoteIdentity,
                    sealer: ConnectionSealer(noise: transport, privateNetwork: pnet),
                    opener: ConnectionOpener(noise: transport, privateNetwork: pnet),
                    muxerLeftover: rest
                )
            }
        }
        phase = .muxer(negotiation, transport)
        return nil
    }

    /// `bytes` through the pnet stream when the network is private.
    private mutating func encrypted(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty, pnet != nil else { return bytes }
        return pnet!.encrypt(bytes)
    }
}
