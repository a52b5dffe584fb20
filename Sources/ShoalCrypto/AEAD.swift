internal import CSodium

/// ChaCha20-Poly1305 with a 96-bit nonce (IETF, RFC 8439), through libsodium.
public enum ChaCha20Poly1305 {
    /// Key length in bytes.
    public static let keyByteCount = 32
    /// Nonce length in bytes.
    public static let nonceByteCount = 12
    /// Tag length in bytes.
    public static let tagByteCount = 16

    /// Encrypts `plaintext`; returns `ciphertext || tag`.
    /// - Throws: ``CryptoError`` when the key or nonce has the wrong length.
    public static func seal(
        _ plaintext: some ContiguousByteSource,
        key: SecureBytes,
        nonce: [UInt8],
        authenticating aad: some ContiguousByteSource = [UInt8]()
    ) throws -> [UInt8] {
        try checkSizes(key: key, nonce: nonce)
        return plaintext.withUnsafeBytes { p in
            var out = [UInt8](repeating: 0, count: p.count + tagByteCount)
            var outLen: UInt64 = 0
            aad.withUnsafeBytes { a in
                key.withUnsafeBytes { k in
                    _ = crypto_aead_chacha20poly1305_ietf_encrypt(
                        &out,
                        &outLen,
                        p.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(p.count),
                        a.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(a.count),
                        nil,
                        nonce,
                        k.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            return out
        }
    }

    /// Decrypts and authenticates `ciphertext || tag`.
    /// - Throws: ``CryptoError`` with code `authenticationFailed` if the tag does not verify.
    public static func open(
        _ sealed: some ContiguousByteSource,
        key: SecureBytes,
        nonce: [UInt8],
        authenticating aad: some ContiguousByteSource = [UInt8]()
    ) throws -> [UInt8] {
        try checkSizes(key: key, nonce: nonce)
        return try sealed.withUnsafeBytes { c in
            guard c.count >= tagByteCount else {
                throw CryptoError(.authenticationFailed, "ciphertext of \(c.count) bytes is shorter than the tag")
            }
            var out = [UInt8](repeating: 0, count: c.count - tagByteCount)
            var outLen: UInt64 = 0
            let rc = aad.withUnsafeBytes { a in
                key.withUnsafeBytes { k in
                    crypto_aead_chacha20poly1305_ietf_decrypt(
                        &out,
                        &outLen,
                        nil,
                        c.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        UInt64(c.count),
                        a.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(a.count),
                        nonce,
                        k.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            guard rc == 0 else { throw CryptoError(.authenticationFailed, "ChaCha20-Poly1305 tag did not verify") }
            return out
        }
    }

    private static func checkSizes(key: SecureBytes, nonce: [UInt8]) throws {
        Sodium.ensureReady()
        guard key.count == keyByteCount else {
            throw CryptoError.length("ChaCha20-Poly1305 key", expected: 32, got: key.count)
        }
        guard nonce.count == nonceByteCount else {
            throw CryptoError.length("ChaCha20-Poly1305 nonce", expected: 12, got: nonce.count)
        }
    }
}

/// XChaCha20-Poly1305 with a 192-bit nonce (safe to pick at random), through libsodium.
public enum XChaCha20Poly1305 {
    /// Key length in bytes.
    public static let keyByteCount = 32
    /// Nonce length in bytes.
    public static let nonceByteCount = 24
    /// Tag length in bytes.
    public static let tagByteCount = 16

    /// Encrypts `plaintext`; returns `ciphertext || tag`.
    /// - Throws: ``CryptoError`` when the key or nonce has the wrong length.
    public static func seal(
        _ plaintext: some ContiguousByteSource,
        key: SecureBytes,
        nonce: [UInt8],
        authenticating aad: some ContiguousByteSource = [UInt8]()
    ) throws -> [UInt8] {
        try checkSizes(key: key, nonce: nonce)
        return plaintext.withUnsafeBytes { p in
            var out = [UInt8](repeating: 0, count: p.count + tagByteCount)
            var outLen: UInt64 = 0
            aad.withUnsafeBytes { a in
                key.withUnsafeBytes { k in
                    _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                        &out,
                        &outLen,
                        p.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(p.count),
                        a.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(a.count),
                        nil,
                        nonce,
                        k.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            return out
        }
    }

    /// Decrypts and authenticates `ciphertext || tag`.
    /// - Throws: ``CryptoError`` with code `authenticationFailed` if the tag does not verify.
    public static func open(
        _ sealed: some ContiguousByteSource,
        key: SecureBytes,
        nonce: [UInt8],
        authenticating aad: some ContiguousByteSource = [UInt8]()
    ) throws -> [UInt8] {
        try checkSizes(key: key, nonce: nonce)
        return try sealed.withUnsafeBytes { c in
            guard c.count >= tagByteCount else {
                throw CryptoError(.authenticationFailed, "ciphertext of \(c.count) bytes is shorter than the tag")
            }
            var out = [UInt8](repeating: 0, count: c.count - tagByteCount)
            var outLen: UInt64 = 0
            let rc = aad.withUnsafeBytes { a in
                key.withUnsafeBytes { k in
                    crypto_aead_xchacha20poly1305_ietf_decrypt(
                        &out,
                        &outLen,
                        nil,
                        c.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        UInt64(c.count),
                        a.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(a.count),
                        nonce,
                        k.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            guard rc == 0 else { throw CryptoError(.authenticationFailed, "XChaCha20-Poly1305 tag did not verify") }
            return out
        }
    }

    private static func checkSizes(key: SecureBytes, nonce: [UInt8]) throws {
        Sodium.ensureReady()
        guard key.count == keyByteCount else {
            throw CryptoError.length("XChaCha20-Poly1305 key", expected: 32, got: key.count)
        }
        guard nonce.count == nonceByteCount else {
            throw CryptoError.length("XChaCha20-Poly1305 nonce", expected: 24, got: nonce.count)
        }
    }
}
