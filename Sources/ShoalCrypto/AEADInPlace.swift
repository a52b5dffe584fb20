internal import CSodium

// MARK: - ChaCha20-Poly1305 into caller-owned buffers

extension ChaCha20Poly1305 {
    /// Encrypts `plaintext` into `output` without allocating; writes `ciphertext || tag`.
    ///
    /// `output` may be the same memory as `plaintext` (in-place encryption, as libsodium allows), but must not
    /// otherwise overlap it.
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt.
    ///   - output: at least `plaintext.count + tagByteCount` bytes; the first that many are written.
    ///   - key: the 32-byte key.
    ///   - nonce: the 12-byte nonce.
    ///   - aad: additional authenticated data (may be empty).
    /// - Returns: the number of bytes written (`plaintext.count + tagByteCount`).
    /// - Throws: ``CryptoError`` when the key, nonce or output has the wrong size.
    @discardableResult
    public static func seal(
        _ plaintext: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        key: SecureBytes,
        nonce: UnsafeRawBufferPointer,
        authenticating aad: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws -> Int {
        try checkBufferSizes(key: key, nonce: nonce)
        let needed = plaintext.count + tagByteCount
        guard output.count >= needed, let out = output.baseAddress else {
            throw CryptoError(.invalidInput, "output of \(output.count) bytes is shorter than \(needed)")
        }
        var outLen: UInt64 = 0
        key.withUnsafeBytes { k in
            _ = crypto_aead_chacha20poly1305_ietf_encrypt(
                out.assumingMemoryBound(to: UInt8.self),
                &outLen,
                plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self),
                UInt64(plaintext.count),
                aad.baseAddress?.assumingMemoryBound(to: UInt8.self),
                UInt64(aad.count),
                nil,
                nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
                k.baseAddress!.assumingMemoryBound(to: UInt8.self)
            )
        }
        return needed
    }

    /// Decrypts and authenticates `ciphertext || tag` into `output` without allocating.
    ///
    /// `output` may be the same memory as `sealed` (in-place decryption). Nothing is meaningful in `output` when
    /// this throws.
    /// - Parameters:
    ///   - sealed: `ciphertext || tag`, at least `tagByteCount` bytes.
    ///   - output: at least `sealed.count - tagByteCount` bytes.
    ///   - key: the 32-byte key.
    ///   - nonce: the 12-byte nonce.
    ///   - aad: additional authenticated data (may be empty).
    /// - Returns: the number of plaintext bytes written.
    /// - Throws: ``CryptoError`` with code `authenticationFailed` if the tag does not verify, `invalidInput` for
    ///   wrong sizes.
    @discardableResult
    public static func open(
        _ sealed: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        key: SecureBytes,
        nonce: UnsafeRawBufferPointer,
        authenticating aad: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws -> Int {
        try checkBufferSizes(key: key, nonce: nonce)
        guard sealed.count >= tagByteCount, let input = sealed.baseAddress else {
            throw CryptoError(.authenticationFailed, "ciphertext of \(sealed.count) bytes is shorter than the tag")
        }
        let produced = sealed.count - tagByteCount
        guard output.count >= produced else {
            throw CryptoError(.invalidInput, "output of \(output.count) bytes is shorter than \(produced)")
        }
        // libsodium accepts a null output pointer only for an empty plaintext; give it a valid address anyway.
        var scratch: UInt8 = 0
        var outLen: UInt64 = 0
        let rc = key.withUnsafeBytes { k in
            withUnsafeMutablePointer(to: &scratch) { scratchPointer in
                crypto_aead_chacha20poly1305_ietf_decrypt(
                    output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? scratchPointer,
                    &outLen,
                    nil,
                    input.assumingMemoryBound(to: UInt8.self),
                    UInt64(sealed.count),
                    aad.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    UInt64(aad.count),
                    nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    k.baseAddress!.assumingMemoryBound(to: UInt8.self)
                )
            }
        }
        guard rc == 0 else { throw CryptoError(.authenticationFailed, "ChaCha20-Poly1305 tag did not verify") }
        return produced
    }

    private static func checkBufferSizes(key: SecureBytes, nonce: UnsafeRawBufferPointer) throws {
        Sodium.ensureReady()
        guard key.count == keyByteCount else {
            throw CryptoError.length("ChaCha20-Poly1305 key", expected: 32, got: key.count)
        }
        guard nonce.count == nonceByteCount, nonce.baseAddress != nil else {
            throw CryptoError.length("ChaCha20-Poly1305 nonce", expected: 12, got: nonce.count)
        }
    }
}
