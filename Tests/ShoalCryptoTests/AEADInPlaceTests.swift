import ShoalCrypto
import Testing

@Suite("ChaCha20-Poly1305 into caller buffers")
struct AEADInPlaceTests {
    static let key = SecureBytes([UInt8](hex: "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"))
    static let nonce = [UInt8](hex: "070000004041424344454647")
    static let aad = [UInt8](hex: "50515253c0c1c2c3c4c5c6c7")

    @Test("sealing into a buffer matches the RFC 8439 vector, also in place")
    func sealInto() throws {
        let expected = try ChaCha20Poly1305.seal(
            VectorTests.sunscreen,
            key: Self.key,
            nonce: Self.nonce,
            authenticating: Self.aad
        )
        var out = [UInt8](repeating: 0, count: VectorTests.sunscreen.count + 16)
        let written = try VectorTests.sunscreen.withUnsafeBytes { p in
            try out.withUnsafeMutableBytes { o in
                try Self.nonce.withUnsafeBytes { n in
                    try Self.aad.withUnsafeBytes { a in
                        try ChaCha20Poly1305.seal(p, into: o, key: Self.key, nonce: n, authenticating: a)
                    }
                }
            }
        }
        #expect(written == out.count)
        #expect(out == expected)
        #expect(out.suffix(16).hex == "1ae10b594f09e26a7e902ecbd0600691")

        // In place: the plaintext is at the front of the buffer, the tag space after it.
        var inPlace = VectorTests.sunscreen + [UInt8](repeating: 0, count: 16)
        try inPlace.withUnsafeMutableBytes { buffer in
            try Self.nonce.withUnsafeBytes { n in
                try Self.aad.withUnsafeBytes { a in
                    let plain = UnsafeRawBufferPointer(rebasing: buffer[0..<VectorTests.sunscreen.count])
                    try ChaCha20Poly1305.seal(plain, into: buffer, key: Self.key, nonce: n, authenticating: a)
                }
            }
        }
        #expect(inPlace == expected)
    }

    @Test("opening into a buffer round-trips and rejects a tampered tag or a short output")
    func openInto() throws {
        var sealed = try ChaCha20Poly1305.seal(VectorTests.sunscreen, key: Self.key, nonce: Self.nonce)
        var out = [UInt8](repeating: 0, count: VectorTests.sunscreen.count)
        let n = try sealed.withUnsafeBytes { c in
            try out.withUnsafeMutableBytes { o in
                try Self.nonce.withUnsafeBytes { try ChaCha20Poly1305.open(c, into: o, key: Self.key, nonce: $0) }
            }
        }
        #expect(n == VectorTests.sunscreen.count)
        #expect(out == VectorTests.sunscreen)

        // In place.
        let count = try sealed.withUnsafeMutableBytes { buffer in
            try Self.nonce.withUnsafeBytes {
                try ChaCha20Poly1305.open(UnsafeRawBufferPointer(buffer), into: buffer, key: Self.key, nonce: $0)
            }
        }
        #expect(Array(sealed[0..<count]) == VectorTests.sunscreen)

        var tampered = try ChaCha20Poly1305.seal(VectorTests.sunscreen, key: Self.key, nonce: Self.nonce)
        tampered[tampered.count - 1] ^= 0x80
        let failure = #expect(throws: CryptoError.self) {
            try tampered.withUnsafeBytes { c in
                try out.withUnsafeMutableBytes { o in
                    try Self.nonce.withUnsafeBytes { try ChaCha20Poly1305.open(c, into: o, key: Self.key, nonce: $0) }
                }
            }
        }
        #expect(failure?.code == .authenticationFailed)
        var short = [UInt8](repeating: 0, count: 3)
        #expect(throws: CryptoError.self) {
            try tampered.withUnsafeBytes { c in
                try short.withUnsafeMutableBytes { o in
                    try Self.nonce.withUnsafeBytes { try ChaCha20Poly1305.open(c, into: o, key: Self.key, nonce: $0) }
                }
            }
        }
        #expect(throws: CryptoError.self) {
            try tampered.withUnsafeBytes { c in
                try out.withUnsafeMutableBytes { o in
                    try [UInt8](repeating: 0, count: 8).withUnsafeBytes {
                        try ChaCha20Poly1305.open(c, into: o, key: Self.key, nonce: $0)
                    }
                }
            }
        }
    }

    @Test("an empty plaintext seals to a bare tag and opens back to nothing")
    func empty() throws {
        var tag = [UInt8](repeating: 0, count: 16)
        _ = try tag.withUnsafeMutableBytes { o in
            try Self.nonce.withUnsafeBytes {
                try ChaCha20Poly1305.seal(
                    UnsafeRawBufferPointer(start: nil, count: 0),
                    into: o,
                    key: Self.key,
                    nonce: $0
                )
            }
        }
        #expect(tag == (try ChaCha20Poly1305.seal([UInt8](), key: Self.key, nonce: Self.nonce)))
        let n = try tag.withUnsafeBytes { c in
            try Self.nonce.withUnsafeBytes {
                try ChaCha20Poly1305.open(
                    c,
                    into: UnsafeMutableRawBufferPointer(start: nil, count: 0),
                    key: Self.key,
                    nonce: $0
                )
            }
        }
        #expect(n == 0)
    }
}
