/// How the sender of a message sees its connection to a peer (`Message.ConnectionType`).
///
/// proto3 enums are open: a value this library does not know decodes as ``notConnected``, the default.
public enum KadConnectionType: Int, Hashable, Sendable, CaseIterable {
    /// No connection, and no knowledge (the proto3 default, never on the wire).
    case notConnected = 0
    /// Connected now.
    case connected = 1
    /// Recently connected.
    case canConnect = 2
    /// Recently failed to connect.
    case cannotConnect = 3
}

/// A peer entry of a message (`Message.Peer`): its ID, its binary multiaddrs and the connection hint.
public struct KadPeerInfo: Hashable, Sendable {
    /// The peer.
    public var id: KadPeerID
    /// Binary multiaddrs (as they travel; this module does not parse them).
    public var addresses: [[UInt8]]
    /// The sender's view of its connection to the peer.
    public var connection: KadConnectionType

    /// A peer entry.
    /// - Parameters:
    ///   - id: the peer.
    ///   - addresses: binary multiaddrs.
    ///   - connection: the connection hint, ``KadConnectionType/notConnected`` by default.
    public init(id: KadPeerID, addresses: [[UInt8]] = [], connection: KadConnectionType = .notConnected) {
        self.id = id
        self.addresses = addresses
        self.connection = connection
    }
}
