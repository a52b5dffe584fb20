import ShoalCore
public import ShoalCrypto

/// One connection's private-network layer (pnet PSK v1): a pure value type, no I/O.
///
/// Each side first sends a random 24-byte nonce, then everything it writes is xored with the XSalsa20 keystream of
/// (PSK, its own nonce). Everything read after the peer's 24-byte nonce is xored with the keystream of (PSK, the
/// peer's nonce). There is no authentication here: with a different PSK the peer's bytes decrypt to garbage, and
/// the security layer above (Noise) fails. The layer runs below multistream-select and Noise.
///
/// Use: send ``start()`` as soon as the connection is up (both sides do, without waiting), then pass every
/// outbound byte through ``encrypt(_:)`` and every inbound chunk through ``decrypt(_:)``.
public struct PrivateNetworkConnection: Sendable {
    /// The nonce length.
    public static let nonceByteCount = 24

    /// The nonce this side sends.
    public let localNonce: [UInt8]
    private var writer: XSalsa20.Stream
    private var reader: XSalsa20.Stream?
    private let key: SecureBytes
    private var nonceSent = false
    private var remoteNoncePrefix: [UInt8] = []

    // MARK: - Initialisation

    /// A connection layer for `psk`.
    /// - Parameters:
    ///   - psk: the network's pre-shared key.
    ///   - localNonce: the 24-byte nonce to send, for tests only; nil for a random one (the normal case).
    /// - Throws: ``ShoalError`` with code `invalidArgument` when `localNonce` is not 24 bytes.
    public init(psk: PreSharedKey, localNonce: [UInt8]? = nil) throws {
        let nonce = localNonce ?? secureRandomBytes(Self.nonceByteCount)
        guard nonce.count == Self.nonceByteCount else {
            throw ShoalError(.invalidArgument, "pnet nonce must be 24 bytes, got \(nonce.count)")
        }
        self.localNonce = nonce
        self.key = psk.key
        do { writer = try XSalsa20.Stream(key: psk.key, nonce: nonce) } catch {
            throw ShoalError(.internalError, "XSalsa20 refused a checked key and nonce", cause: error)
        }
    }

    /// Whether the peer's nonce has arrived (from then on inbound bytes are decrypted).
    public var hasRemoteNonce: Bool { reader != nil }

    // MARK: - Outbound

    /// The bytes to send first: this side's nonce, once; empty on later calls.
    public mutating func start() -> [UInt8] {
        guard !nonceSent else { return [] }
        nonceSent = true
        return localNonce
    }

    /// Encrypts outbound bytes. If ``start()`` was not called yet, the nonce is put in front.
    /// - Returns: the bytes to write.
    public mutating func encrypt(_ plaintext: some ContiguousByteSource) -> [UInt8] {
        var out = start()
        let prefix = out.count
        plaintext.withUnsafeBytes { out.append(contentsOf: $0) }
        out.withUnsafeMutableBytes { writer.apply(to: UnsafeMutableRawBufferPointer(rebasing: $0[prefix...])) }
        return out
    }

    /// Encrypts bytes in place (after ``start()`` has been sent).
    /// - Precondition: ``start()`` has returned the nonce.
    public mutating func encryptInPlace(_ buffer: UnsafeMutableRawBufferPointer) {
        precondition(nonceSent, "send start() before encrypting in place")
        writer.apply(to: buffer)
    }

    // MARK: - Inbound

    /// Decrypts received bytes. The first 24 bytes of the stream are the peer's nonce and produce no output; bytes
    /// that arrive in the same chunk as the end of the nonce are decrypted, not lost.
    /// - Returns: the plaintext (empty while the nonce is incomplete).
    public mutating func decrypt(_ ciphertext: some ContiguousByteSource) -> [UInt8] {
        ciphertext.withUnsafeBytes { raw in
            var offset = 0
            if reader == nil {
                let needed = Self.nonceByteCount - remoteNoncePrefix.count
                let take = Swift.min(needed, raw.count)
                remoteNoncePrefix.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<take]))
                offset = take
                guard remoteNoncePrefix.count == Self.nonceByteCount else { return [] }
                // Both lengths were checked: a 32-byte key and a 24-byte nonce.
                reader = try! XSalsa20.Stream(key: key, nonce: remoteNoncePrefix)
            }
            var out = Array(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            out.withUnsafeMutableBytes { reader!.apply(to: $0) }
            return out
        }
    }
}
