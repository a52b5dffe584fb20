public import ShoalCore

// MARK: - SWIM integration point
//
// SWIM_INTEGRATION: the SWIM network shell (`ShoalMembership.SWIMService`) is being built on another branch. When
// it is on main, `Node` creates it in `Node.init` (when `swim.enabled`), runs it in `Node.run()`'s task group,
// publishes `NodeDescriptor` as its metadata (`updateMetadata`), forwards its events as `NodeEvent.member`,
// answers `members` from it, and calls `leave()` in `shutdown()`. Until then `members` is empty and
// `isMembershipRunning` is false.

/// One member of the cluster as the node sees it.
public struct NodeMember: Sendable, Hashable {
    /// The member's peer ID.
    public var peer: PeerID
    /// `alive`, `suspect`, `dead` or `left`.
    public var status: String
    /// What it says about itself (from its SWIM metadata or `/shoal/capabilities/1.0.0`), when known.
    public var descriptor: NodeDescriptor?

    /// Creates a member.
    public init(peer: PeerID, status: String, descriptor: NodeDescriptor?) {
        self.peer = peer
        self.status = status
        self.descriptor = descriptor
    }
}
