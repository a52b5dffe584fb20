public import ShoalCore
public import ShoalCrypto

/// The libp2p Noise handshake (`/noise`) as a pure state machine: bytes in, bytes to send and a result out.
///
/// Messages are framed with a u16 big-endian length. Message 1 carries an empty payload; messages 2 and 3 carry the
/// `NoiseHandshakePayload` (identity key and its signature over the sender's static X25519 key). A new random static
/// X25519 key is made per handshake unless one is configured.
///
/// Use:
/// 1. `var hs = NoiseHandshake(role:configuration:)`; send `try hs.start()` (message 1 for the initiator, nothing
///    for the responder).
/// 2. For every chunk received, `let step = try hs.receive(chunk)`: send `step.bytesToSend`; when `step.result` is
///    set the handshake is done and `result.transport` takes over.
/// 3. Bytes that arrived after the last handshake message are already inside `result.transport`: drain them with
///    `transport.decrypt([], appendingTo:)` (or `nextPlaintext()`) before reading more from the connection.
///
/// Deadlines: the machine reads no clock. The shell must enforce a handshake timeout (close the connection when the
/// handshake is not complete in time, e.g. 10-60 s as go and rust do), because a peer can simply stop sending.
/// Any thrown error is fatal: the machine then refuses further input with ``ShoalError/Code/closed``.
public struct NoiseHandshake: Sendable {
    /// The multistream protocol ID of this security layer.
    public static let protocolID = "/noise"
    /// The largest handshake message (the u16 length field).
    public static let maximumMessageLength = 65535
    /// The most received bytes held before the handshake completes (one message plus pipelined transport frames).
    public static let maximumBufferedByteCount = 1 << 20

    /// Who this side expects on the other end (the `/p2p/` component of a dialled address).
    public enum ExpectedPeer: Sendable {
        /// The remote identity key must equal this key.
        case publicKey(PublicKey)
        /// The remote identity key must satisfy `matches`; `description` names the expected peer in errors.
        case matching(description: String, matches: @Sendable (PublicKey) -> Bool)
        /// The remote identity key must be `peer`'s (the `/p2p/` of a dialled address); its text form is only made
        /// for an error.
        case peer(PeerID)
    }

    /// How to run one handshake.
    public struct Configuration: Sendable {
        /// This node's identity key (signs the static key).
        public var identity: PrivateKey
        /// The peer the initiator dialled, if known. A different remote identity is an error.
        public var expectedPeer: ExpectedPeer?
        /// The static X25519 key; nil for a fresh random key (the default, as go does).
        public var staticKey: X25519.PrivateKey?
        /// A static key signed once for many handshakes (takes precedence over ``staticKey``); it must have been
        /// made with ``identity``.
        public var staticIdentity: NoiseStaticIdentity?
        /// Static-key signatures already verified (shared by a host's handshakes); nil to verify every one.
        public var verifiedStatics: NoiseVerifiedStatics?
        /// An injected ephemeral key, for tests only; nil for a fresh random key.
        public var ephemeralKey: X25519.PrivateKey?
        /// The Noise prologue; empty for TCP.
        public var prologue: [UInt8]

        /// A configuration.
        /// - Parameters:
        ///   - identity: this node's identity key.
        ///   - expectedPeer: the peer the initiator dialled, if known.
        ///   - staticKey: the static X25519 key, nil for a new random one.
        ///   - staticIdentity: a static key signed in advance with `identity`, reused across handshakes.
        ///   - verifiedStatics: a memo of the peers' static-key signatures that verified, nil for none.
        ///   - ephemeralKey: an ephemeral key for tests, nil for a new random one.
        ///   - prologue: the Noise prologue, empty for TCP.
        public init(
            identity: PrivateKey,
            expectedPeer: ExpectedPeer? = nil,
            staticKey: X25519.PrivateKey? = nil,
            staticIdentity: NoiseStaticIdentity? = nil,
            verifiedStatics: NoiseVerifiedStatics? = nil,
            ephemeralKey: X25519.PrivateKey? = nil,
            prologue: [UInt8] = []
        ) {
            self.identity = identity
            self.expectedPeer = expectedPeer
            self.staticKey = staticKey
            self.staticIdentity = staticIdentity
            self.verifiedStatics = verifiedStatics
            self.ephemeralKey = ephemeralKey
            self.prologue = prologue
        }
    }

