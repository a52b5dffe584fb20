import ShoalMultiformats
import Testing

@Suite("Multibase and raw bases")
struct MultibaseTests {
    /// The Ed25519 peer ID of wire.md §3.4 as CIDv1 bytes (`01 72 || multihash`).
    static let peerCID =
        hex("0172") + hex("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")

    /// The same bytes in every base (computed independently with Python's `base64` module and integer maths).
    static let encodings: [(Multibase.Base, String)] = [
        (.base32, "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6"),
        (.base32Upper, "BAFZAAJAIAEJCAHWR5D5OFRFBIS4L5D6UWR57HU5TJODRYPFM6YAQ6DSC2R2PZYT6"),
        (.base36, "k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe"),
        (.base58btc, "z5AanNVJCxnGuh8TJu4nye3dE3NbxAd8FB9cr46uVagyFPuibMxok2R"),
        (.base16, "f01720024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"),
        (.base64, "mAXIAJAgBEiAe0ej64sShRLi+j9S0e/PTs0uHHDys9gEPDkLUdPzifg"),
        (.base64Pad, "MAXIAJAgBEiAe0ej64sShRLi+j9S0e/PTs0uHHDys9gEPDkLUdPzifg=="),
        (.base64urlPad, "UAXIAJAgBEiAe0ej64sShRLi-j9S0e_PTs0uHHDys9gEPDkLUdPzifg=="),
    ]

    @Test("encodes the peer-ID CID in every base", arguments: encodings)
    func encodes(base: Multibase.Base, expected: String) {
        #expect(Multibase.encode(Self.peerCID, as: base) == expected)
    }

    @Test("decodes the peer-ID CID from every base", arguments: encodings)
    func decodes(base: Multibase.Base, text: String) throws {
        let decoded = try Multibase.decodeWithBase(text)
        #expect(decoded.base == base)
        #expect(decoded.bytes == Self.peerCID)
    }

    @Test("base58btc peer ID ↔ multihash bytes (wire.md §3.4)")
    func base58PeerID() throws {
        let multihash = hex("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")
        #expect(Base58.encode(multihash) == "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq")
        #expect(try Base58.decode("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq") == multihash)
    }

    @Test("RFC 4648 §10 test vectors for base16, base32 and base64")
    func rfc4648() throws {
        let vectors: [(String, String, String, String)] = [
            ("", "", "", ""), ("f", "66", "MY======", "Zg=="), ("fo", "666f", "MZXQ====", "Zm8="),
            ("foo", "666f6f", "MZXW6===", "Zm9v"), ("foob", "666f6f62", "MZXW6YQ=", "Zm9vYg=="),
            ("fooba", "666f6f6261", "MZXW6YTB", "Zm9vYmE="), ("foobar", "666f6f626172", "MZXW6YTBOI======", "Zm9vYmFy"),
        ]
        for (plain, base16, base32, base64) in vectors {
            let bytes = Array(plain.utf8)
            #expect(Base16.encode(bytes) == base16)
            #expect(try Base16.decode(base16) == bytes)
            #expect(Base32.encode(bytes, uppercase: true, padded: true) == base32)
            #expect(try Base32.decode(base32, uppercase: true, padded: true) == bytes)
            let unpadded = String(base32.filter { $0 != "=" }).lowercased()
            #expect(Base32.encode(bytes) == unpadded)
            #expect(try Base32.decode(unpadded) == bytes)
            #expect(Base64.encode(bytes, padded: true) == base64)
            #expect(try Base64.decode(base64, padded: true) == bytes)
        }
    }

    @Test("leading zero bytes survive base58 and base36")
    func leadingZeros() throws {
        #expect(Base58.encode([0, 0, 1]) == "112")
        #expect(try Base58.decode("112") == [0, 0, 1])
        #expect(Base58.encode([]) == "")
        #expect(try Base58.decode("") == [])
        #expect(Base36.encode([0, 0, 35]) == "00z")
        #expect(try Base36.decode("00z") == [0, 0, 35])
        #expect(try Base36.decode("00Z", uppercase: true) == [0, 0, 35])
    }

