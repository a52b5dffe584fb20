public import ShoalCrypto
public import ShoalMultiformats

/// A libp2p peer ID: the multihash of a peer's serialized ``PublicKey``.
///
/// Keys whose protobuf encoding is at most 42 bytes (Ed25519, secp256k1) are inlined with the identity multihash,
/// so the key can be read back from the ID; longer keys (RSA, ECDSA) are hashed with SHA-256.
///
/// Text forms: base58btc of the multihash (`12D3KooW…`, the default for display) and CIDv1 with the `libp2p-key`
/// codec in base32 (`bafz…`). ``init(parsing:)`` accepts both.
public struct PeerID: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Keys whose encoding is at most this long are inlined (identity multihash).
    public static let maximumInlinedKeyLength = 42

    /// The binary peer ID: the multihash bytes, as carried in `/p2p/` multiaddrs, identify and the DHT.
    public let bytes: [UInt8]
    /// The multihash.
    public let multihash: Multihash

    /// The peer ID of `publicKey`.
    public init(publicKey: PublicKey) {
        let encoded = publicKey.protobufBytes
        // Both codes are known and the digest sizes valid, so these cannot fail.
        if encoded.count <= Self.maximumInlinedKeyLength {
            multihash = try! Multihash(code: .identity, digest: encoded)
        } else {
            multihash = try! Multihash(code: .sha2_256, digest: SHA256.hash(encoded))
        }
        bytes = multihash.bytes
    }

    /// A peer ID from its binary multihash form.
    /// - Throws: ``ShoalError`` with code `invalidPeerID` when the bytes are not a sha2-256 multihash or an identity
    ///   multihash holding a valid public key.
    public init(bytes: some Collection<UInt8>) throws {
        let mh: Multihash
        do { mh = try Multihash(bytes: bytes) } catch {
            throw ShoalError(.invalidPeerID, "peer ID is not a valid multihash: \(error.message)", cause: error)
        }
        try self.init(multihash: mh)
    }

    /// A peer ID from a multihash.
    /// - Throws: ``ShoalError`` with code `invalidPeerID` for other hash functions or an undecodable inlined key.
    public init(multihash mh: Multihash) throws {
        switch mh.code {
        case .identity:
            guard mh.digest.count <= Self.maximumInlinedKeyLength else {
                throw ShoalError(.invalidPeerID, "identity peer ID holds \(mh.digest.count) bytes, over 42")
            }
            do { _ = try PublicKey(protobufBytes: mh.digest) } catch {
                throw ShoalError(.invalidPeerID, "identity peer ID does not hold a valid public key", cause: error)
            }
        case .sha2_256:
            guard mh.digest.count == 32 else {
                throw ShoalError(.invalidPeerID, "sha2-256 peer ID digest must be 32 bytes, got \(mh.digest.count)")
            }
        default:
            throw ShoalError(.invalidPeerID, "peer ID multihash uses \(mh.code), not identity or sha2-256")
        }
        multihash = mh
        bytes = mh.bytes
    }

    /// Parses either text form: base58btc (`12D3KooW…`, `Qm…`, `16Uiu2…`) or a CIDv1 with the `libp2p-key` codec.
    /// - Throws: ``ShoalError`` with code `invalidPeerID` naming what was wrong.
    public init(parsing text: String) throws {
        guard !text.isEmpty, text.utf8.count <= 512 else {
            throw ShoalError(.invalidPeerID, "peer ID text must be 1 to 512 characters")
        }
        if text.hasPrefix("1") || text.hasPrefix("Qm") {
            let decoded: [UInt8]
            do { decoded = try Base58.decode(text) } catch {
                throw ShoalError(.invalidPeerID, "invalid base58 peer ID '\(text)': \(error.message)", cause: error)
            }
            try self.init(bytes: decoded)
            return
        }
        let cid: CID
        do { cid = try CID(text) } catch {
            throw ShoalError(
                .invalidPeerID,
                "'\(text)' is neither a base58 peer ID nor a CID: \(error.message)",
                cause: error
            )
        }
        guard cid.version == .v1, cid.codec == .libp2pKey else {
            throw ShoalError(.invalidPeerID, "CID '\(text)' has codec \(cid.codec), not libp2p-key (0x72)")
        }
        try self.init(multihash: cid.multihash)
    }

    /// The public key, when it is inlined (Ed25519, secp256k1); nil for hashed keys.
    public var inlinedPublicKey: PublicKey? {
        guard multihash.code == .identity else { return nil }
        return try? PublicKey(protobufBytes: multihash.digest)
    }

    /// Whether this is the peer ID of `publicKey`.
    public func matches(_ publicKey: PublicKey) -> Bool { PeerID(publicKey: publicKey) == self }

    /// The base58btc text form (the usual display form).
    public var base58: String { Base58.encode(bytes) }

    /// The CIDv1 (`libp2p-key`) text form in base32: `bafz…`.
    public var cidString: String { CID(codec: .libp2pKey, multihash: multihash).string(base: .base32) }

    public var description: String { base58 }

    public static func == (lhs: PeerID, rhs: PeerID) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
    public static func < (lhs: PeerID, rhs: PeerID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

extension PrivateKey {
    /// The peer ID of this key.
    public var peerID: PeerID { PeerID(publicKey: publicKey) }
}
