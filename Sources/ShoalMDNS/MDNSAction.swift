/// What the mDNS machine asks its shell to do.
public enum MDNSAction: Sendable, Equatable {
    /// Multicast `packet` on `interface` (nil: on every interface).
    case send([UInt8], interface: String?)
    /// A peer was discovered or announced new addresses.
    case discovered(MDNSDiscoveredPeer)
    /// Dial this peer (only when ``MDNSConfiguration/dialDiscovered`` is set).
    case dial(MDNSDiscoveredPeer)
}
