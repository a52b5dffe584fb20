import ShoalCore
public import ShoalCrypto

/// Which end of a Noise handshake this is. In libp2p the dialer of the connection is the initiator.
public enum NoiseRole: Sendable, Hashable {
    /// Sends message 1 and 3 (the dialer).
    case initiator
    /// Sends message 2 (the listener).
    case responder
}

/// A Noise `HandshakeState` for `Noise_XX_25519_ChaChaPoly_SHA256` (Noise spec rev 34 §5.3), with no libp2p
/// framing or payload rules.
///
/// The XX pattern: `-> e`, `<- e, ee, s, es`, `-> s, se`. Keys can be injected (for test vectors); by default the
/// ephemeral key is generated when the first message that needs it is written.
public struct NoiseXXHandshakeState: Sendable {
    /// The Noise protocol name (exactly 32 ASCII bytes).
    public static let protocolName = "Noise_XX_25519_ChaChaPoly_SHA256"
    /// `DHLEN` for Curve25519.
    public static let dhLength = 32
    /// The AEAD tag length.
    public static let tagLength = 16
    /// The number of handshake messages in XX.
    public static let messageCount = 3

    /// This side's role.
    public let role: NoiseRole
    private var symmetric: NoiseSymmetricState
    private let localStatic: X25519.PrivateKey
    private var localEphemeral: X25519.PrivateKey?
    /// The remote static key, once message 2 (initiator) or 3 (responder) has been read.
    public private(set) var remoteStatic: X25519.PublicKey?
    /// The remote ephemeral key, once known.
    public private(set) var remoteEphemeral: X25519.PublicKey?
    /// The index (0, 1, 2) of the next handshake message; 3 when the handshake is complete.
    public private(set) var messageIndex = 0

    // MARK: - Initialisation

    /// Starts a handshake (`Initialize` with an empty pre-message pattern).
    /// - Parameters:
    ///   - role: initiator or responder.
    ///   - localStatic: this side's static X25519 key.
    ///   - localEphemeral: an injected ephemeral key (test vectors only); nil for a fresh random one.
    ///   - prologue: data both sides mix into `h` first (empty for libp2p over TCP).
    public init(
        role: NoiseRole,
        localStatic: X25519.PrivateKey,
        localEphemeral: X25519.PrivateKey? = nil,
        prologue: [UInt8] = []
    ) {
        self.role = role
        self.localStatic = localStatic
        self.localEphemeral = localEphemeral
        self.symmetric = NoiseSymmetricState(protocolName: Self.protocolName)
        self.symmetric.mixHash(prologue)
    }

    // MARK: - State

    /// This side's static public key.
    public var localStaticPublicKey: X25519.PublicKey { localStatic.publicKey }

    /// Whether all three messages have been processed.
    public var isComplete: Bool { messageIndex == Self.messageCount }

    /// Whether the next message is one this side writes.
    public var isMyTurn: Bool {
        guard !isComplete else { return false }
        let initiatorWrites = messageIndex % 2 == 0
        return initiatorWrites == (role == .initiator)
    }

    /// The handshake hash `h` (final once ``isComplete``).
    public var handshakeHash: [UInt8] { symmetric.handshakeHash }

    /// The minimum length of message `index` with an empty payload: 32, 96, 64.
    public static func minimumMessageLength(index: Int) -> Int {
        switch index {
        case 0: dhLength
        case 1: dhLength + (dhLength + tagLength) + tagLength
        default: (dhLength + tagLength) + tagLength
        }
    }

    // MARK: - Messages

    /// `WriteMessage(payload)`: the next handshake message, which this side must be the one to send.
    /// - Throws: ``ShoalError`` with code `invalidArgument` when it is not this side's turn, `invalidKey` when a
    ///   Diffie-Hellman result is all zeros.
    public mutating func writeMessage(payload: some ContiguousByteSource) throws -> [UInt8] {
        guard isMyTurn else {
            throw ShoalError(.invalidArgument, "Noise XX message \(messageIndex + 1) is not the \(role)'s to write")
        }
        var out: [UInt8] = []
        switch messageIndex {
        case 0:  // -> e
            let e = takeEphemeral()
            out += e.publicKey.rawRepresentation
            symmetric.mixHash(e.publicKey.rawRepresentation)
        case 1:  // <- e, ee, s, es
            let e = takeEphemeral()
            out += e.publicKey.rawRepresentation
            symmetric.mixHash(e.publicKey.rawRepresentation)
            symmetric.mixKey(try Self.dh(e, remoteEphemeral!))
            out += try symmetric.encryptAndHash(localStatic.publicKey.rawRepresentation)
            symmetric.mixKey(try Self.dh(localStatic, remoteEphemeral!))
        default:  // -> s, se
            out += try symmetric.encryptAndHash(localStatic.publicKey.rawRepresentation)
            symmetric.mixKey(try Self.dh(localStatic, remoteEphemeral!))
        }
        out += try symmetric.encryptAndHash(payload)
        messageIndex += 1
        return out
    }

