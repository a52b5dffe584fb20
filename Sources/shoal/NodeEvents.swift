import Shoal
import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalTransport

/// One `shoal node --events` line.
struct EventJSON: Encodable {
    var event: String
    var peer: String?
    var address: String?
    var direction: String?
    var reason: String?
    var agent: String?
    var protocols: [String]?
    var addresses: [String]?
    var via: String?
    var name: String?
    var role: String?
    var capabilities: [String]?
    var region: String?
    var status: String?

    /// The line of a node event, or nil for one not printed.
    init?(_ event: NodeEvent) {
        switch event {
        case .host(let hostEvent):
            self.init(hostEvent)
        case .described(let peer, let descriptor):
            self.init(event: "described")
            self.peer = peer.base58
            self.name = descriptor.nodeID
            self.role = descriptor.role.rawValue
            self.capabilities = descriptor.capabilities
            self.region = descriptor.region
        case .member:
            // `shoal node --events` prints SWIM's own `member.*` lines (MembershipEventJSON).
            return nil
        }
    }

    init(event: String) {
        self.event = event
    }

    init(_ event: HostEvent) {
        switch event {
        case .listening(let address):
            self.event = "listening"
            self.address = address.description
        case .connected(let peer, let address, let direction):
            self.event = "connected"
            self.peer = peer.base58
            self.address = address?.description
            self.direction = direction.rawValue
        case .disconnected(let peer, let reason):
            self.event = "disconnected"
            self.peer = peer.base58
            self.reason = reason
        case .identified(let peer, let agent, let protocols, let addresses):
            self.event = "identified"
            self.peer = peer.base58
            self.agent = agent
            self.protocols = protocols
            self.addresses = addresses.map(\.description)
        case .connectionFailed(let address, let reason):
            self.event = "connection_failed"
            self.address = address?.description
            self.reason = reason
        case .discovered(let peer, let addresses, let via):
            self.event = "discovered"
            self.peer = peer.base58
            self.addresses = addresses.map(\.description)
            self.via = via
        }
    }
}
