public import ShoalCore
public import ShoalMultiformats
public import ShoalSWIM

// MARK: - MemberInfo

/// One member as this node sees it: a peer (its PeerID plus a per-start identity), its state, incarnation,
/// addresses and signed metadata.
public struct MemberInfo: Hashable, Sendable {
    /// The member's libp2p peer ID (its Ed25519 identity key).
    public var peerID: PeerID
    /// The random identity of this start of the member (a restart is a new member).
    public var uid: UInt64
    /// Alive, suspect, dead or left.
    public var status: SWIM.Status
    /// The member's incarnation (only the member raises it).
    public var incarnation: UInt64
    /// Where the member listens (nil if its record carries an address this version cannot read).
    public var address: MemberAddress?
    /// The member's metadata (role, capabilities, region…, at most 512 bytes), signed by the member.
    public var metadata: [UInt8]

    /// The SWIM UDP endpoint, `/ip4/A/udp/N`.
    public var udpAddress: Multiaddr? { address?.udpMultiaddr }

    /// The host address to dial, `/ip4/A/tcp/N/p2p/ID`, if the member announced one.
    public var hostAddress: Multiaddr? {
        address?.tcpMultiaddr.flatMap { try? $0.encapsulate(Multiaddr.Component.p2p(peerID.bytes)) }
    }

    /// Builds the view of an instance's member snapshot.
    init?(_ member: SWIM.Member) {
        guard let peer = try? PeerID(bytes: member.node.peerIDBytes) else { return nil }
        peerID = peer
        uid = member.node.uid
        status = member.status
        incarnation = member.incarnation
        address = try? MemberAddress(swimAddress: member.address)
        metadata = member.metadata
    }
}

// MARK: - MembershipEvent

/// A change in the membership, delivered by ``SWIMService/events()``.
public struct MembershipEvent: Hashable, Sendable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A member appeared (or came back after it was forgotten).
        case up
        /// A member failed a probe and is suspected.
        case suspect
        /// A suspect or dead member proved it is alive (it refuted with a higher incarnation).
        case aliveAgain = "alive"
        /// A member was declared dead.
        case dead
        /// A member left gracefully.
        case left
        /// A member changed its metadata or address (a new signed record).
        case metadataChanged = "updated"
    }

    /// What happened.
    public var kind: Kind
    /// The member after the change.
    public var member: MemberInfo

    /// Creates an event.
    public init(kind: Kind, member: MemberInfo) {
        self.kind = kind
        self.member = member
    }

    init?(_ event: SWIM.MemberEvent) {
        guard let info = MemberInfo(event.member) else { return nil }
        member = info
        switch event.kind {
        case .joined: kind = .up
        case .updated: kind = .metadataChanged
        case .suspect: kind = .suspect
        case .alive: kind = .aliveAgain
        case .dead: kind = .dead
        case .left: kind = .left
        }
    }
}
