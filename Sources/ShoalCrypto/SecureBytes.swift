internal import CSodium

/// Secret bytes that are wiped (with `sodium_memzero`) when the last reference goes away.
///
/// Use it for key material. It never prints its contents: `description` shows only the length.
public final class SecureBytes: @unchecked Sendable, CustomStringConvertible {
    // Immutable after init, so sharing across threads is safe.
    private let storage: UnsafeMutableRawBufferPointer

    /// The number of bytes held.
    public var count: Int { countValue }

    /// Copies `bytes` into wiped-on-release storage.
    public init(_ bytes: some Collection<UInt8>) {
        let count = bytes.count
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count, 1), alignment: 16)
        // Contiguous sources (arrays, slices: every key of a handshake) are copied with one memcpy.
        let copied =
            bytes.withContiguousStorageIfAvailable { source in
                if count > 0 { storage.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count) }
                return true
            } ?? false
        if !copied {
            storage.initializeMemory(as: UInt8.self, repeating: 0)
            _ = UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]).initializeMemory(
                as: UInt8.self,
                from: bytes
            )
        } else if count == 0 {
            storage.storeBytes(of: 0, as: UInt8.self)
        }
        self.storage = storage
        self.countValue = count
    }

    /// `count` fresh random bytes from the OS CSPRNG.
    public init(randomCount: Int) {
        Sodium.ensureReady()
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(randomCount, 1), alignment: 16)
        randombytes_buf(storage.baseAddress!, randomCount)
        self.countValue = randomCount
    }

    private let countValue: Int

    deinit {
        sodium_memzero(storage.baseAddress!, storage.count)
        storage.deallocate()
    }

    /// Calls `body` with the secret bytes. Do not let the pointer escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<countValue]))
    }

    /// A copy of the secret as an array. The copy is not wiped: prefer ``withUnsafeBytes(_:)``.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public var description: String { "SecureBytes(\(countValue) bytes)" }

    /// Compares in constant time.
    public func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard countValue == other.countValue else { return false }
        return withUnsafeBytes { a in
            other.withUnsafeBytes { b in sodium_memcmp(a.baseAddress!, b.baseAddress!, countValue) == 0 }
        }
    }
}

/// Fills and returns `count` random bytes from the OS CSPRNG.
public func secureRandomBytes(_ count: Int) -> [UInt8] {
    Sodium.ensureReady()
    var out = [UInt8](repeating: 0, count: count)
    if count > 0 { out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) } }
    return out
}

/// A uniformly random integer in `0..<upperBound` from the OS CSPRNG.
public func secureRandomUniform(_ upperBound: UInt32) -> UInt32 {
    Sodium.ensureReady()
    return randombytes_uniform(upperBound)
}
