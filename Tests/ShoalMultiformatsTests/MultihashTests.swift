import ShoalMultiformats
import Testing

@Suite("Multihash and Multicodec")
struct MultihashTests {
    static let ed25519PeerID = hex("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")

    @Test("decodes the Ed25519 identity peer ID of wire.md §3.4")
    func identityPeerID() throws {
        let multihash = try Multihash(bytes: Self.ed25519PeerID)
        #expect(multihash.code == .identity)
        #expect(multihash.digest == hex("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"))
        #expect(multihash.bytes == Self.ed25519PeerID)
        #expect(multihash.base58 == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
        #expect(try Multihash(base58: "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq") == multihash)
    }

    @Test("decodes a sha2-256 peer ID (Qm…)")
    func sha256PeerID() throws {
        let multihash = try Multihash(base58: "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC")
        #expect(multihash.code == .sha2_256)
        #expect(multihash.digest == hex("d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b"))
        #expect(multihash.description == "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC")
    }

    @Test("streaming decode: nil until complete, byte by byte, then the consumed count")
    func streaming() throws {
        let bytes = Self.ed25519PeerID + [0xaa]
        for length in 0..<Self.ed25519PeerID.count {
            #expect(try Multihash.decode(bytes[..<length]) == nil)
        }
        let result = try #require(try Multihash.decode(bytes))
        #expect(result.bytesConsumed == Self.ed25519PeerID.count)
        #expect(result.multihash.bytes == Self.ed25519PeerID)
    }

    @Test("length checks")
    func lengths() {
        let cases: [([UInt8], MultiformatsError.Code)] = [
            (hex("12 1f") + [UInt8](repeating: 1, count: 31), .invalidLength),  // sha2-256 must be 32 bytes
            (hex("00 05 0102"), .truncated),  // declared 5, only 2
            (hex("00 02 010203"), .malformed),  // trailing byte
            (hex("00 8101") + [UInt8](repeating: 0, count: 129), .invalidLength),  // above the 128-byte cap
            (hex("8000 00"), .nonMinimal),
            ([], .truncated),
        ]
        for (bytes, code) in cases {
            let error = expectFailure { () throws(MultiformatsError) in try Multihash(bytes: bytes) }
            #expect(error?.code == code, "\(hexString(bytes))")
        }
        // A declared length above the cap is rejected before the digest arrives.
        let early = expectFailure { () throws(MultiformatsError) in try Multihash.decode(hex("00 ff01")) }
        #expect(early?.code == .invalidLength)
        #expect(
            expectFailure { () throws(MultiformatsError) in
                try Multihash(code: .sha2_256, digest: [1, 2, 3])
            }?.code == .invalidLength
        )
    }

    @Test("unknown hash functions are carried with any digest length up to the cap")
    func unknownCode() throws {
        let code = try #require(Multicodec(rawValue: 0x1234))
        let multihash = try Multihash(code: code, digest: [9, 8, 7])
        #expect(multihash.bytes == hex("b424 03 090807"))
        #expect(try Multihash(bytes: multihash.bytes) == multihash)
        #expect(code.name == nil)
        #expect(code.description == "0x1234")
    }

    @Test("multicodec table: codes and names")
    func multicodecTable() throws {
        let expected: [(Multicodec, UInt64, String)] = [
            (.identity, 0x00, "identity"), (.cidv1, 0x01, "cidv1"), (.sha2_256, 0x12, "sha2-256"),
            (.raw, 0x55, "raw"), (.dagPB, 0x70, "dag-pb"), (.libp2pKey, 0x72, "libp2p-key"),
            (.libp2pPeerRecord, 0x0301, "libp2p-peer-record"),
        ]
        for (codec, code, name) in expected {
            #expect(codec.rawValue == code)
            #expect(codec.name == name)
            #expect(Multicodec(name: name) == codec)
        }
        // Multiaddr protocols are multicodecs too.
        #expect(Multicodec(name: "udp")?.rawValue == 273)
        #expect(try #require(Multicodec(rawValue: 421)).name == "p2p")
        #expect(Multicodec(rawValue: UInt64.max) == nil)
        #expect(Multicodec.libp2pKey.description == "libp2p-key (0x72)")
    }

    @Test("random multihashes round-trip")
    func roundTrips() throws {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<5_000 {
            let sha = Bool.random(using: &rng)
            let digest = rng.bytes(sha ? 32 : Int.random(in: 0...Multihash.maximumDigestLength, using: &rng))
            let multihash = try Multihash(code: sha ? .sha2_256 : .identity, digest: digest)
            let decoded = try Multihash(bytes: multihash.bytes)
            let fromText = try Multihash(base58: multihash.base58)
            if decoded != multihash || fromText != multihash {
                Issue.record("multihash round trip failed for \(hexString(multihash.bytes))")
            }
        }
    }
}
