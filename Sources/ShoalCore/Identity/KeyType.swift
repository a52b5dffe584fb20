/// The kind of a libp2p identity key, as numbered in the key protobuf (`KeyType` in libp2p/specs peer-ids).
public struct KeyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protobuf enum value.
    public let rawValue: Int

    /// Wraps a protobuf enum value.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// RSA (PKIX DER public keys). Decoded for peer IDs; not used for signing here.
    public static let rsa = KeyType(rawValue: 0)
    /// Ed25519: the key type Shoal signs with.
    public static let ed25519 = KeyType(rawValue: 1)
    /// secp256k1 (33-byte compressed public keys). Decoded for peer IDs.
    public static let secp256k1 = KeyType(rawValue: 2)
    /// ECDSA (PKIX DER public keys). Decoded for peer IDs.
    public static let ecdsa = KeyType(rawValue: 3)

    public var description: String {
        switch self {
        case .rsa: "RSA"
        case .ed25519: "Ed25519"
        case .secp256k1: "Secp256k1"
        case .ecdsa: "ECDSA"
        default: "KeyType(\(rawValue))"
        }
    }
}
