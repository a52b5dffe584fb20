import Foundation
public import ShoalCore
import ShoalMembership
import ShoalMultiformats
import ShoalSWIM

// MARK: - SWIM composition
//
// When `swim.enabled`, ``Node`` runs a ``ShoalMembership/SWIMService`` on its host's identity (members are peers):
// it binds UDP on the first non-wildcard listen IP (else 127.0.0.1; port chosen by the kernel; `NodeOptions.swim`
// overrides all of it), joins through `bootstrap_peers`
// (push-pull over a host stream), publishes the node's role, region and capabilities as its metadata
// (``NodeMetadata``), forwards membership changes as ``NodeEvent/member(peer:status:)`` and leaves gracefully on
// ``Node/shutdown()``.

/// One member of the cluster as the node sees it.
public struct NodeMember: Sendable, Hashable {
    /// The member's peer ID.
    public var peer: PeerID
    /// `alive`, `suspect`, `dead` or `left`.
    public var status: String
    /// What it says about itself in its SWIM metadata, when it could be read.
    public var descriptor: NodeDescriptor?

    /// Creates a member.
    public init(peer: PeerID, status: String, descriptor: NodeDescriptor?) {
        self.peer = peer
        self.status = status
        self.descriptor = descriptor
    }

    /// A member from SWIM's view of it.
    init(_ info: MemberInfo) {
        self.init(
            peer: info.peerID,
            status: "\(info.status)",
            descriptor: NodeMetadata.decode(info.metadata, peer: info.peerID)
        )
    }
}

/// The SWIM metadata of a node: compact JSON `{"c":[capabilities],"g":region,"n":name,"r":role}`, at most 512
/// bytes (SWIM's limit). When the capabilities do not fit, the last ones are left out (the full list is always in
/// `/shoal/capabilities/1.0.0`); the name is cut to 64 characters.
public enum NodeMetadata {
    /// SWIM's metadata limit.
    public static let maximumSize = 512

    struct Compact: Codable {
        var c: [String]
        var g: String
        var n: String
        var r: String
    }

    /// The metadata of `descriptor`.
    public static func encode(_ descriptor: NodeDescriptor) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var compact = Compact(
            c: descriptor.capabilities,
            g: String(descriptor.region.prefix(64)),
            n: String(descriptor.nodeID.prefix(64)),
            r: descriptor.role.rawValue
        )
        while true {
            let bytes = (try? encoder.encode(compact)).map(Array.init) ?? []
            if bytes.count <= maximumSize || compact.c.isEmpty { return bytes.count <= maximumSize ? bytes : [] }
            compact.c.removeLast()
        }
    }

    /// The descriptor in `metadata` of `peer`, or nil when it is not a node's metadata.
    public static func decode(_ metadata: [UInt8], peer: PeerID) -> NodeDescriptor? {
        guard !metadata.isEmpty, metadata.count <= maximumSize,
            let compact = try? JSONDecoder().decode(Compact.self, from: Data(metadata)),
            let role = NodeRole(rawValue: compact.r)
        else { return nil }
        return NodeDescriptor(peer: peer, nodeID: compact.n, role: role, capabilities: compact.c, region: compact.g)
    }
}

extension Node {
    /// The SWIM configuration a node configuration describes.
    static func swimConfiguration(
        _ c: NodeConfiguration,
        _ options: NodeOptions,
        descriptor: NodeDescriptor
    ) -> SWIMServiceConfiguration {
        var settings = SWIM.Settings.lan
        settings.probeInterval = c.swim.protocolPeriod
        settings.probeTimeout = c.swim.pingTimeout
        settings.indirectChecks = c.swim.indirectProbes
        settings.suspicionMult = c.swim.suspicionMultiplier
        // The first listen IP that is not a wildcard; a node listening on 0.0.0.0 only binds SWIM to 127.0.0.1
        // unless NodeOptions.swim says where (the socket must have an address other members can reach).
        let ip = c.distributed.listenAddresses.compactMap(\.ipAddress).first { !$0.bytes.allSatisfy { $0 == 0 } }
        return SWIMServiceConfiguration(
            settings: settings,
            bindHost: ip.map { "\($0)" } ?? "127.0.0.1",
            port: 0,
            seeds: c.distributed.bootstrapPeers,
            metadata: NodeMetadata.encode(descriptor)
        )
    }
}
