import Foundation
import ShoalCrypto
import Testing

@Suite("Published crypto vectors")
struct VectorTests {
    @Test("SHA-256 of \"abc\" (FIPS 180-2)")
    func sha256ABC() {
        #expect(
            SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        var hasher = SHA256.Hasher()
        hasher.update(Array("a".utf8))
        hasher.update(Array("bc".utf8))
        #expect(hasher.finalize() == SHA256.hash(Array("abc".utf8)))
        #expect(
            SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    }

    @Test("HMAC-SHA-256 (RFC 4231 case 2)")
    func hmac() {
        let tag = HMACSHA256.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(tag.hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACSHA256.isValid(tag: tag, for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8)))
        var bad = tag
        bad[0] ^= 1
        #expect(!HMACSHA256.isValid(tag: bad, for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8)))
    }

    @Test("HMAC-SHA-256 with a key longer than the block (RFC 4231 case 6)")
    func hmacLongKey() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let msg = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        #expect(
            HMACSHA256.authenticate(msg, key: key).hex
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        )
    }

    @Test("HKDF-SHA-256 (RFC 5869 case 1 and 3)")
    func hkdf() throws {
        let ikm = [UInt8](repeating: 0x0b, count: 22)
        let salt = [UInt8](hex: "000102030405060708090a0b0c")
        let info = [UInt8](hex: "f0f1f2f3f4f5f6f7f8f9")
        let prk = HKDFSHA256.extract(salt: salt, ikm: ikm)
        #expect(prk.hex == "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        let okm = try HKDFSHA256.expand(prk: prk, info: info, length: 42)
        #expect(okm.hex == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        // Case 3: empty salt and info.
        let okm3 = try HKDFSHA256.deriveKey(ikm: ikm, salt: [], info: [], length: 42)
        #expect(okm3.hex == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
        #expect(throws: CryptoError.self) { try HKDFSHA256.expand(prk: prk, info: [], length: 255 * 32 + 1) }
        #expect(throws: CryptoError.self) { try HKDFSHA256.expand(prk: [1, 2, 3], info: [], length: 10) }
    }

    @Test("Ed25519 (RFC 8032 test 1 and 2)")
    func ed25519() throws {
        let key = try Ed25519.PrivateKey(
            seed: [UInt8](hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        )
        #expect(
            key.publicKey.rawRepresentation.hex == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        )
        let sig = key.signature(for: [UInt8]())
        #expect(
            sig.hex
                == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        )
        #expect(key.publicKey.isValidSignature(sig, for: [UInt8]()))
        #expect(!key.publicKey.isValidSignature(sig, for: [0x72]))

        let key2 = try Ed25519.PrivateKey(
            seed: [UInt8](hex: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        )
        #expect(
            key2.publicKey.rawRepresentation.hex == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
        )
        #expect(
            key2.signature(for: [0x72]).hex
                == "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        )
        #expect(key2.seed.bytes.hex == "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
        #expect(key2.expandedRepresentation.count == 64)
        #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(seed: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 31)) }
        #expect(!key.publicKey.isValidSignature([UInt8](repeating: 0, count: 63), for: [UInt8]()))
    }

    @Test("X25519 (RFC 7748 §6.1)")
    func x25519() throws {
        let alice = try X25519.PrivateKey(
            rawRepresentation: [UInt8](hex: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
        )
        let bob = try X25519.PrivateKey(
            rawRepresentation: [UInt8](hex: "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
        )
        #expect(
            alice.publicKey.rawRepresentation.hex == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        )
        #expect(
            bob.publicKey.rawRepresentation.hex == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
        )
        let s1 = try alice.sharedSecret(with: bob.publicKey)
        let s2 = try bob.sharedSecret(with: alice.publicKey)
        #expect(s1.bytes.hex == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(s1.constantTimeEquals(s2))
        // A low-order point (all zeros) gives the all-zero secret, which is refused.
        let zero = try X25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))
        #expect(throws: CryptoError.self) { try alice.sharedSecret(with: zero) }
    }

    static let sunscreen = Array(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
            .utf8
    )

    @Test("ChaCha20-Poly1305 IETF (RFC 8439 §2.8.2)")
    func chachaPoly() throws {
        let key = SecureBytes([UInt8](hex: "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"))
        let nonce = [UInt8](hex: "070000004041424344454647")
        let aad = [UInt8](hex: "50515253c0c1c2c3c4c5c6c7")
        let sealed = try ChaCha20Poly1305.seal(Self.sunscreen, key: key, nonce: nonce, authenticating: aad)
        let expected =
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
            + "1ae10b594f09e26a7e902ecbd0600691"
        #expect(sealed.hex == expected)
        #expect(try ChaCha20Poly1305.open(sealed, key: key, nonce: nonce, authenticating: aad) == Self.sunscreen)
        var tampered = sealed
        tampered[5] ^= 0x01
        #expect(throws: CryptoError.self) {
            try ChaCha20Poly1305.open(tampered, key: key, nonce: nonce, authenticating: aad)
        }
        #expect(throws: CryptoError.self) { try ChaCha20Poly1305.open(sealed, key: key, nonce: nonce) }
        #expect(throws: CryptoError.self) { try ChaCha20Poly1305.open([1, 2], key: key, nonce: nonce) }
        #expect(throws: CryptoError.self) { try ChaCha20Poly1305.seal([1], key: key, nonce: [0]) }
    }

    @Test("XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha A.3.1)")
    func xchachaPoly() throws {
        let key = SecureBytes([UInt8](hex: "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"))
        let nonce = [UInt8](hex: "404142434445464748494a4b4c4d4e4f5051525354555657")
        let aad = [UInt8](hex: "50515253c0c1c2c3c4c5c6c7")
        let sealed = try XChaCha20Poly1305.seal(Self.sunscreen, key: key, nonce: nonce, authenticating: aad)
        let expected =
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
            + "c0875924c1c7987947deafd8780acf49"
        #expect(sealed.hex == expected)
        #expect(try XChaCha20Poly1305.open(sealed, key: key, nonce: nonce, authenticating: aad) == Self.sunscreen)
        var tampered = sealed
        tampered[sealed.count - 1] ^= 0x80
        #expect(throws: CryptoError.self) {
            try XChaCha20Poly1305.open(tampered, key: key, nonce: nonce, authenticating: aad)
        }
    }

    @Test("XSalsa20 keystream (NaCl stream3 vector) and chunking")
    func xsalsa20() throws {
        let key = SecureBytes([UInt8](hex: "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389"))
        let nonce = [UInt8](hex: "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37")
        var stream = try XSalsa20.Stream(key: key, nonce: nonce)
        var block = [UInt8](repeating: 0, count: 32)
        stream.apply(&block)
        #expect(block.hex == "eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880")

        // Feeding in odd-sized chunks gives the same bytes as one call.
        var whole = [UInt8](repeating: 0, count: 1000)
        var one = try XSalsa20.Stream(key: key, nonce: nonce)
        one.apply(&whole)
        var chunked = try XSalsa20.Stream(key: key, nonce: nonce)
        var pieces: [UInt8] = []
        var sizes = [1, 63, 64, 65, 7, 200, 3, 597]
        while let n = sizes.first {
            sizes.removeFirst()
            var piece = [UInt8](repeating: 0, count: n)
            chunked.apply(&piece)
            pieces += piece
        }
        #expect(pieces == whole)
        #expect(chunked.position == 1000)
        #expect(throws: CryptoError.self) { try XSalsa20.Stream(key: key, nonce: [1, 2, 3]) }
    }

    @Test("Random bytes differ and SecureBytes hides its contents")
    func random() {
        let a = secureRandomBytes(32)
        let b = secureRandomBytes(32)
        #expect(a != b)
        #expect(a.count == 32)
        let secret = SecureBytes([1, 2, 3])
        #expect(secret.description == "SecureBytes(3 bytes)")
        #expect(secret.bytes == [1, 2, 3])
        #expect(secureRandomUniform(10) < 10)
    }

    @Test("SecureBytes copies arrays, slices, other collections and nothing alike")
    func secureBytesSources() {
        let bytes = (0..<64).map { UInt8($0 * 3 % 251) }
        #expect(SecureBytes(bytes).bytes == bytes)
        #expect(SecureBytes(bytes[5..<37]).bytes == Array(bytes[5..<37]))
        #expect(SecureBytes(bytes.reversed()).bytes == bytes.reversed())
        #expect(SecureBytes(bytes.lazy.map { $0 ^ 0xff }).bytes == bytes.map { $0 ^ 0xff })
        let empty = SecureBytes([UInt8]())
        #expect(empty.count == 0 && empty.bytes.isEmpty)
        #expect(SecureBytes(EmptyCollection<UInt8>()).bytes.isEmpty)
        #expect(SecureBytes(bytes).constantTimeEquals(SecureBytes(bytes.reversed().reversed())))
    }
}
