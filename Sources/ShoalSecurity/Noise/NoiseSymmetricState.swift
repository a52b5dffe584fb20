import ShoalCore
public import ShoalCrypto

/// A Noise `SymmetricState` for SHA-256 (Noise spec rev 34 §5.2): the chaining key `ck`, the handshake hash `h`
/// and a ``NoiseCipherState``.
public struct NoiseSymmetricState: Sendable {
    /// `HASHLEN` for SHA-256.
    public static let hashLength = 32

    private var chainingKey: [UInt8]
    /// The handshake hash `h`. After the last handshake message it is the channel-binding value.
    public private(set) var handshakeHash: [UInt8]
    private var cipher: NoiseCipherState

    // MARK: - Initialisation

    /// `InitializeSymmetric(protocolName)`: `h` is the name padded with zeros to 32 bytes, or its SHA-256 when
    /// longer; `ck = h`; the key is empty.
    public init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= Self.hashLength {
            handshakeHash = name + [UInt8](repeating: 0, count: Self.hashLength - name.count)
        } else {
            handshakeHash = SHA256.hash(name)
        }
        chainingKey = handshakeHash
        cipher = NoiseCipherState()
    }

    /// Whether a key has been mixed in (from then on payloads are encrypted).
    public var hasKey: Bool { cipher.hasKey }

    // MARK: - Operations

    /// `MixHash(data)`: `h = SHA-256(h || data)`.
    public mutating func mixHash(_ data: some ContiguousByteSource) {
        var hasher = SHA256.Hasher()
        hasher.update(handshakeHash)
        hasher.update(data)
        handshakeHash = hasher.finalize()
    }

    /// `MixKey(ikm)`: `(ck, k) = HKDF(ck, ikm, 2)`, then a new cipher key with the nonce back at 0.
    public mutating func mixKey(_ inputKeyMaterial: SecureBytes) {
        let (newChainingKey, tempKey) = inputKeyMaterial.withUnsafeBytes { Self.hkdf(chainingKey: chainingKey, $0) }
        chainingKey = newChainingKey
        cipher = NoiseCipherState(key: SecureBytes(tempKey))
    }

    /// `EncryptAndHash(plaintext)`: encrypts with `ad = h` (or passes through without a key), then mixes the
    /// ciphertext into `h`.
    /// - Throws: ``ShoalError`` with code `limitExceeded` (cannot happen within one handshake).
    public mutating func encryptAndHash(_ plaintext: some ContiguousByteSource) throws -> [UInt8] {
        let ciphertext = try cipher.encrypt(plaintext, authenticating: handshakeHash)
        mixHash(ciphertext)
        return ciphertext
    }

    /// `DecryptAndHash(ciphertext)`: decrypts with `ad = h` (or passes through without a key), then mixes the
    /// ciphertext into `h`.
    /// - Throws: ``ShoalError`` with code `authenticationFailed` when the tag does not verify.
    public mutating func decryptAndHash(_ ciphertext: some ContiguousByteSource) throws -> [UInt8] {
        let plaintext = try cipher.decrypt(ciphertext, authenticating: handshakeHash)
        mixHash(ciphertext)
        return plaintext
    }

    /// `Split()`: `(k1, k2) = HKDF(ck, empty, 2)`.
    /// - Returns: the initiator-to-responder and the responder-to-initiator cipher states, nonces at 0.
    public func split() -> (initiatorToResponder: NoiseCipherState, responderToInitiator: NoiseCipherState) {
        let (k1, k2) = Self.hkdf(chainingKey: chainingKey, UnsafeRawBufferPointer(start: nil, count: 0))
        return (NoiseCipherState(key: SecureBytes(k1)), NoiseCipherState(key: SecureBytes(k2)))
    }

    // MARK: - HKDF

    /// Noise's `HKDF(ck, ikm, 2)`: `temp = HMAC(ck, ikm)`, `o1 = HMAC(temp, 0x01)`, `o2 = HMAC(temp, o1 || 0x02)`
    /// (RFC 5869 with salt `ck` and empty info).
    static func hkdf(chainingKey: [UInt8], _ ikm: UnsafeRawBufferPointer) -> ([UInt8], [UInt8]) {
        var temp = HMACSHA256.authenticate(ikm, key: chainingKey)
        defer { for i in temp.indices { temp[i] = 0 } }
        let output1 = HMACSHA256.authenticate([0x01], key: temp)
        let output2 = HMACSHA256.authenticate(output1 + [0x02], key: temp)
        return (output1, output2)
    }
}