    /// `ReadMessage(message)`: processes the peer's next handshake message.
    /// - Returns: the decrypted payload.
    /// - Throws: ``ShoalError`` with code `malformedInput` (too short), `authenticationFailed` (a tag did not
    ///   verify), `invalidKey` (all-zero Diffie-Hellman), `invalidArgument` (not the peer's turn).
    public mutating func readMessage(_ message: some ContiguousByteSource) throws -> [UInt8] {
        guard !isComplete, !isMyTurn else {
            throw ShoalError(.invalidArgument, "Noise XX message \(messageIndex + 1) is not the peer's to send")
        }
        let bytes = message.withUnsafeBytes { Array($0) }
        let needed = Self.minimumMessageLength(index: messageIndex)
        guard bytes.count >= needed else {
            throw ShoalError(
                .malformedInput,
                "Noise XX message \(messageIndex + 1) has \(bytes.count) bytes, needs at least \(needed)"
            )
        }
        var rest = bytes[...]
        switch messageIndex {
        case 0:  // -> e
            let re = try Self.publicKey(rest.prefix(Self.dhLength))
            rest = rest.dropFirst(Self.dhLength)
            remoteEphemeral = re
            symmetric.mixHash(re.rawRepresentation)
        case 1:  // <- e, ee, s, es
            let re = try Self.publicKey(rest.prefix(Self.dhLength))
            rest = rest.dropFirst(Self.dhLength)
            remoteEphemeral = re
            symmetric.mixHash(re.rawRepresentation)
            symmetric.mixKey(try Self.dh(localEphemeral!, re))
            let rs = try Self.publicKey(try symmetric.decryptAndHash(rest.prefix(Self.dhLength + Self.tagLength)))
            rest = rest.dropFirst(Self.dhLength + Self.tagLength)
            remoteStatic = rs
            symmetric.mixKey(try Self.dh(localEphemeral!, rs))
        default:  // -> s, se
            let rs = try Self.publicKey(try symmetric.decryptAndHash(rest.prefix(Self.dhLength + Self.tagLength)))
            rest = rest.dropFirst(Self.dhLength + Self.tagLength)
            remoteStatic = rs
            symmetric.mixKey(try Self.dh(localEphemeral!, rs))
        }
        let payload = try symmetric.decryptAndHash(rest)
        messageIndex += 1
        return payload
    }

    /// `Split()` after the last message.
    /// - Returns: the cipher states for sending and for receiving, from this side's point of view.
    /// - Throws: ``ShoalError`` with code `invalidArgument` before the handshake is complete.
    public func split() throws -> (send: NoiseCipherState, receive: NoiseCipherState) {
        guard isComplete else {
            throw ShoalError(.invalidArgument, "Noise handshake split before message \(Self.messageCount)")
        }
        let (c1, c2) = symmetric.split()
        return role == .initiator ? (c1, c2) : (c2, c1)
    }

    // MARK: - Helpers

    private mutating func takeEphemeral() -> X25519.PrivateKey {
        if let localEphemeral { return localEphemeral }
        let fresh = X25519.PrivateKey()
        localEphemeral = fresh
        return fresh
    }

    private static func publicKey(_ bytes: some Collection<UInt8>) throws -> X25519.PublicKey {
        do { return try X25519.PublicKey(rawRepresentation: Array(bytes)) } catch {
            throw ShoalError(.malformedInput, "Noise public key must be 32 bytes, got \(bytes.count)", cause: error)
        }
    }

    private static func dh(_ local: X25519.PrivateKey, _ remote: X25519.PublicKey) throws -> SecureBytes {
        do { return try local.sharedSecret(with: remote) } catch {
            throw ShoalError(.invalidKey, "Noise Diffie-Hellman gave the all-zero result (low-order key)", cause: error)
        }
    }
}
