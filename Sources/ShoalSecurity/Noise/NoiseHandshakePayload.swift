import Foundation
public import ShoalCore
public import ShoalCrypto
import SwiftProtobuf

/// The extensions a peer announced in its handshake payload (field 4). Shoal reads them but never sends any.
public struct NoiseExtensions: Sendable, Hashable {
    /// `stream_muxers` (field 2): the peer's muxers for inlined negotiation, in preference order. Invalid UTF-8 is
    /// replaced, not rejected.
    public var streamMuxers: [String]
    /// `webtransport_certhashes` (field 1): multihashes of WebTransport certificates.
    public var webTransportCertHashes: [[UInt8]]

    /// Extensions with the given values.
    public init(streamMuxers: [String] = [], webTransportCertHashes: [[UInt8]] = []) {
        self.streamMuxers = streamMuxers
        self.webTransportCertHashes = webTransportCertHashes
    }
}

/// A Noise static key with its signed libp2p handshake payload, made once and reused for many handshakes.
///
/// With it, a handshake skips one X25519 key generation and one identity signature (about a quarter of its
/// crypto). The ephemeral key stays new for every handshake, and forward secrecy comes from it; a static key that
/// lives as long as the process is what rust-libp2p does, and what js-libp2p's `staticNoiseKey` offers.
public struct NoiseStaticIdentity: Sendable {
    /// The identity key that signed ``staticKey``.
    public let identity: PublicKey
    /// The static X25519 key.
    public let staticKey: X25519.PrivateKey
    /// The serialized payload: `identity` and its signature over the static public key.
    let payload: [UInt8]

    /// Signs `staticKey` (a new random key by default) with `identity`, once.
    public init(identity: PrivateKey, staticKey: X25519.PrivateKey = X25519.PrivateKey()) {
        self.identity = identity.publicKey
        self.staticKey = staticKey
        self.payload = NoiseHandshakePayload(identity: identity, staticKey: staticKey.publicKey).serialized()
    }
}

/// The libp2p `NoiseHandshakePayload`: the identity key and its signature over the Noise static key.
struct NoiseHandshakePayload: Sendable {
    /// The ASCII prefix of the signed message.
    static let signaturePrefix = Array("noise-libp2p-static-key:".utf8)
    /// The largest signature accepted (Ed25519 is 64 bytes; DER ECDSA and RSA-8192 fit).
    static let maximumSignatureLength = 1024

    var identityKey: PublicKey
    var signature: [UInt8]
    var extensions: NoiseExtensions?

    // MARK: - Making and encoding

    /// Signs `staticKey` with `identity`.
    init(identity: PrivateKey, staticKey: X25519.PublicKey) {
        identityKey = identity.publicKey
        signature = identity.sign(Self.signaturePrefix + staticKey.rawRepresentation)
        extensions = nil
    }

    /// The protobuf bytes (no extensions are ever sent: see wire.md §5.6).
    func serialized() -> [UInt8] {
        var message = Shoal_Noise_NoiseHandshakePayload()
        message.identityKey = Data(identityKey.protobufBytes)
        message.identitySig = Data(signature)
        // Encoding a message with only bytes fields cannot fail.
        return try! message.serializedBytes()
    }

    // MARK: - Decoding and verifying

    /// Decodes a received payload. Unknown fields (such as py's `early_data = 3`) are ignored.
    /// - Throws: ``ShoalError`` with code `malformedInput` (not a payload, a field missing), `invalidKey`.
    init(decoding bytes: [UInt8]) throws {
        let message: Shoal_Noise_NoiseHandshakePayload
        do { message = try Shoal_Noise_NoiseHandshakePayload(serializedBytes: bytes) } catch {
            throw ShoalError(
                .malformedInput,
                "Noise handshake payload of \(bytes.count) bytes does not decode",
                cause: error
            )
        }
        guard message.hasIdentityKey, !message.identityKey.isEmpty else {
            throw ShoalError(.malformedInput, "Noise handshake payload has no identity_key")
        }
        guard message.hasIdentitySig, !message.identitySig.isEmpty else {
            throw ShoalError(.malformedInput, "Noise handshake payload has no identity_sig")
        }
        guard message.identitySig.count <= Self.maximumSignatureLength else {
            throw ShoalError(
                .malformedInput,
                "Noise identity_sig of \(message.identitySig.count) bytes is over \(Self.maximumSignatureLength)"
            )
        }
        identityKey = try PublicKey(protobufBytes: Array(message.identityKey))
        signature = Array(message.identitySig)
        if message.hasExtensions {
            extensions = NoiseExtensions(
                streamMuxers: message.extensions.streamMuxers.map { String(decoding: $0, as: UTF8.self) },
                webTransportCertHashes: message.extensions.webtransportCerthashes.map { Array($0) }
            )
        } else {
            extensions = nil
        }
    }

    /// The bytes that name this payload's signature of `staticKey` in ``NoiseVerifiedStatics``: the static key, the
    /// identity key's protobuf bytes with their length (u32 big-endian), then the signature. Two different triples
    /// never give the same bytes.
    func verificationKey(staticKey: X25519.PublicKey) -> [UInt8] {
        let identity = identityKey.protobufBytes
        var key = staticKey.rawRepresentation
        key.reserveCapacity(key.count + 4 + identity.count + signature.count)
        withUnsafeBytes(of: UInt32(identity.count).bigEndian) { key.append(contentsOf: $0) }
        key += identity
        key += signature
        return key
    }

    /// Checks that ``signature`` is the identity key's signature of the peer's Noise static key.
    /// - Throws: ``ShoalError`` with code `invalidSignature`, or `unsupported` for identity key types Shoal cannot
    ///   verify.
    func verify(staticKey: X25519.PublicKey) throws {
        let valid = try identityKey.isValidSignature(signature, for: Self.signaturePrefix + staticKey.rawRepresentation)
        guard valid else {
            throw ShoalError(.invalidSignature, "Noise identity_sig does not sign the peer's static key")
        }
    }
}