    /// What one call produced.
    public struct Step: Sendable {
        /// Bytes to write to the connection now (may be empty).
        public var bytesToSend: [UInt8]
        /// Set when the handshake has completed.
        public var result: NoiseHandshakeResult?
    }

    private enum State: Sendable {
        case notStarted
        case running
        case complete
        case failed(String)
    }

    private var noise: NoiseXXHandshakeState
    private let identity: PrivateKey
    private let expectedPeer: ExpectedPeer?
    private let verifiedStatics: NoiseVerifiedStatics?
    private var state = State.notStarted
    private var inbound: [UInt8] = []
    /// This side's payload when signed in advance (``Configuration/staticIdentity``).
    private var localPayload: [UInt8]?

    // MARK: - Initialisation

    /// A handshake for one connection.
    /// - Parameters:
    ///   - role: `.initiator` for the dialer, `.responder` for the listener.
    ///   - configuration: identity, expected peer and (for tests) injected keys.
    public init(role: NoiseRole, configuration: Configuration) {
        noise = NoiseXXHandshakeState(
            role: role,
            localStatic: configuration.staticIdentity?.staticKey ?? configuration.staticKey ?? X25519.PrivateKey(),
            localEphemeral: configuration.ephemeralKey,
            prologue: configuration.prologue
        )
        identity = configuration.identity
        expectedPeer = configuration.expectedPeer
        verifiedStatics = configuration.verifiedStatics
        if let staticIdentity = configuration.staticIdentity {
            precondition(
                staticIdentity.identity == configuration.identity.publicKey,
                "Noise static identity was signed by another identity key"
            )
            localPayload = staticIdentity.payload
        }
    }

    /// This side's role.
    public var role: NoiseRole { noise.role }

    /// Whether the handshake has completed.
    public var isComplete: Bool {
        if case .complete = state { return true }
        return false
    }

    // MARK: - Inputs

    /// Starts the handshake.
    /// - Returns: the framed message 1 for the initiator; nothing for the responder.
    /// - Throws: ``ShoalError`` with code `invalidArgument` when called twice, `closed` after a failure.
    public mutating func start() throws -> [UInt8] {
        try checkState(starting: true)
        state = .running
        guard role == .initiator else { return [] }
        do { return Self.frame(try noise.writeMessage(payload: [UInt8]())) } catch { throw fail(error) }
    }

    /// Takes bytes received from the peer.
    /// - Returns: bytes to send and, once the handshake is complete, its result.
    /// - Throws: ``ShoalError`` with code `malformedInput` (bad framing, truncated message, undecodable payload),
    ///   `protocolViolation` (non-empty message 1 payload), `authenticationFailed`, `invalidSignature`,
    ///   `invalidPeerID` (not the expected peer), `invalidKey`, `unsupported` (identity key type),
    ///   `limitExceeded`, `invalidArgument` (before ``start()`` or after completion), `closed` (after a failure).
    public mutating func receive(_ bytes: some ContiguousByteSource) throws -> Step {
        if case .notStarted = state, role == .responder { state = .running }
        try checkState(starting: false)
        do {
            let count = bytes.withUnsafeBytes { $0.count }
            guard inbound.count + count <= Self.maximumBufferedByteCount else {
                throw ShoalError(
                    .limitExceeded,
                    "Noise handshake would buffer \(inbound.count + count) bytes, over \(Self.maximumBufferedByteCount)"
                )
            }
            bytes.withUnsafeBytes { inbound.append(contentsOf: $0) }
            var step = Step(bytesToSend: [], result: nil)
            while step.result == nil, let message = try nextMessage() {
                step.result = try process(message, sending: &step.bytesToSend)
            }
            return step
        } catch {
            throw fail(error)
        }
    }

    // MARK: - Processing

    /// The next complete framed message, or nil when more bytes are needed.
    private mutating func nextMessage() throws -> [UInt8]? {
        guard inbound.count >= 2 else { return nil }
        let length = Int(inbound[0]) << 8 | Int(inbound[1])
        let index = noise.messageIndex
        if index == 0 {
            guard length == NoiseXXHandshakeState.minimumMessageLength(index: 0) else {
                throw ShoalError(
                    .protocolViolation,
                    "Noise message 1 must be 32 bytes (empty payload), got \(length)"
                )
            }
        } else {
            let minimum = NoiseXXHandshakeState.minimumMessageLength(index: index)
            guard length >= minimum else {
                throw ShoalError(
                    .malformedInput,
                    "Noise message \(index + 1) of \(length) bytes is truncated (at least \(minimum))"
                )
            }
        }
        guard inbound.count - 2 >= length else { return nil }
        let message = Array(inbound[2..<(2 + length)])
        inbound.removeSubrange(0..<(2 + length))
        return message
    }