    @Test("invalid characters are reported with their position")
    func invalidCharacters() {
        let base58 = expectFailure { () throws(MultiformatsError) in try Base58.decode("12D3K0oW") }
        #expect(base58?.code == .invalidCharacter)
        #expect(base58?.message == "invalid base58btc character '0' at position 5")
        // In multibase text the position counts the prefix.
        let prefixed = expectFailure { () throws(MultiformatsError) in try Multibase.decode("bafz1") }
        #expect(prefixed?.code == .invalidCharacter)
        #expect(prefixed?.message == "invalid base32 character '1' at position 4")
        let nonASCII = expectFailure { () throws(MultiformatsError) in try Multibase.decode("zé") }
        #expect(nonASCII?.message == "invalid base58btc character byte 0xc3 at position 1")
    }

    @Test("strict decoding: case, padding, length and trailing bits")
    func strictness() {
        let cases: [(String, MultiformatsError.Code)] = [
            ("", .malformed),  // empty
            ("?abc", .unknownCode),  // unknown prefix
            ("bAFZA", .invalidCharacter),  // upper case under 'b'
            ("Bafza", .invalidCharacter),  // lower case under 'B'
            ("bafz=", .invalidCharacter),  // padding under the unpadded prefix
            ("ba", .invalidLength),  // 1 base32 character cannot end a block
            ("bab", .malformed),  // non-zero trailing bits ("ab" → 0x00 + 2 bits set)
            ("f0", .invalidLength),  // odd hex
            ("fAB", .invalidCharacter),  // upper-case hex under 'f'
            ("mQ", .invalidLength),  // 1 base64 character
            ("mQR", .malformed),  // non-zero trailing bits
            ("MQQ", .invalidLength),  // padded base64 must be a multiple of 4
            ("MQQ=A", .invalidCharacter),  // '=' in the middle
            ("MQ===", .invalidLength),  // one data character in the last block
            ("UQQ=", .invalidLength),
            ("k0O", .invalidCharacter),
            ("z0", .invalidCharacter),
        ]
        for (text, code) in cases {
            let error = expectFailure { () throws(MultiformatsError) in try Multibase.decode(text) }
            #expect(error?.code == code, "\(text): \(String(describing: error))")
        }
    }

    @Test("input limits are enforced before decoding")
    func limits() {
        let long58 = String(repeating: "2", count: Base58.maximumEncodedLength + 1)
        #expect(expectFailure { () throws(MultiformatsError) in try Base58.decode(long58) }?.code == .limitExceeded)
        let long36 = "k" + String(repeating: "2", count: Base36.maximumEncodedLength + 1)
        #expect(expectFailure { () throws(MultiformatsError) in try Multibase.decode(long36) }?.code == .limitExceeded)
        let longB = "b" + String(repeating: "a", count: Multibase.maximumEncodedLength)
        #expect(expectFailure { () throws(MultiformatsError) in try Multibase.decode(longB) }?.code == .limitExceeded)
    }

    @Test("prefix characters map both ways")
    func prefixes() {
        for base in Multibase.Base.allCases {
            #expect(Multibase.Base(prefix: base.prefix) == base)
        }
        #expect(Multibase.Base(prefix: "Q") == nil)
        #expect(Multibase.Base.base58btc.description == "base58btc")
    }

    @Test("every base round-trips random bytes")
    func roundTrips() throws {
        var rng = SplitMix64(seed: 2)
        for _ in 0..<3_000 {
            let bytes = rng.bytes(upTo: 48)
            for base in Multibase.Base.allCases {
                let text = Multibase.encode(bytes, as: base)
                let decoded = try Multibase.decodeWithBase(text)
                if decoded.base != base || decoded.bytes != bytes {
                    Issue.record("\(base) round trip failed for \(hexString(bytes)): \(text)")
                }
            }
        }
    }
}
