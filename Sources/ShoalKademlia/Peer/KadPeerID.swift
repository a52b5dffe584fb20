import ShoalCore
import ShoalCrypto

/// A peer as Kademlia sees it: its binary peer ID (a multihash) and the ``KadKey`` derived from it.
///
/// This is a stand-in until ShoalCore's `PeerID` is available: the bytes are the binary multihash of the peer ID
/// (`00 24 08 01 12 20 <key>` for Ed25519, `12 20 <sha256>` for hashed keys), exactly what travels in
/// `Message.Peer.id` and `Message.key` of FIND_NODE. Equality uses the bytes, hashing the key derived from them; the Kademlia key
/// (`SHA-256(bytes)`) is computed once at creation.
public struct KadPeerID: Hashable, Sendable, CustomStringConvertible {
    /// The longest peer ID accepted, in bytes. An identity multihash peer ID holds a ≤ 42-byte key protobuf
    /// (44 bytes in all) and a SHA-256 one is 34 bytes; 128 leaves room for other hash functions.
    public static let maximumLength = 128

    /// The binary peer ID: a multihash, `uvarint(code) || uvarint(length) || digest`.
    public let bytes: [UInt8]
    /// The peer's point in the keyspace, `SHA-256(bytes)`.
    public let kadKey: KadKey

    /// A peer ID from its binary form.
    /// - Parameter bytes: a multihash of at most ``maximumLength`` bytes whose length field matches its digest.
    /// - Throws: ``ShoalError`` with code `invalidPeerID` when the bytes are not a well-formed multihash.
    public init(bytes: [UInt8]) throws {
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength else {
            throw ShoalError(
                .invalidPeerID,
                "a peer ID must be 1...\(Self.maximumLength) bytes, got \(bytes.count)"
            )
        }
        var reader = KadVarintReader(bytes: bytes[...])
        guard (try? reader.read()) != nil, let length = try? reader.read(), reader.remaining == Int(length) else {
            throw ShoalError(.invalidPeerID, "peer ID bytes are not a multihash (code, length, digest)")
        }
        self.bytes = bytes
        self.kadKey = KadKey(hashing: bytes)
    }

    /// A peer ID from bytes already known to be a well-formed multihash (a ShoalCore `PeerID`).
    init(validatedBytes bytes: [UInt8]) {
        self.bytes = bytes
        self.kadKey = KadKey(hashing: bytes)
    }

    /// Hex of the first bytes, for logs and test failures.
    public var description: String {
        let hex = bytes.suffix(6).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }
        return "peer(…" + hex.joined() + ")"
    }

    /// Compares the ID bytes (the keys first: a cheap rejection, since equal bytes have equal keys).
    public static func == (lhs: KadPeerID, rhs: KadPeerID) -> Bool {
        lhs.kadKey == rhs.kadKey && lhs.bytes == rhs.bytes
    }

    /// Hashes the key derived from the bytes (equal IDs have equal keys; four words instead of every byte).
    public func hash(into hasher: inout Hasher) { hasher.combine(kadKey) }
}

extension KadPeerID {
    /// A peer ID of the SHA-256 multihash form, `12 20 <digest>`, for a 32-byte digest. Useful for tests and
    /// simulations; real peers derive it from their public key.
    /// - Throws: ``ShoalError`` with code `invalidPeerID` when `digest` is not 32 bytes.
    public init(sha256Digest digest: [UInt8]) throws {
        guard digest.count == SHA256.byteCount else {
            throw ShoalError(.invalidPeerID, "a SHA-256 digest is 32 bytes, got \(digest.count)")
        }
        try self.init(bytes: [0x12, 0x20] + digest)
    }
}
