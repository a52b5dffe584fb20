import Logging
public import ShoalCore
public import ShoalHealth
public import ShoalHost
public import ShoalKademlia
public import ShoalMDNS
public import ShoalMembership
public import ShoalMultiformats
import Synchronization

/// A Shoal node: the overlay assembled from a ``NodeConfiguration``.
///
/// It composes a ``ShoalHost/P2PHost`` (TCP + Noise + yamux, identify, ping), the Kademlia DHT (unless
/// `dht.enabled = false`), mDNS discovery (when `mdns.enabled`), the health protocol and its periodic collection
/// (`collect_metrics`), and `/shoal/capabilities/1.0.0`, which tells other nodes this node's role, capabilities
/// and region. Roles are enforced as ``NodeRole`` documents (a client stores nothing and serves no DHT).
///
/// It is a swift-service-lifecycle `Service`: ``run()`` owns one task group with every part and returns after
/// ``shutdown()``, a graceful shutdown or cancellation. For a scoped node, use ``withNode(_:options:_:)``:
///
/// ```swift
/// var configuration = NodeConfiguration()
/// configuration.distributed.listenAddresses = [try Multiaddr("/ip4/127.0.0.1/tcp/0")]
/// configuration.mdns.enabled = false
/// try await withNode(configuration) { node in
///     print(node.peerID, node.listenAddresses)
/// }
/// ```
public final class Node: Sendable {
    /// The configuration the node was built from.
    public let configuration: NodeConfiguration
    /// The code-only settings.
    public let options: NodeOptions
    /// The host (connections, streams, identify, the protocol registry).
    public let host: P2PHost
    /// The DHT; nil when `dht.enabled = false`.
    public let dht: KademliaDHT?
    /// mDNS discovery; nil when `mdns.enabled = false`.
    public let mdns: MDNSService?
    /// SWIM membership; nil when `swim.enabled = false`.
    public let membership: SWIMService?
    /// Health collection, the health protocol and the per-node time series.
    public let healthMonitor: HealthMonitor
    /// What this node says about itself.
    public let descriptor: NodeDescriptor

    let logger: Logger

    typealias Job = @Sendable () async -> Void

    struct State {
        var running = false
        var stopRequested = false
        var jobs: AsyncStream<Job>.Continuation?
        var known: [PeerID: NodeDescriptor] = [:]
        var subscribers: [Int: AsyncStream<NodeEvent>.Continuation] = [:]
        var nextSubscriber = 0
    }

    let state = Mutex(State())

    // MARK: - Creating

    /// A node from a configuration (not yet running: call ``run()`` or use ``withNode(_:options:_:)``).
    /// - Parameters:
    ///   - configuration: the configuration (checked again with ``NodeConfiguration/validate(file:)``).
    ///   - options: the settings that have no configuration key.
    /// - Throws: ``ShoalCore/ShoalError`` `invalidArgument` naming the key (cause: ``ConfigurationIssue``) for
    ///   a configuration that breaks a rule or a `node.key_file` that cannot be read.
    public init(_ configuration: NodeConfiguration, options: NodeOptions = NodeOptions()) throws {
        try configuration.validate()
        self.configuration = configuration
        self.options = options
        self.logger = options.logger
        let identity = try options.identity ?? Self.identity(from: configuration.node.keyFile)
        let d = configuration.distributed
        var hostConfiguration = HostConfiguration(
            identity: identity,
            listenAddresses: d.listenAddresses,
            privateNetworkKey: options.privateNetworkKey,
            logger: options.logger
        )
        hostConfiguration.limits.maximumConnections = configuration.limits.maxConnections
        hostConfiguration.limits.maximumConnectionsPerPeer = configuration.limits.maxConnectionsPerPeer
        hostConfiguration.limits.maximumInboundStreamsPerConnection = configuration.limits.maxStreamsPerConnection
        let host = P2PHost(hostConfiguration)
        self.host = host
        self.dht =
            configuration.dht.enabled
            ? KademliaDHT(host: host, configuration: Self.dhtConfiguration(configuration, options)) : nil
        self.mdns =
            configuration.mdns.enabled
            ? MDNSService(host: host, configuration: Self.mdnsConfiguration(configuration, options)) : nil
        self.healthMonitor = HealthMonitor(host: host, retentionDays: d.metricsRetentionDays)
        let descriptor = NodeDescriptor(
            peer: host.peerID,
            nodeID: d.nodeID.isEmpty ? host.peerID.description : d.nodeID,
            role: d.role,
            capabilities: d.capabilities,
            region: configuration.node.region
        )
        self.descriptor = descriptor
        if configuration.swim.enabled {
            var swim = options.swim ?? Self.swimConfiguration(configuration, options, descriptor: descriptor)
            if swim.seeds.isEmpty { swim.seeds = d.bootstrapPeers }
            if swim.metadata.isEmpty { swim.metadata = NodeMetadata.encode(descriptor) }
            self.membership = SWIMService(host: host, identity: identity, configuration: swim, logger: options.logger)
        } else {
            self.membership = nil
        }
    }

