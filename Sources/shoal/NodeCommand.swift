import ArgumentParser
import Foundation
import Logging
import Shoal
import ShoalCore
import ShoalHost
import ShoalKademlia
import ShoalMembership
import ShoalMultiformats
import ShoalSecurity
import ShoalTransport

/// Options shared by every command that runs a host.
struct HostOptions: ParsableArguments {
    @Option(name: .long, help: "Identity key file (created with `shoal id new --out`). Default: a new key.")
    var key: String?

    @Option(name: .long, help: "Private network key file (/key/swarm/psk/1.0.0/ format).")
    var psk: String?

    @Flag(name: .long, help: "Log debug messages to stderr.")
    var verbose = false

    func configuration(listen: [String]) throws -> HostConfiguration {
        let identity = try key.map { try KeyFile.read(from: $0) } ?? PrivateKey()
        var configuration = HostConfiguration(
            identity: identity,
            listenAddresses: try listen.map { try Self.multiaddr($0) }
        )
        configuration.privateNetworkKey = try privateNetworkKey()
        if let logger { configuration.logger = logger }
        return configuration
    }

    /// The `--psk` key, or nil.
    func privateNetworkKey() throws -> PreSharedKey? {
        guard let psk else { return nil }
        guard let data = FileManager.default.contents(atPath: psk) else {
            throw CLIError(message: "cannot read the private network key file \(psk)")
        }
        return try PreSharedKey(keyFile: Array(data))
    }

    /// A debug logger to stderr with `--verbose`, else nil.
    var logger: Logger? {
        guard verbose else { return nil }
        var logger = Logger(label: "shoal") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .debug
        return logger
    }

    static func multiaddr(_ text: String) throws -> Multiaddr {
        do { return try Multiaddr(text) } catch {
            throw CLIError(message: "invalid multiaddr: \(error.message)")
        }
    }
}

