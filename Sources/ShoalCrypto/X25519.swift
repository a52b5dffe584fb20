internal import CSodium

/// X25519 Diffie-Hellman (RFC 7748), through libsodium.
public enum X25519 {
    /// An X25519 public key (32 bytes, RFC 7748 encoding).
    public struct PublicKey: Hashable, Sendable {
        /// The 32-byte u-coordinate.
        public let rawRepresentation: [UInt8]

        /// Wraps a 32-byte public key.
        /// - Throws: ``CryptoError`` if the length is not 32.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == 32 else {
                throw CryptoError.length("X25519 public key", expected: 32, got: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
        }
    }

    /// An X25519 private key, wiped when released.
    public struct PrivateKey: Sendable {
        private let scalar: SecureBytes
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key.
        public init() {
            let s = SecureBytes(randomCount: 32)
            self = try! PrivateKey(secret: s)
        }

        /// A key from its 32-byte scalar (clamped by libsodium when used).
        /// - Throws: ``CryptoError`` if the scalar is not 32 bytes.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == 32 else {
                throw CryptoError.length("X25519 private key", expected: 32, got: rawRepresentation.count)
            }
            try self.init(secret: SecureBytes(rawRepresentation))
        }

        private init(secret: SecureBytes) throws {
            Sodium.ensureReady()
            var pk = [UInt8](repeating: 0, count: 32)
            let rc = secret.withUnsafeBytes {
                crypto_scalarmult_base(&pk, $0.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw CryptoError(.internalError, "crypto_scalarmult_base failed") }
            self.scalar = secret
            self.publicKey = try PublicKey(rawRepresentation: pk)
        }

        /// The shared secret with `peer`.
        /// - Throws: ``CryptoError`` with code `weakKey` when the result is all zeros (a low-order point).
        public func sharedSecret(with peer: PublicKey) throws -> SecureBytes {
            var out = [UInt8](repeating: 0, count: 32)
            defer { sodium_memzero(&out, 32) }
            let rc = scalar.withUnsafeBytes { s in
                crypto_scalarmult(&out, s.baseAddress!.assumingMemoryBound(to: UInt8.self), peer.rawRepresentation)
            }
            guard rc == 0 else { throw CryptoError(.weakKey, "X25519 produced the all-zero shared secret") }
            return SecureBytes(out)
        }

        /// The 32-byte scalar. Handle with care.
        public var rawRepresentation: SecureBytes { scalar }
    }
}
