import ShoalCore
public import ShoalCrypto

// MARK: - NodeID

extension SWIM {
    /// A member's identity: its Ed25519 public key plus a random 64-bit identity picked at each start.
    ///
    /// Two processes with the same key but different `uid`s are different members (a restart).
    public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
        // The 32-byte key as four big-endian words: cheap hashing and comparison.
        let k0: UInt64
        let k1: UInt64
        let k2: UInt64
        let k3: UInt64
        /// The per-start identity.
        public let uid: UInt64

        /// The encoded size of a node identity on the wire (32-byte key + 8-byte uid).
        public static let encodedByteCount = 40

        /// Creates an identity.
        /// - Parameters:
        ///   - publicKey: the member's 32-byte Ed25519 public key.
        ///   - uid: the random per-start identity.
        /// - Throws: ``ShoalError`` `.invalidKey` when the key is not 32 bytes.
        public init(publicKey: [UInt8], uid: UInt64) throws {
            guard publicKey.count == 32 else {
                throw ShoalError(.invalidKey, "SWIM node public key must be 32 bytes, got \(publicKey.count)")
            }
            self.init(unchecked: publicKey[...], uid: uid)
        }

        /// Creates an identity from an Ed25519 public key.
        public init(publicKey: Ed25519.PublicKey, uid: UInt64) {
            self.init(unchecked: publicKey.rawRepresentation[...], uid: uid)
        }

        init(unchecked key: ArraySlice<UInt8>, uid: UInt64) {
            func word(_ i: Int) -> UInt64 {
                var w: UInt64 = 0
                let base = key.startIndex + i * 8
                for j in 0..<8 { w = (w << 8) | UInt64(key[base + j]) }
                return w
            }
            k0 = word(0)
            k1 = word(1)
            k2 = word(2)
            k3 = word(3)
            self.uid = uid
        }

        /// The 32-byte Ed25519 public key.
        public var publicKeyBytes: [UInt8] {
            var out = [UInt8]()
            out.reserveCapacity(32)
            for w in [k0, k1, k2, k3] {
                for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(s))) }
            }
            return out
        }

        /// The libp2p peer ID bytes of the key: the identity multihash of the protobuf-encoded public key,
        /// `00 24 08 01 12 20 <key>`.
        public var peerIDBytes: [UInt8] {
            [0x00, 0x24, 0x08, 0x01, 0x12, 0x20] + publicKeyBytes
        }

        /// Orders by key, then uid (only to break ties deterministically).
        public static func < (a: NodeID, b: NodeID) -> Bool {
            (a.k0, a.k1, a.k2, a.k3, a.uid) < (b.k0, b.k1, b.k2, b.k3, b.uid)
        }

        /// Whether two identities share a key (the same member, perhaps restarted).
        public func hasSameKey(as other: NodeID) -> Bool {
            k0 == other.k0 && k1 == other.k1 && k2 == other.k2 && k3 == other.k3
        }

        /// A short human-readable form.

        public var description: String {
            let hex = String(k0 >> 32, radix: 16)
            return "node(\(hex)…/\(String(uid, radix: 16)))"
        }
    }

    // MARK: - Address

    /// Where a member can be reached: opaque bytes for the instance (the shell's encoding, such as a multiaddr).
    public struct Address: Hashable, Sendable, CustomStringConvertible {
        /// The largest address accepted, in bytes.
        public static let maxByteCount = 64

        /// The encoded address.
        public let bytes: [UInt8]

        /// Wraps address bytes.
        /// - Throws: ``ShoalError`` `.limitExceeded` when longer than ``maxByteCount``.
        public init(_ bytes: [UInt8]) throws {
            guard bytes.count <= Self.maxByteCount else {
                throw ShoalError(.limitExceeded, "SWIM address of \(bytes.count) bytes exceeds \(Self.maxByteCount)")
            }
            self.bytes = bytes
        }

        init(unchecked bytes: [UInt8]) { self.bytes = bytes }

        /// A short human-readable form.

        public var description: String { "addr(\(bytes.map { String($0) }.joined(separator: ".")))" }
    }
}
