import ShoalCore
import ShoalCrypto
import ShoalKademlia
import Testing

@Suite("Keyspace")
struct KeyspaceTests {
    @Test("a key is the SHA-256 of its bytes (FIPS 180 vector for \"abc\")")
    func keyIsSHA256() throws {
        let key = KadKey(hashing: Array("abc".utf8))
        #expect(key.bytes == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(try KadKey(digest: key.bytes) == key)
        #expect(key.description == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a digest of the wrong length is rejected")
    func badDigestLength() {
        #expect(throws: ShoalError(.invalidArgument, "")) { try KadKey(digest: [1, 2, 3]) }
    }

    @Test("XOR distance and common prefix length vectors")
    func distanceVectors() throws {
        let zero = try KadKey(digest: [UInt8](repeating: 0, count: 32))
        var high = [UInt8](repeating: 0, count: 32)
        high[0] = 0x80
        var low = [UInt8](repeating: 0, count: 32)
        low[31] = 0x01
        var mid = [UInt8](repeating: 0, count: 32)
        mid[8] = 0x10  // bit 64 + 3 = 67
        let highKey = try KadKey(digest: high)
        let lowKey = try KadKey(digest: low)
        let midKey = try KadKey(digest: mid)
        #expect(zero.commonPrefixLength(with: zero) == 256)
        #expect(zero.distance(to: zero) == .zero)
        #expect(zero.commonPrefixLength(with: highKey) == 0)
        #expect(zero.commonPrefixLength(with: lowKey) == 255)
        #expect(zero.commonPrefixLength(with: midKey) == 67)
        // Big-endian ordering: a difference in the last byte is smaller than one in the first.
        #expect(zero.distance(to: lowKey) < zero.distance(to: midKey))
        #expect(zero.distance(to: midKey) < zero.distance(to: highKey))
        #expect(highKey.distance(to: lowKey).bytes == zip(high, low).map { $0 ^ $1 })
        // Symmetry and the XOR metric's unidirectionality.
        #expect(highKey.distance(to: midKey) == midKey.distance(to: highKey))
        #expect(highKey.bit(at: 0) && !highKey.bit(at: 1) && lowKey.bit(at: 255) && midKey.bit(at: 67))
    }

    @Test("distance order agrees with a byte-wise comparison of the XOR for random keys")
    func distanceOrderRandom() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let a = KadKey(hashing: rng.bytes(8))
            let b = KadKey(hashing: rng.bytes(8))
            let c = KadKey(hashing: rng.bytes(8))
            let ab = a.distance(to: b)
            let ac = a.distance(to: c)
            #expect((ab < ac) == ab.bytes.lexicographicallyPrecedes(ac.bytes))
            let firstDifferentBit =
                zip(a.bytes, b.bytes).enumerated().first { $0.element.0 != $0.element.1 }
                .map { $0.offset * 8 + ($0.element.0 ^ $0.element.1).leadingZeroBitCount } ?? 256
            #expect(a.commonPrefixLength(with: b) == firstDifferentBit)
        }
    }

    @Test("a random key in a bucket range has exactly that common prefix length")
    func randomKeyInRange() {
        var rng = SplitMix64(seed: 11)
        let base = KadKey(hashing: [1, 2, 3])
        for length in [0, 1, 7, 63, 64, 65, 127, 128, 200, 254, 255] {
            for _ in 0..<20 {
                let key = KadKey.random(sharingPrefixOf: base, length: length, using: &rng)
                #expect(key.commonPrefixLength(with: base) == length)
            }
        }
    }

    @Test("peer IDs: the key is the SHA-256 of the binary ID; malformed multihashes are rejected")
    func peerIDs() throws {
        // The Ed25519 peer ID of wire.md 3.4.
        let bytes = hex("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")
        let id = try KadPeerID(bytes: bytes)
        #expect(id.kadKey.bytes == SHA256.hash(bytes))
        #expect(try KadPeerID(sha256Digest: [UInt8](repeating: 9, count: 32)).bytes.count == 34)
        for bad in [[], [0x12], [0x12, 0x20, 0x01], [0x00, 0x03, 1, 2], [0x80], [UInt8](repeating: 0, count: 129)] {
            #expect(throws: ShoalError(.invalidPeerID, "")) { try KadPeerID(bytes: bad) }
        }
    }
}
