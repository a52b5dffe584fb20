public import ShoalCore
public import ShoalMultiformats
public import ShoalTransport

/// Something that happened to a ``P2PHost``, delivered by ``P2PHost/events()``.
public enum HostEvent: Sendable, Hashable {
    /// The host is listening on this address.
    case listening(Multiaddr)
    /// A connection to `peer` is established (authenticated, multiplexed).
    case connected(peer: PeerID, address: Multiaddr?, direction: Direction)
    /// The last connection to `peer` closed.
    case disconnected(peer: PeerID, reason: String)
    /// Identify ran: what `peer` says about itself.
    case identified(peer: PeerID, agentVersion: String, protocols: [String], listenAddresses: [Multiaddr])
    /// A connection attempt failed or was refused.
    case connectionFailed(address: Multiaddr?, reason: String)
    /// A peer was discovered (by mDNS, the DHT or a bootstrap list), with the given addresses.
    case discovered(peer: PeerID, addresses: [Multiaddr], via: String)
}
