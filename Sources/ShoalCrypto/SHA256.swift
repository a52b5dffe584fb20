internal import CSodium

/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// The SHA-256 digest of `data`.
    public static func hash(_ data: some ContiguousByteSource) -> [UInt8] {
        Sodium.ensureReady()
        var out = [UInt8](repeating: 0, count: byteCount)
        data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { o in
                _ = crypto_hash_sha256(
                    o.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    UInt64(input.count)
                )
            }
        }
        return out
    }

    /// An incremental SHA-256 computation.
    public struct Hasher: Sendable {
        private var state = crypto_hash_sha256_state()

        /// Starts a new digest.
        public init() {
            Sodium.ensureReady()
            crypto_hash_sha256_init(&state)
        }

        /// Adds `data` to the digest.
        public mutating func update(_ data: some ContiguousByteSource) {
            data.withUnsafeBytes { input in
                _ = crypto_hash_sha256_update(
                    &state,
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    UInt64(input.count)
                )
            }
        }

        /// Returns the digest of everything added so far.
        public mutating func finalize() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: SHA256.byteCount)
            out.withUnsafeMutableBytes { o in
                _ = crypto_hash_sha256_final(&state, o.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            return out
        }
    }
}

/// Byte containers that can lend their contiguous storage (`[UInt8]`, `ArraySlice<UInt8>`, `ContiguousArray`).
public protocol ContiguousByteSource {
    /// Calls `body` with a pointer to the bytes.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousByteSource where Element == UInt8 {}
extension ArraySlice: ContiguousByteSource where Element == UInt8 {}
extension ContiguousArray: ContiguousByteSource where Element == UInt8 {}
extension UnsafeRawBufferPointer: ContiguousByteSource {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}