    /// A node from a TOML configuration file (`-` reads standard input).
    /// - Throws: ``ShoalCore/ShoalError`` `invalidArgument` naming the file, line, key and reason.
    public convenience init(configurationFile path: String, options: NodeOptions = NodeOptions()) throws {
        try self.init(NodeConfiguration(contentsOf: path), options: options)
    }

    private static func identity(from keyFile: String) throws -> PrivateKey {
        guard !keyFile.isEmpty else { return PrivateKey() }
        do {
            return try KeyFile.read(from: keyFile)
        } catch {
            let issue = ConfigurationIssue(file: "<configuration>", line: nil, key: "node.key_file", reason: "\(error)")
            throw ShoalError(.invalidArgument, issue.description, cause: issue)
        }
    }

    static func dhtConfiguration(_ c: NodeConfiguration, _ options: NodeOptions) -> KademliaDHTConfiguration {
        let mode: KadMode = c.distributed.role.servesDHT ? (KadMode(rawValue: c.dht.mode) ?? .auto) : .client
        var dht = KademliaDHTConfiguration(
            protocolID: options.dhtProtocolID,
            mode: mode,
            k: c.dht.bucketSize,
            alpha: c.dht.alpha,
            maximumMessageSize: c.limits.maxMessageSize,
            bootstrapPeers: c.distributed.bootstrapPeers
        )
        dht.providerRecordExpiry = .seconds(c.dht.providerTTLHours * 3600)
        dht.maximumRecordAge = .seconds(c.dht.recordTTLHours * 3600)
        dht.bucketRefreshInterval = c.dht.refreshInterval
        if let validator = options.dhtValidator { dht.validator = validator }
        return dht
    }

    static func mdnsConfiguration(_ c: NodeConfiguration, _ options: NodeOptions) -> MDNSConfiguration {
        var mdns = MDNSConfiguration()
        mdns.queryInterval = c.mdns.queryInterval
        mdns.initialQueryDelay = min(mdns.initialQueryDelay, c.mdns.queryInterval)
        mdns.ttl = UInt32(c.mdns.ttl)
        mdns.interfaceNames = options.mdnsInterfaceNames
        mdns.includeLoopback = options.mdnsIncludeLoopback
        mdns.dialDiscovered = options.mdnsDialDiscovered
        return mdns
    }

    // MARK: - Identity and state

    /// The node's peer ID.
    public var peerID: PeerID { host.peerID }
    /// Its role.
    public var role: NodeRole { descriptor.role }
    /// Its capabilities.
    public var capabilities: [String] { descriptor.capabilities }
    /// Its region (empty when unknown).
    public var region: String { descriptor.region }
    /// The addresses it listens on (the real ports once running).
    public var listenAddresses: [Multiaddr] { host.listenAddresses }
    /// The listen addresses with `/p2p/<peer id>`, as other nodes dial them.
    public var dialableAddresses: [Multiaddr] { host.dialableAddresses }
    /// The peers it has a connection to.
    public var connectedPeers: [PeerID] { host.connectedPeers }

    /// The nodes that described themselves over `/shoal/capabilities/1.0.0` (connected or not any more).
    public var knownNodes: [PeerID: NodeDescriptor] { state.withLock { $0.known } }

    /// The known nodes with `capability`.
    public func nodes(withCapability capability: String) -> [NodeDescriptor] {
        knownNodes.values.filter { $0.has(capability) }.sorted { $0.peer < $1.peer }
    }

    /// The cluster's other members by SWIM (alive, suspect, and dead or left ones still retained); empty without
    /// SWIM.
    public var members: [NodeMember] { membership?.members.map(NodeMember.init) ?? [] }

    /// Whether this node runs SWIM membership (`swim.enabled`).
    public var isMembershipRunning: Bool { membership != nil }

    // MARK: - Events

    /// A new subscription to the node's events (at most 4,096 buffered; the oldest are dropped past that).
    public func events() -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let id = state.withLock { s in
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = continuation
            return s.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    func emit(_ event: NodeEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }
}
