import ShoalCore
public import ShoalCrypto

/// A Noise `CipherState` for `ChaChaPoly` (Noise spec rev 34 §5.1): a key that may be empty and a 64-bit nonce.
///
/// The 96-bit AEAD nonce is `00 00 00 00 || little-endian u64(n)`. The nonce `2^64 − 1` is reserved, so a cipher
/// state refuses to use it and reports ``ShoalError/Code/limitExceeded`` instead: the connection must be closed
/// before that (libp2p never rekeys).
public struct NoiseCipherState: Sendable {
    /// The reserved nonce value that is never used for encryption.
    public static let reservedNonce: UInt64 = .max

    private var key: SecureBytes?
    /// The nonce the next encryption or decryption will use.
    public private(set) var nonce: UInt64

    // MARK: - Initialisation

    /// A cipher state with an empty key: ``encrypt(_:authenticating:)`` and ``decrypt(_:authenticating:)`` pass the
    /// bytes through unchanged.
    public init() {
        self.key = nil
        self.nonce = 0
    }

    /// A cipher state with a 32-byte key (`InitializeKey`).
    /// - Parameters:
    ///   - key: the 32-byte ChaCha20-Poly1305 key.
    ///   - nonce: the first nonce to use; 0 except in tests of nonce exhaustion.
    public init(key: SecureBytes, nonce: UInt64 = 0) {
        precondition(key.count == ChaCha20Poly1305.keyByteCount, "a Noise cipher key is 32 bytes")
        self.key = key
        self.nonce = nonce
    }

    /// Whether a key is set.
    public var hasKey: Bool { key != nil }

    // MARK: - Array API (handshake)

    /// `EncryptWithAd`: returns `ciphertext || tag`, or `plaintext` when the key is empty.
    /// - Throws: ``ShoalError`` with code `limitExceeded` when the nonce space is used up.
    public mutating func encrypt(
        _ plaintext: some ContiguousByteSource,
        authenticating ad: some ContiguousByteSource
    ) throws -> [UInt8] {
        guard key != nil else { return plaintext.withUnsafeBytes { Array($0) } }
        return try plaintext.withUnsafeBytes { p in
            try ad.withUnsafeBytes { a in
                var out = [UInt8](repeating: 0, count: p.count + ChaCha20Poly1305.tagByteCount)
                _ = try out.withUnsafeMutableBytes { try seal(p, into: $0, authenticating: a) }
                return out
            }
        }
    }

    /// `DecryptWithAd`: returns the plaintext, or `ciphertext` when the key is empty. The nonce is not advanced
    /// when authentication fails.
    /// - Throws: ``ShoalError`` with code `authenticationFailed` or `limitExceeded`.
    public mutating func decrypt(
        _ ciphertext: some ContiguousByteSource,
        authenticating ad: some ContiguousByteSource
    ) throws -> [UInt8] {
        guard key != nil else { return ciphertext.withUnsafeBytes { Array($0) } }
        return try ciphertext.withUnsafeBytes { c in
            try ad.withUnsafeBytes { a in
                guard c.count >= ChaCha20Poly1305.tagByteCount else {
                    throw ShoalError(.malformedInput, "Noise ciphertext of \(c.count) bytes is shorter than the tag")
                }
                var out = [UInt8](repeating: 0, count: c.count - ChaCha20Poly1305.tagByteCount)
                try out.withUnsafeMutableBytes { _ = try open(c, into: $0, authenticating: a) }
                return out
            }
        }
    }

    // MARK: - Buffer API (transport)

    /// Encrypts `plaintext` into `output` (which may be the same memory) and advances the nonce.
    /// - Returns: the bytes written, `plaintext.count + 16`.
    /// - Throws: ``ShoalError`` with code `limitExceeded` when the nonce space is used up.
    @discardableResult
    public mutating func seal(
        _ plaintext: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        authenticating ad: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws -> Int {
        guard let key else { preconditionFailure("seal(_:into:) needs a keyed cipher state") }
        guard nonce != Self.reservedNonce else {
            throw ShoalError(.limitExceeded, "Noise nonce space exhausted after \(nonce) messages")
        }
        let written = try Self.withNonce(nonce) { n in
            do {
                return try ChaCha20Poly1305.seal(plaintext, into: output, key: key, nonce: n, authenticating: ad)
            } catch {
                throw ShoalError(.internalError, "ChaCha20-Poly1305 encryption failed", cause: error)
            }
        }
        nonce += 1
        return written
    }

    /// Decrypts `ciphertext || tag` into `output` (which may be the same memory) and advances the nonce.
    /// - Returns: the plaintext bytes written.
    /// - Throws: ``ShoalError`` with code `authenticationFailed` when the tag does not verify (the nonce is not
    ///   advanced), `limitExceeded` when the nonce space is used up.
    @discardableResult
    public mutating func open(
        _ ciphertext: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        authenticating ad: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws -> Int {
        guard let key else { preconditionFailure("open(_:into:) needs a keyed cipher state") }
        guard nonce != Self.reservedNonce else {
            throw ShoalError(.limitExceeded, "Noise nonce space exhausted after \(nonce) messages")
        }
        let written = try Self.withNonce(nonce) { n in
            do {
                return try ChaCha20Poly1305.open(ciphertext, into: output, key: key, nonce: n, authenticating: ad)
            } catch {
                throw ShoalError(
                    .authenticationFailed,
                    "Noise ciphertext of \(ciphertext.count) bytes did not authenticate (nonce \(nonce))",
                    cause: error
                )
            }
        }
        nonce += 1
        return written
    }

    // MARK: - Nonce encoding

    /// Calls `body` with the 12-byte nonce `00 00 00 00 || le64(n)`, built on the stack.
    @inline(__always)
    static func withNonce<R>(_ n: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var storage: (UInt64, UInt64) = (0, 0)
        return try withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: n.littleEndian, toByteOffset: 4, as: UInt64.self)
            return try body(UnsafeRawBufferPointer(rebasing: raw[0..<ChaCha20Poly1305.nonceByteCount]))
        }
    }
}
