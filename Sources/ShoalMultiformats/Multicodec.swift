/// A multicodec code: a number from the multicodec table (`multiformats/multicodec` `table.csv`) naming a format.
///
/// Any code up to ``UVarint/maximumValue`` is representable; the static members are the ones Shoal uses, and
/// ``name`` knows them.
public struct Multicodec: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code.
    public let rawValue: UInt64

    /// Wraps a code. Returns nil above ``UVarint/maximumValue`` (it could not be encoded).
    public init?(rawValue: UInt64) {
        guard rawValue <= UVarint.maximumValue else { return nil }
        self.rawValue = rawValue
    }

    /// Wraps a code known to be in range (decoded varints always are).
    init(_ code: UInt64) { self.rawValue = code }

    // MARK: - Multihash functions

    /// `identity` (0x00): the "digest" is the data itself.
    public static let identity = Multicodec(0x00)
    /// `sha2-256` (0x12), 32-byte digest.
    public static let sha2_256 = Multicodec(0x12)
    /// `sha2-512` (0x13), 64-byte digest.
    public static let sha2_512 = Multicodec(0x13)
    /// `sha3-256` (0x16), 32-byte digest.
    public static let sha3_256 = Multicodec(0x16)
    /// `blake2b-256` (0xb220), 32-byte digest.
    public static let blake2b_256 = Multicodec(0xb220)

    // MARK: - CID and content codecs

    /// `cidv1` (0x01): the version byte of a binary CIDv1.
    public static let cidv1 = Multicodec(0x01)
    /// `raw` (0x55): raw binary content.
    public static let raw = Multicodec(0x55)
    /// `dag-pb` (0x70): MerkleDAG protobuf (the implied codec of CIDv0).
    public static let dagPB = Multicodec(0x70)
    /// `dag-cbor` (0x71).
    public static let dagCBOR = Multicodec(0x71)
    /// `libp2p-key` (0x72): the codec of peer-ID CIDs.
    public static let libp2pKey = Multicodec(0x72)
    /// `dag-json` (0x0129).
    public static let dagJSON = Multicodec(0x0129)

    // MARK: - libp2p

    /// `libp2p-peer-record` (0x0301): the payload type of a signed peer record envelope.
    public static let libp2pPeerRecord = Multicodec(0x0301)
    /// `libp2p-relay-rsvp` (0x0302): the payload type of a relay reservation voucher.
    public static let libp2pRelayRsvp = Multicodec(0x0302)
    /// `ed25519-pub` (0xed).
    public static let ed25519Pub = Multicodec(0xed)

    // MARK: - Names

    /// The table name of known codes (including the multiaddr protocols), or nil.
    public var name: String? {
        if let name = Multicodec.names[rawValue] { return name }
        return MultiaddrProtocol(code: rawValue)?.name
    }

    /// The code with this table name (a code of this type or a multiaddr protocol), or nil.
    public init?(name: String) {
        if let entry = Multicodec.names.first(where: { $0.value == name }) {
            self.init(entry.key)
        } else if let proto = MultiaddrProtocol(name: name) {
            self.init(proto.code)
        } else {
            return nil
        }
    }

    /// `name (0xNN)` or `0xNN` for unknown codes.
    public var description: String {
        let hex = "0x" + String(rawValue, radix: 16)
        if let name { return "\(name) (\(hex))" }
        return hex
    }

    private static let names: [UInt64: String] = [
        0x00: "identity", 0x01: "cidv1", 0x12: "sha2-256", 0x13: "sha2-512", 0x16: "sha3-256",
        0xb220: "blake2b-256", 0x55: "raw", 0x70: "dag-pb", 0x71: "dag-cbor", 0x72: "libp2p-key",
        0x0129: "dag-json", 0x0301: "libp2p-peer-record", 0x0302: "libp2p-relay-rsvp", 0xed: "ed25519-pub",
    ]
}
