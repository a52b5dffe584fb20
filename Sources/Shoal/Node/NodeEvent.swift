public import ShoalCore
public import ShoalHost

/// Something that happened to a ``Node``, delivered by ``Node/events()``.
public enum NodeEvent: Sendable, Hashable {
    /// A host event (listening, connected, disconnected, identified, discovered, connection failed).
    case host(HostEvent)
    /// A peer answered `/shoal/capabilities/1.0.0`: its role, capabilities and region.
    case described(peer: PeerID, descriptor: NodeDescriptor)
    /// A membership change reported by SWIM: `up`, `suspect`, `alive` (refuted), `dead`, `left` or `updated`.
    case member(peer: PeerID, status: String)
}