/// `shoal node`: runs a ``Shoal/Node`` until SIGINT or SIGTERM (or, with `--control`, until stdin closes).
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract:
            "Run a node (host, DHT, health, capabilities, optional mDNS) and print its addresses, until SIGINT/SIGTERM.",
        discussion: """
            Without --config the node listens on /ip4/127.0.0.1/tcp/0, runs the DHT in server mode and no mDNS. \
            With --config FILE it starts from the file; flags given on the command line override the file.
            """
    )

    @Option(name: .long, help: "TOML configuration file (`shoal config example` prints one). Flags override it.")
    var config: String?

    @Option(name: .long, help: "Listen multiaddr (repeatable). Default: /ip4/127.0.0.1/tcp/0.")
    var listen: [String] = []

    @Option(name: .long, help: "Peer to connect to at start (multiaddr with /p2p/, repeatable).")
    var bootstrap: [String] = []

    @Option(name: .long, help: "Role: coordinator, worker, hybrid (default) or client.")
    var role: String?

    @Option(name: .long, help: "A capability to advertise (repeatable), e.g. vector_search.")
    var capability: [String] = []

    @Option(name: .long, help: "The node's region, e.g. eu-west.")
    var region: String?

    @Option(name: .customLong("node-id"), help: "A name for the node (default: its peer ID).")
    var nodeID: String?

    @Flag(name: .long, help: "Print every event as one JSON object per line.")
    var events = false

    @Flag(name: .long, help: "Read commands from stdin (provide, find, echo, health, describe); stop at EOF.")
    var control = false

    @Flag(name: .long, help: "Also serve the /echo/1.0.0 diagnostic protocol.")
    var echo = false

    @Flag(name: .long, help: "Discover peers on the local link with mDNS (_p2p._udp.local).")
    var mdns = false

    @Option(name: .customLong("mdns-interface"), help: "Interface for mDNS (repeatable). Default: every multicast one.")
    var mdnsInterface: [String] = []

    @Option(name: .customLong("mdns-interval"), help: "Longest delay between mDNS queries, in seconds.")
    var mdnsInterval: Double?

    @Flag(name: .customLong("mdns-loopback"), help: "Announce loopback addresses over mDNS (tests in a namespace).")
    var mdnsLoopback = false

    @Flag(name: .customLong("mdns-dial"), help: "Dial the peers mDNS discovers.")
    var mdnsDial = false

    @Option(name: .long, help: "DHT mode: client, server (default without --config) or auto.")
    var dhtMode: String?

    @Option(name: .long, help: "The DHT protocol ID (a private overlay uses its own, e.g. /shoal/kad/1.0.0).")
    var dhtProtocol: String = KadConstants.protocolID

    @OptionGroup var host: HostOptions

    @OptionGroup var swim: SWIMOptions

    func validate() throws {
        if let dhtMode, KadMode(rawValue: dhtMode) == nil {
            throw ValidationError("--dht-mode must be client, server or auto")
        }
        if let role, NodeRole(rawValue: role) == nil {
            throw ValidationError("--role must be coordinator, worker, hybrid or client")
        }
    }

    /// The configuration: the file (or the CLI defaults), then every flag given.
    func nodeConfiguration() throws -> NodeConfiguration {
        var c: NodeConfiguration
        if let config {
            c = try NodeConfiguration(contentsOf: config)
        } else {
            c = NodeConfiguration()
            c.distributed.listenAddresses = [try Multiaddr("/ip4/127.0.0.1/tcp/0")]
            c.dht.mode = "server"
            c.mdns.enabled = false
            c.swim.enabled = false
        }
        if swim.swimPort != nil { c.swim.enabled = true }
        if !listen.isEmpty { c.distributed.listenAddresses = try listen.map { try HostOptions.multiaddr($0) } }
        if !bootstrap.isEmpty { c.distributed.bootstrapPeers = try bootstrap.map { try HostOptions.multiaddr($0) } }
        if let role { c.distributed.role = NodeRole(rawValue: role) ?? .hybrid }
        if !capability.isEmpty { c.distributed.capabilities = capability }
        if let region { c.node.region = region }
        if let nodeID { c.distributed.nodeID = nodeID }
        if let dhtMode {
            c.dht.mode = dhtMode
        } else if config == nil, c.distributed.role == .client {
            c.dht.mode = "client"
        }
        if mdns { c.mdns.enabled = true }
        if let mdnsInterval {
            guard mdnsInterval > 0, mdnsInterval <= 3600 else {
                throw CLIError(message: "--mdns-interval must be between 0 and 3600 seconds")
            }
            c.mdns.queryInterval = .milliseconds(Int64(mdnsInterval * 1000))
        }
        if !c.mdns.enabled, !mdnsInterface.isEmpty || mdnsInterval != nil || mdnsLoopback || mdnsDial {
            throw CLIError(message: "--mdns-interface, --mdns-interval, --mdns-loopback and --mdns-dial need mDNS")
        }
        if let key = host.key { c.node.keyFile = key }
        try c.validate(file: config ?? "<command line>")
        return c
    }

    /// The code-only options the flags ask for.
    func nodeOptions(_ configuration: NodeConfiguration) throws -> NodeOptions {
        var options = NodeOptions(privateNetworkKey: try host.privateNetworkKey())
        if let logger = host.logger { options.logger = logger }
        options.dhtProtocolID = dhtProtocol
        options.dhtValidator = DHTOptions.dhtConfiguration(protocolID: dhtProtocol, mode: .server).validator
        options.mdnsInterfaceNames = mdnsInterface
        options.mdnsIncludeLoopback = mdnsLoopback
        options.mdnsDialDiscovered = mdnsDial
        options.swim = try swim.serviceConfiguration(listen: configuration.distributed.listenAddresses)
        return options
    }

    func run() async throws {
        let configuration = try nodeConfiguration()
        let node = try Node(configuration, options: try nodeOptions(configuration))
        if echo { EchoProtocol.register(on: node.host) }
        let subscription = node.events()
        let membershipEvents = node.membership?.events()
        let printEvents = events
        let control = self.control
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await SignalWaiter.waitForTermination()
                node.shutdown()
            }
            group.addTask {
                guard let addresses = try? await node.waitUntilListening() else { return }
                for address in addresses { print("\(address)/p2p/\(node.peerID)") }
                if let membership = node.membership, let port = try? await membership.waitUntilBound() {
                    let udp = membership.localMember?.udpAddress?.description ?? "udp/\(port)"
                    print(udp)
                    if printEvents { try? JSONOutput.print(SWIMListeningJSON(address: udp, peer: node.peerID.base58)) }
                }
                flushStandardOutput()
                for await event in subscription where printEvents {
                    if let json = EventJSON(event) { try? JSONOutput.print(json) }
                    flushStandardOutput()
                }
            }
            if printEvents, let membershipEvents {
                group.addTask {
                    for await event in membershipEvents {
                        try? JSONOutput.print(MembershipEventJSON(event, at: Date().timeIntervalSince1970))
                        flushStandardOutput()
                    }
                }
            }
            if control {
                group.addTask {
                    guard (try? await node.waitUntilListening()) != nil else { return }
                    await NodeControl(node: node).run()
                    node.shutdown()
                }
            }
            try await node.run()
            group.cancelAll()
        }
    }
}