    /// Handles one received handshake message; returns the result after the final one.
    private mutating func process(_ message: [UInt8], sending out: inout [UInt8]) throws -> NoiseHandshakeResult? {
        let payload = try noise.readMessage(message)
        switch noise.messageIndex {
        case 1:  // responder got message 1
            guard payload.isEmpty else {
                throw ShoalError(
                    .protocolViolation,
                    "Noise message 1 payload must be empty, got \(payload.count) bytes"
                )
            }
            out += Self.frame(try noise.writeMessage(payload: localPayloadBytes()))
            return nil
        case 2:  // initiator got message 2
            let remote = try authenticate(payload)
            out += Self.frame(try noise.writeMessage(payload: localPayloadBytes()))
            return try finish(remote)
        default:  // responder got message 3
            return try finish(try authenticate(payload))
        }
    }

    /// Decodes the peer's payload, verifies its signature and checks the expected peer.
    private func authenticate(_ bytes: [UInt8]) throws -> NoiseHandshakePayload {
        let payload = try NoiseHandshakePayload(decoding: bytes)
        let remoteStatic = noise.remoteStatic!
        if let verifiedStatics {
            // A triple that verified before verifies again: skip the signature check, not the peer check below.
            let key = payload.verificationKey(staticKey: remoteStatic)
            if !verifiedStatics.contains(key) {
                try payload.verify(staticKey: remoteStatic)
                verifiedStatics.insert(key)
            }
        } else {
            try payload.verify(staticKey: remoteStatic)
        }
        switch expectedPeer {
        case .none:
            break
        case .publicKey(let key):
            guard key == payload.identityKey else {
                throw ShoalError(.invalidPeerID, "Noise peer's identity key is not the expected peer's")
            }
        case .matching(let description, let matches):
            guard matches(payload.identityKey) else {
                throw ShoalError(.invalidPeerID, "Noise peer's identity is not the expected peer \(description)")
            }
        case .peer(let peer):
            guard peer.matches(payload.identityKey) else {
                throw ShoalError(.invalidPeerID, "Noise peer's identity is not the expected peer \(peer)")
            }
        }
        return payload
    }

    private mutating func finish(_ remote: NoiseHandshakePayload) throws -> NoiseHandshakeResult {
        let (send, receive) = try noise.split()
        var transport = NoiseTransport(sender: send, receiver: receive)
        try transport.feed(inbound)
        inbound = []
        state = .complete
        return NoiseHandshakeResult(
            remoteIdentity: remote.identityKey,
            remoteStaticKey: noise.remoteStatic!,
            remoteExtensions: remote.extensions,
            handshakeHash: noise.handshakeHash,
            transport: transport
        )
    }

    // MARK: - Helpers

    /// This side's signed payload: made in advance, or signed now for this handshake's static key.
    private func localPayloadBytes() -> [UInt8] {
        localPayload ?? NoiseHandshakePayload(identity: identity, staticKey: noise.localStaticPublicKey).serialized()
    }

    private static func frame(_ message: [UInt8]) -> [UInt8] {
        precondition(message.count <= maximumMessageLength, "Noise handshake message over 65535 bytes")
        return [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
    }

    private func checkState(starting: Bool) throws {
        switch state {
        case .failed(let reason):
            throw ShoalError(.closed, "Noise handshake already failed: \(reason)")
        case .complete:
            throw ShoalError(.invalidArgument, "Noise handshake is complete; use the transport")
        case .running where starting:
            throw ShoalError(.invalidArgument, "Noise handshake already started")
        case .notStarted where !starting:
            throw ShoalError(.invalidArgument, "Noise handshake: call start() before receive(_:) as the initiator")
        default:
            break
        }
    }

    /// Moves to the failed state; returns `error` for rethrowing.
    private mutating func fail(_ error: any Error) -> any Error {
        state = .failed("\(error)")
        inbound = []
        return error
    }
}
