import ShoalMultiformats
import Testing

@Suite("CID")
struct CIDTests {
    static let peerMultihash = hex("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")

    @Test("peer ID as CIDv1 libp2p-key prints as the wire.md base32 vector")
    func peerIDCID() throws {
        let cid = CID(codec: .libp2pKey, multihash: try Multihash(bytes: Self.peerMultihash))
        #expect(cid.description == "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6")
        #expect(cid.bytes == hex("0172") + Self.peerMultihash)
        #expect(cid.string(base: .base36) == "k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe")
        let parsed = try CID("bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6")
        #expect(parsed == cid)
        #expect(parsed.version == .v1)
        #expect(parsed.codec == .libp2pKey)
        #expect(parsed.multihash.base58 == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
        #expect(try CID("k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe") == cid)
        #expect(try CID("BAFZAAJAIAEJCAHWR5D5OFRFBIS4L5D6UWR57HU5TJODRYPFM6YAQ6DSC2R2PZYT6") == cid)
    }

    @Test("the peer-ID spec example: Qm… and bafz… carry the same multihash")
    func specExample() throws {
        let v0 = try CID("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
        #expect(v0.version == .v0)
        #expect(v0.codec == .dagPB)
        #expect(v0.description == "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
        #expect(v0.bytes == hex("12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9"))
        let key = try CID("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe")
        #expect(key.multihash == v0.multihash)
        #expect(key.codec == .libp2pKey)
        #expect(key != v0)
    }

    @Test("CIDv0 binary form and its v1 equivalent")
    func v0Binary() throws {
        let bytes = hex("1220c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad6")
        let cid = try CID(bytes: bytes)
        #expect(cid.version == .v0)
        #expect(cid.description == "QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP")
        #expect(cid.v1.description == "bafybeigalb34xlqdtvyklzqa5ibmn6pssqsdskc4ty2e4jxy2kamquh22y")
        #expect(try CID(bytes: cid.v1.bytes) == cid.v1)
        #expect(
            expectFailure { () throws(MultiformatsError) in
                try CID(v0: try Multihash(bytes: Self.peerMultihash))
            }?.code == .invalidValue
        )
    }

    @Test("bad CIDs throw typed errors")
    func invalid() {
        let texts: [(String, MultiformatsError.Code)] = [
            ("", .malformed),
            ("Qm", .unknownCode),  // too short for CIDv0, and 'Q' is no multibase prefix
            ("bafza", .truncated),
            ("f0272" + hexString(Self.peerMultihash), .unsupported),  // version 2
            ("f1220" + String(repeating: "00", count: 32), .malformed),  // CIDv0 inside multibase
            ("f0172", .truncated),  // no multihash
            ("f01721220" + String(repeating: "00", count: 31), .truncated),
        ]
        for (text, code) in texts {
            let error = expectFailure { () throws(MultiformatsError) in try CID(text) }
            #expect(error?.code == code, "\(text): \(String(describing: error))")
        }
        let binary: [([UInt8], MultiformatsError.Code)] = [
            ([], .truncated),
            (hex("1220") + [UInt8](repeating: 0, count: 31), .invalidLength),
            (hex("0172") + Self.peerMultihash + [0], .malformed),
            (hex("00"), .unsupported),
        ]
        for (bytes, code) in binary {
            let error = expectFailure { () throws(MultiformatsError) in try CID(bytes: bytes) }
            #expect(error?.code == code, "\(hexString(bytes)): \(String(describing: error))")
        }
    }

    @Test("random CIDs round-trip through binary and every base")
    func roundTrips() throws {
        var rng = SplitMix64(seed: 4)
        let codecs: [Multicodec] = [.raw, .dagPB, .dagCBOR, .libp2pKey, .dagJSON]
        for _ in 0..<2_000 {
            let multihash = try Multihash(code: .sha2_256, digest: rng.bytes(32))
            let cid = CID(codec: codecs[Int.random(in: codecs.indices, using: &rng)], multihash: multihash)
            let base = Multibase.Base.allCases[Int.random(in: Multibase.Base.allCases.indices, using: &rng)]
            let viaText = try CID(cid.string(base: base))
            let viaBytes = try CID(bytes: cid.bytes)
            let v0 = try CID(v0: multihash)
            let v0Text = try CID(v0.description)
            if viaText != cid || viaBytes != cid || v0Text != v0 {
                Issue.record("CID round trip failed for \(cid)")
            }
        }
    }
}
