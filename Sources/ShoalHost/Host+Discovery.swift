public import ShoalCore
public import ShoalMultiformats

extension P2PHost {
    // MARK: - Discovery

    /// Records the addresses of a peer found by a discovery mechanism (mDNS, a DHT, a bootstrap list) in the peer
    /// store and emits ``HostEvent/discovered(peer:addresses:via:)``. Our own peer ID is ignored.
    /// - Parameters:
    ///   - peer: the peer found.
    ///   - addresses: its addresses (with or without `/p2p/<peer>`).
    ///   - via: the mechanism, e.g. `"mdns"`.
    public func reportDiscovered(peer: PeerID, addresses: [Multiaddr], via: String) {
        guard peer != peerID else { return }
        peerStore.addAddresses(addresses, for: peer)
        emit(.discovered(peer: peer, addresses: addresses, via: via))
    }
}
