public import ShoalCore

// MARK: - Interoperation with ShoalCore's PeerID

extension KadPeerID {
    /// The Kademlia view of a libp2p peer ID: the same binary multihash.
    /// - Parameter peer: a peer ID (always a valid multihash of at most 44 bytes for Ed25519 keys).
    public init(_ peer: PeerID) {
        // A PeerID's bytes are a well-formed multihash of at most 44 bytes (ShoalCore checked them).
        self.init(validatedBytes: peer.bytes)
    }

    /// The libp2p peer ID of these bytes, or nil when they are a multihash ShoalCore does not accept (for
    /// example a SHA-256 digest made up by a simulation, or an identity multihash that is not a public key).
    public var peerID: PeerID? { try? PeerID(bytes: bytes) }
}
