internal import CSodium

/// Ed25519 signatures (RFC 8032), through libsodium.
public enum Ed25519 {
    /// An Ed25519 public key (32 bytes).
    public struct PublicKey: Hashable, Sendable {
        /// The 32-byte encoded point.
        public let rawRepresentation: [UInt8]

        /// Wraps a 32-byte encoded public key.
        /// - Throws: ``CryptoError`` if the length is not 32.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == 32 else {
                throw CryptoError.length("Ed25519 public key", expected: 32, got: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
        }

        /// Whether `signature` is a valid signature of `message` by this key.
        public func isValidSignature(_ signature: [UInt8], for message: some ContiguousByteSource) -> Bool {
            Sodium.ensureReady()
            guard signature.count == 64 else { return false }
            return message.withUnsafeBytes { m in
                crypto_sign_verify_detached(
                    signature,
                    m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    UInt64(m.count),
                    rawRepresentation
                ) == 0
            }
        }
    }

    /// An Ed25519 private key. Its secret bytes are wiped when released.
    public struct PrivateKey: Sendable {
        /// libsodium's 64-byte secret key: `seed || publicKey` (also the libp2p `PrivateKey.Data` layout).
        private let secret: SecureBytes
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key.
        public init() {
            let seed = SecureBytes(randomCount: 32)
            // A random 32-byte seed is always a valid input.
            self = seed.withUnsafeBytes { try! PrivateKey(seedPointer: $0) }
        }

        /// The key derived from a 32-byte seed (RFC 8032's "private key").
        /// - Throws: ``CryptoError`` if the seed is not 32 bytes.
        public init(seed: [UInt8]) throws {
            guard seed.count == 32 else { throw CryptoError.length("Ed25519 seed", expected: 32, got: seed.count) }
            self = try seed.withUnsafeBytes { try PrivateKey(seedPointer: $0) }
        }

        private init(seedPointer: UnsafeRawBufferPointer) throws {
            Sodium.ensureReady()
            var pk = [UInt8](repeating: 0, count: 32)
            var sk = [UInt8](repeating: 0, count: 64)
            let rc = crypto_sign_seed_keypair(&pk, &sk, seedPointer.baseAddress!.assumingMemoryBound(to: UInt8.self))
            defer { sodium_memzero(&sk, sk.count) }
            guard rc == 0 else { throw CryptoError(.internalError, "crypto_sign_seed_keypair failed") }
            self.secret = SecureBytes(sk)
            self.publicKey = try PublicKey(rawRepresentation: pk)
        }

        /// The 32-byte seed. Handle with care: it is the whole secret.
        public var seed: SecureBytes { secret.withUnsafeBytes { SecureBytes($0.prefix(32)) } }

        /// The 64-byte `seed || publicKey` form.
        public var expandedRepresentation: SecureBytes { secret }

        /// Signs `message` (deterministic, RFC 8032).
        public func signature(for message: some ContiguousByteSource) -> [UInt8] {
            var sig = [UInt8](repeating: 0, count: 64)
            secret.withUnsafeBytes { sk in
                message.withUnsafeBytes { m in
                    _ = crypto_sign_detached(
                        &sig,
                        nil,
                        m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(m.count),
                        sk.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            return sig
        }
    }
}
