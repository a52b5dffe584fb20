import ShoalCore
import ShoalCrypto

/// The `/pk/` namespace validator: the value is a serialized libp2p `PublicKey` and the key is
/// `/pk/` followed by the SHA-256 multihash of the value (`12 20 <SHA-256(value)>`), as go-libp2p-record's
/// `PublicKeyValidator` checks it. Every key type is accepted (only the hash is compared) and every valid value is
/// equally good (``select(key:values:)`` returns 0).
///
/// Note: py-libp2p compares the suffix with the peer ID instead, which for Ed25519 keys is the identity multihash;
/// go (and this validator) reject such records. Ed25519 peers never need `/pk/` records since their ID inlines the key.
public struct KadPublicKeyValidator: KadRecordValidator {
    /// The key prefix, `/pk/`.
    public static let prefix: [UInt8] = Array("/pk/".utf8)

    /// The validator.
    public init() {}

    /// Checks that the key suffix is the SHA-256 multihash of the value.
    /// - Throws: ``ShoalError`` with code `invalidArgument` (not a `/pk/` key) or `invalidKey` (hash mismatch).
    public func validate(_ record: KadRecord) throws {
        guard record.key.starts(with: Self.prefix) else {
            throw ShoalError(.invalidArgument, "record key is not in the /pk/ namespace")
        }
        let suffix = Array(record.key.dropFirst(Self.prefix.count))
        let expected: [UInt8] = [0x12, 0x20] + SHA256.hash(record.value)
        guard suffix == expected else {
            throw ShoalError(.invalidKey, "public key does not match the /pk/ key (SHA-256 multihash differs)")
        }
    }

    /// Every valid public key record is as good as another: 0.
    /// - Throws: ``ShoalError`` with code `invalidArgument` when `values` is empty.
    public func select(key: [UInt8], values: [[UInt8]]) throws -> Int {
        guard !values.isEmpty else { throw ShoalError(.invalidArgument, "no /pk/ value to select from") }
        return 0
    }
}
