import ShoalCrypto

/// A key to look up to refresh one bucket: a SHA-256-shaped peer ID (`12 20 <32 bytes>`) whose Kademlia key
/// falls in the bucket's range.
///
/// A FIND_NODE request carries key *bytes* that the receiver hashes, so a random point of the keyspace cannot be
/// sent as such. For buckets below ``tablePrefixBits`` the target comes from a table built once per process (as
/// go-libp2p does): for each 16-bit prefix, candidate bytes whose hash starts with it (about 750,000 SHA-256
/// digests to build, 256 KiB). The bucket's prefix is the local key's first `index` bits, bit `index` flipped,
/// the rest random. Deeper buckets, or a prefix the table lacks, fall back to drawing random digests until the
/// hash has the wanted common prefix length (about 2^(index+1) tries; the attempt count is bounded).
public struct KadRefreshTarget: Hashable, Sendable {
    /// The most digests drawn for one target before giving up.
    public static let maximumAttempts = 1 << 22
    /// The key prefix length the precomputed table covers.
    public static let tablePrefixBits = 16
    /// The most candidates hashed while building the table.
    static let maximumTableAttempts: UInt32 = 1 << 25

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
        if index < tablePrefixBits {
            let bits = tablePrefixBits
            let local = Int(localKey.w0 >> UInt64(64 - bits))
            let flip = 1 << (bits - 1 - index)
            let keep = ((1 << bits) - 1) & ~((flip << 1) - 1)
            let word: UInt64 = generator.next()
            let prefix = (local & keep) | (~local & flip) | (Int(truncatingIfNeeded: word) & (flip - 1))
            let counter = prefixTable[prefix]
            if counter != .max {
                let bytes = candidate(counter)
                return KadRefreshTarget(bucket: index, keyBytes: bytes, kadKey: KadKey(hashing: bytes))
            }
        }
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

    // MARK: - Prefix table

    /// For each ``tablePrefixBits``-bit prefix, the counter whose ``candidate(_:)`` hashes to a key with that
    /// prefix (`.max`: none found within ``maximumTableAttempts``). Built on first use, deterministic.
    static let prefixTable: [UInt32] = {
        let bits = tablePrefixBits
        var table = [UInt32](repeating: .max, count: 1 << bits)
        var missing = table.count
        var counter: UInt32 = 0
        while missing > 0 && counter < maximumTableAttempts {
            let prefix = Int(KadKey(hashing: candidate(counter)).w0 >> UInt64(64 - bits))
            if table[prefix] == .max {
                table[prefix] = counter
                missing -= 1
            }
            counter += 1
        }
        return table
    }()

    /// The candidate key bytes numbered `counter`: `12 20` then the counter big-endian and 28 zero bytes.
    static func candidate(_ counter: UInt32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 34)
        bytes[0] = 0x12
        bytes[1] = 0x20
        for index in 0..<4 { bytes[2 + index] = UInt8(truncatingIfNeeded: counter >> UInt32(24 - 8 * index)) }
        return bytes
    }
}
