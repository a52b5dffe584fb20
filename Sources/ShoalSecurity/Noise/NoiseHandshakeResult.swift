public import ShoalCore
public import ShoalCrypto

/// The outcome of a completed libp2p Noise handshake.
public struct NoiseHandshakeResult: Sendable {
    /// The peer's authenticated identity key (its peer ID derives from it).
    public let remoteIdentity: PublicKey
    /// The peer's Noise static X25519 key.
    public let remoteStaticKey: X25519.PublicKey
    /// The extensions the peer announced, if any (Shoal ignores them: no inlined muxer negotiation).
    public let remoteExtensions: NoiseExtensions?
    /// The final handshake hash `h`.
    public let handshakeHash: [UInt8]
    /// The transport phase, already holding any bytes received after the last handshake message.
    public var transport: NoiseTransport
}
