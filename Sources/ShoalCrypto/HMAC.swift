internal import CSodium

/// HMAC-SHA-256 (RFC 2104) with a key of any length.
public enum HMACSHA256 {
    /// The tag length in bytes.
    public static let byteCount = 32

    /// The HMAC-SHA-256 tag of `message` under `key`.
    public static func authenticate(_ message: some ContiguousByteSource, key: some ContiguousByteSource) -> [UInt8] {
        Sodium.ensureReady()
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: byteCount)
        key.withUnsafeBytes { k in
            if let base = k.baseAddress, k.count > 0 {
                _ = crypto_auth_hmacsha256_init(&state, base.assumingMemoryBound(to: UInt8.self), k.count)
            } else {
                var zero: UInt8 = 0
                _ = crypto_auth_hmacsha256_init(&state, &zero, 0)
            }
        }
        message.withUnsafeBytes { m in
            _ = crypto_auth_hmacsha256_update(
                &state,
                m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                UInt64(m.count)
            )
        }
        out.withUnsafeMutableBytes { o in
            _ = crypto_auth_hmacsha256_final(&state, o.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        sodium_memzero(&state, MemoryLayout<crypto_auth_hmacsha256_state>.size)
        return out
    }

    /// Checks `tag` against the HMAC of `message` in constant time.
    public static func isValid(
        tag: [UInt8],
        for message: some ContiguousByteSource,
        key: some ContiguousByteSource
    ) -> Bool {
        let expected = authenticate(message, key: key)
        guard tag.count == expected.count else { return false }
        return sodium_memcmp(tag, expected, expected.count) == 0
    }
}

/// HKDF-SHA-256 (RFC 5869), built from ``HMACSHA256`` (libsodium 1.0.18 has no HKDF API).
public enum HKDFSHA256 {
    /// The largest output RFC 5869 allows: 255 blocks of 32 bytes.
    public static let maximumOutputLength = 255 * 32

    /// HKDF-Extract: the pseudorandom key for `ikm` under `salt` (an empty salt means 32 zero bytes).
    public static func extract(salt: [UInt8], ikm: some ContiguousByteSource) -> [UInt8] {
        let effectiveSalt = salt.isEmpty ? [UInt8](repeating: 0, count: 32) : salt
        return HMACSHA256.authenticate(ikm, key: effectiveSalt)
    }

    /// HKDF-Expand: `length` bytes of output keying material from `prk` and `info`.
    /// - Throws: ``CryptoError`` when `length` is over ``maximumOutputLength`` or `prk` is shorter than 32 bytes.
    public static func expand(prk: [UInt8], info: [UInt8], length: Int) throws -> [UInt8] {
        guard prk.count >= 32 else { throw CryptoError(.invalidInput, "HKDF PRK must be at least 32 bytes") }
        guard length >= 0, length <= maximumOutputLength else {
            throw CryptoError(.invalidInput, "HKDF output length \(length) is over \(maximumOutputLength)")
        }
        var okm: [UInt8] = []
        okm.reserveCapacity(length)
        var previous: [UInt8] = []
        var counter: UInt8 = 1
        while okm.count < length {
            previous = HMACSHA256.authenticate(previous + info + [counter], key: prk)
            okm.append(contentsOf: previous)
            counter &+= 1
        }
        return Array(okm.prefix(length))
    }

    /// Extract then expand.
    public static func deriveKey(
        ikm: some ContiguousByteSource,
        salt: [UInt8],
        info: [UInt8],
        length: Int
    ) throws -> [UInt8] {
        try expand(prk: extract(salt: salt, ikm: ikm), info: info, length: length)
    }
}
