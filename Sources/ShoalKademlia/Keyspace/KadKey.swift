import ShoalCore
public import ShoalCrypto

/// A point in the 256-bit Kademlia keyspace: the SHA-256 digest of a key's bytes.
///
/// For a peer the key bytes are its binary peer ID, for a provider record the multihash bytes, for a value record
/// the record key (`/pk/…`). Distances are the XOR of two points compared as big-endian unsigned integers. The
/// value is stored inline as four big-endian 64-bit words (32 bytes, no allocation).
public struct KadKey: Hashable, Sendable, CustomStringConvertible {
    /// The number of bits in a key.
    public static let bitCount = 256

    // Big-endian words: w0 holds bits 0–63 (the most significant).
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    // MARK: - Creating keys

    /// The key of arbitrary bytes: their SHA-256 digest.
    /// - Parameter bytes: the key bytes (binary peer ID, multihash, record key).
    public init(hashing bytes: some ContiguousByteSource) {
        let digest = SHA256.hash(bytes)
        self.init(unchecked: digest)
    }

    /// A key given as its 32 digest bytes (no hashing).
    /// - Throws: ``ShoalError`` with code `invalidArgument` when `digest` is not 32 bytes long.
    public init(digest: [UInt8]) throws {
        guard digest.count == 32 else {
            throw ShoalError(.invalidArgument, "a Kademlia key is 32 bytes, got \(digest.count)")
        }
        self.init(unchecked: digest)
    }

    private init(unchecked digest: [UInt8]) {
        func word(_ at: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in at..<(at + 8) { value = value << 8 | UInt64(digest[index]) }
            return value
        }
        self.init(w0: word(0), w1: word(8), w2: word(16), w3: word(24))
    }

    /// The 32 bytes of the key, most significant first.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return out
    }

    /// Lower-case hex of the key.
    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    // MARK: - Metric

    /// The XOR distance to another key.
    @inlinable
    public func distance(to other: KadKey) -> KadDistance {
        KadDistance(w0: w0 ^ other.w0, w1: w1 ^ other.w1, w2: w2 ^ other.w2, w3: w3 ^ other.w3)
    }

    /// The number of leading bits this key shares with `other` (256 when they are equal).
    @inlinable
    public func commonPrefixLength(with other: KadKey) -> Int {
        distance(to: other).leadingZeroBitCount
    }

    /// The bit at `index` (0 = most significant).
    /// - Precondition: `0 <= index < 256`.
    public func bit(at index: Int) -> Bool {
        precondition((0..<256).contains(index), "bit index \(index) out of 0..<256")
        let word = [w0, w1, w2, w3][index / 64]
        return (word >> UInt64(63 - index % 64)) & 1 == 1
    }

    /// A random key whose common prefix length with `base` is exactly `prefixLength`: the first `prefixLength`
    /// bits equal `base`'s, the next bit differs, the rest are random.
    /// - Parameters:
    ///   - base: the key to share a prefix with (usually the local key).
    ///   - prefixLength: 0...255.
    ///   - generator: the source of the random bits.
    public static func random(
        sharingPrefixOf base: KadKey,
        length prefixLength: Int,
        using generator: inout some RandomNumberGenerator
    ) -> KadKey {
        precondition((0..<256).contains(prefixLength), "prefix length \(prefixLength) out of 0..<256")
        let random = [UInt64](unsafeUninitializedCapacity: 4) { buffer, count in
            for index in 0..<4 { buffer[index] = generator.next() }
            count = 4
        }
        let baseWords = [base.w0, base.w1, base.w2, base.w3]
        var words = [UInt64](repeating: 0, count: 4)
        for index in 0..<4 {
            let start = index * 64
            // Bits of this word that come from the base: those before prefixLength.
            let keep = min(max(prefixLength - start, 0), 64)
            let keepMask: UInt64 = keep == 0 ? 0 : (keep == 64 ? ~0 : ~(~UInt64(0) >> UInt64(keep)))
            var word = (baseWords[index] & keepMask) | (random[index] & ~keepMask)
            if prefixLength >= start && prefixLength < start + 64 {
                let flip = UInt64(1) << UInt64(63 - (prefixLength - start))
                word = (word & ~flip) | (~baseWords[index] & flip)
            }
            words[index] = word
        }
        return KadKey(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }
}
