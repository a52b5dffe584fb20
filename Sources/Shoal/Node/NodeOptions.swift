public import Logging
public import ShoalCore
public import ShoalKademlia
public import ShoalMembership
public import ShoalSecurity

/// Settings of a ``Node`` that have no key in the configuration file: things given in code or by command-line
/// flags (`shoal node` maps its flags here).
public struct NodeOptions: Sendable {
    /// The identity; nil reads `node.key_file`, or makes a new key when that is empty.
    public var identity: PrivateKey?
    /// The private-network key (pnet); nil for the public network.
    public var privateNetworkKey: PreSharedKey?
    /// Where the node and its parts log.
    public var logger: Logger
    /// The DHT protocol ID (`/ipfs/kad/1.0.0`; a private overlay uses its own, e.g. `/shoal/kad/1.0.0`).
    public var dhtProtocolID: String
    /// The DHT record validators; nil keeps the DHT's default (the `pk` namespace only).
    public var dhtValidator: KadNamespacedValidator?
    /// The SWIM service configuration; nil derives it from the `[swim]` table (UDP on the first listen IP, a free
    /// port, seeds = `bootstrap_peers`). Given here, its empty seeds become `bootstrap_peers` and its empty metadata
    /// the node's ``NodeMetadata``.
    public var swim: SWIMServiceConfiguration?
    /// The interfaces mDNS uses; empty means every multicast-capable one.
    public var mdnsInterfaceNames: [String]
    /// Whether mDNS announces loopback addresses (tests inside a network namespace).
    public var mdnsIncludeLoopback: Bool
    /// Whether the peers mDNS discovers are dialled.
    public var mdnsDialDiscovered: Bool
    /// The deadline of one ``Node/health(of:)`` exchange and of a whole ``Node/allNodesHealth()`` round.
    public var healthDeadline: Duration
    /// The deadline of one `/shoal/capabilities/1.0.0` exchange.
    public var describeTimeout: Duration
    /// How many times an identified node is asked for its descriptor before giving up.
    public var describeAttempts: Int
    /// The most node descriptors kept (peers identified with `/shoal/capabilities/1.0.0`).
    public var maximumKnownNodes: Int

    /// The defaults: no identity given, public network, no logging, `/ipfs/kad/1.0.0`, mDNS on every multicast
    /// interface dialling what it finds, 5 s health and descriptor deadlines, 3 descriptor attempts, 4,096 known
    /// nodes.
    public init(
        identity: PrivateKey? = nil,
        privateNetworkKey: PreSharedKey? = nil,
        logger: Logger = Logger(label: "shoal.node", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.identity = identity
        self.privateNetworkKey = privateNetworkKey
        self.logger = logger
        self.dhtProtocolID = "/ipfs/kad/1.0.0"
        self.dhtValidator = nil
        self.swim = nil
        self.mdnsInterfaceNames = []
        self.mdnsIncludeLoopback = false
        self.mdnsDialDiscovered = true
        self.healthDeadline = .seconds(5)
        self.describeTimeout = .seconds(5)
        self.describeAttempts = 3
        self.maximumKnownNodes = 4_096
    }
}
