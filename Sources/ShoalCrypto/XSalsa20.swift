internal import CSodium

/// The XSalsa20 stream cipher (24-byte nonce), as used by libp2p private networks (pnet).
///
/// A ``Stream`` keeps its position, so data can be fed in chunks of any size and the keystream continues where it
/// left off: xoring 10 bytes then 20 bytes equals xoring the 30 bytes at once.
public enum XSalsa20 {
    /// Key length in bytes.
    public static let keyByteCount = 32
    /// Nonce length in bytes.
    public static let nonceByteCount = 24
    private static let blockSize = 64

    /// One direction of an XSalsa20 keystream.
    public struct Stream: Sendable {
        private let key: SecureBytes
        private let nonce: [UInt8]
        /// Bytes of keystream used so far.
        public private(set) var position: UInt64 = 0

        /// A keystream for `key` and `nonce`, starting at position 0.
        /// - Throws: ``CryptoError`` when the key or nonce has the wrong length.
        public init(key: SecureBytes, nonce: [UInt8]) throws {
            Sodium.ensureReady()
            guard key.count == XSalsa20.keyByteCount else {
                throw CryptoError.length("XSalsa20 key", expected: 32, got: key.count)
            }
            guard nonce.count == XSalsa20.nonceByteCount else {
                throw CryptoError.length("XSalsa20 nonce", expected: 24, got: nonce.count)
            }
            self.key = key
            self.nonce = nonce
        }

        /// Xors the next `bytes.count` bytes of keystream into `bytes`, in place.
        public mutating func apply(_ bytes: inout [UInt8]) {
            bytes.withUnsafeMutableBytes { apply(to: $0) }
        }

        /// Xors the next `buffer.count` bytes of keystream into `buffer`, in place.
        public mutating func apply(to buffer: UnsafeMutableRawBufferPointer) {
            guard buffer.count > 0 else { return }
            let block = position / UInt64(XSalsa20.blockSize)
            let offset = Int(position % UInt64(XSalsa20.blockSize))
            key.withUnsafeBytes { k in
                let kp = k.baseAddress!.assumingMemoryBound(to: UInt8.self)
                if offset == 0 {
                    let p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    _ = crypto_stream_xsalsa20_xor_ic(p, p, UInt64(buffer.count), nonce, block, kp)
                } else {
                    // Finish the partly used block first, then continue block-aligned.
                    var scratch = [UInt8](repeating: 0, count: XSalsa20.blockSize)
                    let head = Swift.min(XSalsa20.blockSize - offset, buffer.count)
                    for i in 0..<head { scratch[offset + i] = buffer[i] }
                    _ = crypto_stream_xsalsa20_xor_ic(&scratch, scratch, UInt64(XSalsa20.blockSize), nonce, block, kp)
                    for i in 0..<head { buffer[i] = scratch[offset + i] }
                    if buffer.count > head {
                        let p = buffer.baseAddress!.advanced(by: head).assumingMemoryBound(to: UInt8.self)
                        _ = crypto_stream_xsalsa20_xor_ic(p, p, UInt64(buffer.count - head), nonce, block + 1, kp)
                    }
                }
            }
            position += UInt64(buffer.count)
        }
    }
}
