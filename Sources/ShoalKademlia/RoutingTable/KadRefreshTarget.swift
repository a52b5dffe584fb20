import ShoalCrypto

/// A key to look up to refresh one bucket: a SHA-256-shaped peer ID (`12 20 <32 bytes>`) whose Kademlia key
/// falls in the bucket's range.
///
/// A FIND_NODE request carries key *bytes* that the receiver hashes, so a random point of the keyspace cannot be
/// sent as such; the target is found by drawing random digests until the hash of the resulting ID has the wanted
/// common prefix length (about 2^(index+1) tries; the attempt count is bounded).
public struct KadRefreshTarget: Hashable, Sendable {
    /// The most digests drawn for one target before giving up.
    public static let maximumAttempts = 1 << 22

    /// The bucket index (common prefix length with the local key).
    public let bucket: Int
    /// The bytes to send as the FIND_NODE key.
    public let keyBytes: [UInt8]
    /// `SHA-256(keyBytes)`, the point looked up.
    public let kadKey: KadKey

    /// A random target for bucket `index`, or nil if none was found within ``maximumAttempts``.
    static func random(
        bucket index: Int,
        localKey: KadKey,
        using generator: inout some RandomNumberGenerator
    ) -> KadRefreshTarget? {
        var candidate: [UInt8] = [0x12, 0x20] + [UInt8](repeating: 0, count: 32)
        for _ in 0..<maximumAttempts {
            for chunk in 0..<4 {
                let word: UInt64 = generator.next()
                for byte in 0..<8 {
                    candidate[2 + chunk * 8 + byte] = UInt8(truncatingIfNeeded: word >> UInt64(byte * 8))
                }
            }
            let key = KadKey(hashing: candidate)
            if min(key.commonPrefixLength(with: localKey), 255) == index {
                return KadRefreshTarget(bucket: index, keyBytes: candidate, kadKey: key)
            }
        }
        return nil
    }
}
