import ShoalCore
public import ShoalCrypto

// MARK: - Keyring

extension SWIM {
    /// Cluster keys addressed by a one-byte key ID: every installed key opens datagrams, the primary seals.
    ///
    /// Rotation: install the new key everywhere, make it primary everywhere, then remove the old one.
    public struct Keyring: Sendable {
        /// The most keys installed at once.
        public static let maxKeys = 16

        private var keys: [UInt8: SecureBytes]
        /// The ID of the key used to seal.
        public private(set) var primaryID: UInt8

        /// A keyring with one primary key.
        /// - Parameters:
        ///   - id: the key ID.
        ///   - key: 32 bytes.
        /// - Throws: ``ShoalError`` `.invalidKey` when the key is not 32 bytes.
        public init(primary key: SecureBytes, id: UInt8 = 0) throws {
            try Self.check(key)
            keys = [id: key]
            primaryID = id
        }

        /// The installed key IDs, ascending.
        public var keyIDs: [UInt8] { keys.keys.sorted() }

        /// The key for an ID, if installed.
        func key(_ id: UInt8) -> SecureBytes? { keys[id] }

        /// The primary key.
        var primaryKey: SecureBytes { keys[primaryID]! }

        /// Installs a key (accepted for opening at once).
        /// - Throws: ``ShoalError`` `.invalidKey` for a bad length, `.limitExceeded` when full, `.invalidArgument`
        ///   when the ID holds a different key.
        public mutating func install(_ key: SecureBytes, id: UInt8) throws {
            try Self.check(key)
            if let existing = keys[id] {
                guard existing.constantTimeEquals(key) else {
                    throw ShoalError(.invalidArgument, "SWIM keyring: key ID \(id) already holds another key")
                }
                return
            }
            guard keys.count < Self.maxKeys else {
                throw ShoalError(.limitExceeded, "SWIM keyring holds \(Self.maxKeys) keys already")
            }
            keys[id] = key
        }

        /// Makes an installed key the primary (sealing) key.
        /// - Throws: ``ShoalError`` `.invalidArgument` when the ID is not installed.
        public mutating func use(id: UInt8) throws {
            guard keys[id] != nil else { throw ShoalError(.invalidArgument, "SWIM keyring: no key with ID \(id)") }
            primaryID = id
        }

        /// Removes a key.
        /// - Throws: ``ShoalError`` `.invalidArgument` when it is the primary or not installed.
        public mutating func remove(id: UInt8) throws {
            guard id != primaryID else {
                throw ShoalError(.invalidArgument, "SWIM keyring: cannot remove the primary key \(id)")
            }
            guard keys.removeValue(forKey: id) != nil else {
                throw ShoalError(.invalidArgument, "SWIM keyring: no key with ID \(id)")
            }
        }

        private static func check(_ key: SecureBytes) throws {
            guard key.count == XChaCha20Poly1305.keyByteCount else {
                throw ShoalError(.invalidKey, "SWIM cluster key must be 32 bytes, got \(key.count)")
            }
        }
    }
}
