import ShoalCore
public import ShoalCrypto

// MARK: - MemberRecord

extension SWIM {
    /// A member's own statement about itself (alive with its address and metadata, or left), signed with
    /// the member's Ed25519 key.
    ///
    /// Nobody but the member can make or alter one, so nobody else can revive it, change its metadata or
    /// announce that it left. Suspect and dead claims about a member are unsigned ``Claim``s; only a record
    /// with a higher incarnation refutes them.
    public struct MemberRecord: Hashable, Sendable {
        /// The member's self-declared state.
        public enum State: UInt8, Sendable, Hashable {
            /// Running and reachable at ``MemberRecord/address``.
            case alive = 0
            /// Left the cluster gracefully (terminal for this node identity).
            case left = 1
        }

        /// The largest metadata accepted, in bytes.
        public static let maxMetadataByteCount = 512
        /// The signature length.
        public static let signatureByteCount = 64
        /// Domain separation for the signed bytes.
        static let signingContext: [UInt8] = Array("shoal/swim/record/v1".utf8)

        /// Whose record this is.
        public let node: NodeID
        /// The member's incarnation; only the member raises it.
        public let incarnation: UInt64
        /// Alive or left.
        public let state: State
        /// Where the member listens.
        public let address: Address
        /// Opaque application metadata (role, capabilities, region…), at most 512 bytes.
        public let metadata: [UInt8]
        /// The Ed25519 signature over ``signedBytes``.
        public let signature: [UInt8]

        /// Creates and signs a record with the member's key.
        /// - Parameters:
        ///   - key: the member's private key; its public key must match `uid`'s node.
        ///   - uid: the per-start identity.
        ///   - incarnation: the incarnation.
        ///   - state: alive or left.
        ///   - address: where the member listens.
        ///   - metadata: opaque bytes, at most ``maxMetadataByteCount``.
        /// - Throws: ``ShoalError`` `.limitExceeded` when the metadata is too large.
        public init(
            signingWith key: Ed25519.PrivateKey,
            uid: UInt64,
            incarnation: UInt64,
            state: State,
            address: Address,
            metadata: [UInt8]
        ) throws {
            guard metadata.count <= Self.maxMetadataByteCount else {
                throw ShoalError(
                    .limitExceeded,
                    "SWIM metadata of \(metadata.count) bytes exceeds \(Self.maxMetadataByteCount)"
                )
            }
            let node = NodeID(publicKey: key.publicKey, uid: uid)
            let message = Self.signedBytes(node: node, incarnation: incarnation, state: state, address, metadata)
            self.init(
                node: node,
                incarnation: incarnation,
                state: state,
                address: address,
                metadata: metadata,
                signature: key.signature(for: message)
            )
        }

        /// Assembles a record from decoded fields (the signature is not checked here; see ``hasValidSignature``).
        public init(
            node: NodeID,
            incarnation: UInt64,
            state: State,
            address: Address,
            metadata: [UInt8],
            signature: [UInt8]
        ) {
            self.node = node
            self.incarnation = incarnation
            self.state = state
            self.address = address
            self.metadata = metadata
            self.signature = signature
        }

        /// The bytes the signature covers: a context string, then every field in wire order.
        public var signedBytes: [UInt8] {
            Self.signedBytes(node: node, incarnation: incarnation, state: state, address, metadata)
        }

        /// Whether the signature verifies under the member's own public key.
        public var hasValidSignature: Bool {
            guard signature.count == Self.signatureByteCount, metadata.count <= Self.maxMetadataByteCount,
                let key = try? Ed25519.PublicKey(rawRepresentation: node.publicKeyBytes)
            else { return false }
            return key.isValidSignature(signature, for: signedBytes)
        }

        static func signedBytes(
            node: NodeID,
            incarnation: UInt64,
            state: State,
            _ address: Address,
            _ metadata: [UInt8]
        ) -> [UInt8] {
            var w = ByteWriter(capacity: 64 + address.bytes.count + metadata.count)
            w.append(signingContext)
            w.append(node)
            w.append(incarnation)
            w.append(state.rawValue)
            w.append(UInt8(address.bytes.count))
            w.append(address.bytes)
            w.append(UInt16(metadata.count))
            w.append(metadata)
            return w.bytes
        }
    }

    // MARK: - Claim

    /// A claim by `from` that `node` is suspect or dead at `incarnation` (unsigned: anyone may claim it).
    public struct Claim: Hashable, Sendable {
        /// The member the claim is about.
        public let node: NodeID
        /// The incarnation the claim is made at; a claim above the known incarnation is rejected.
        public let incarnation: UInt64
        /// Who made the claim.
        public let from: NodeID

        /// Creates a claim.
        public init(node: NodeID, incarnation: UInt64, from: NodeID) {
            self.node = node
            self.incarnation = incarnation
            self.from = from
        }
    }
}
