import ArgumentParser
import Foundation
import Logging
import ShoalCore
import ShoalHost
import ShoalKademlia
import ShoalMDNS
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
        if let psk {
            guard let data = FileManager.default.contents(atPath: psk) else {
                throw CLIError(message: "cannot read the private network key file \(psk)")
            }
            configuration.privateNetworkKey = try PreSharedKey(keyFile: Array(data))
        }
        if verbose {
            var logger = Logger(label: "shoal") { label in StreamLogHandler.standardError(label: label) }
            logger.logLevel = .debug
            configuration.logger = logger
        }
        return configuration
    }

    static func multiaddr(_ text: String) throws -> Multiaddr {
        do { return try Multiaddr(text) } catch {
            throw CLIError(message: "invalid multiaddr: \(error.message)")
        }
    }
}

/// `shoal node`: runs a node until SIGINT or SIGTERM.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract:
            "Run a node: listen, serve identify, ping, perf and the DHT, print its addresses, until SIGINT/SIGTERM."
    )

    @Option(name: .long, help: "Listen multiaddr (repeatable). Default: /ip4/127.0.0.1/tcp/0.")
    var listen: [String] = []

    @Option(name: .long, help: "Peer to connect to at start (multiaddr with /p2p/, repeatable).")
    var bootstrap: [String] = []

    @Flag(name: .long, help: "Print every event as one JSON object per line.")
    var events = false

    @Flag(name: .long, help: "Also serve the /echo/1.0.0 diagnostic protocol.")
    var echo = false

    @Flag(name: .long, help: "Discover peers on the local link with mDNS (_p2p._udp.local).")
    var mdns = false

    @Option(name: .customLong("mdns-interface"), help: "Interface for mDNS (repeatable). Default: every multicast one.")
    var mdnsInterface: [String] = []

    @Option(name: .customLong("mdns-interval"), help: "Longest delay between mDNS queries, in seconds (default 60).")
    var mdnsInterval: Double?

    @Flag(name: .customLong("mdns-loopback"), help: "Announce loopback addresses over mDNS (tests in a namespace).")
    var mdnsLoopback = false

    @Flag(name: .customLong("mdns-dial"), help: "Dial the peers mDNS discovers.")
    var mdnsDial = false
    @Option(name: .long, help: "DHT mode: client, server (default) or auto (server once not loopback-only).")
    var dhtMode: String = "server"

    @Option(name: .long, help: "The DHT protocol ID (a private overlay uses its own, e.g. /shoal/kad/1.0.0).")
    var dhtProtocol: String = KadConstants.protocolID

    @OptionGroup var host: HostOptions

    @OptionGroup var swim: SWIMOptions

    func validate() throws {
        guard KadMode(rawValue: dhtMode) != nil else {
            throw ValidationError("--dht-mode must be client, server or auto")
        }
    }

    func run() async throws {
        let configuration = try host.configuration(listen: listen.isEmpty ? ["/ip4/127.0.0.1/tcp/0"] : listen)
        let bootstrapAddresses = try bootstrap.map { try HostOptions.multiaddr($0) }
        let node = P2PHost(configuration)
        if echo { EchoProtocol.register(on: node) }
        var dhtConfiguration = DHTOptions.dhtConfiguration(
            protocolID: dhtProtocol,
            mode: KadMode(rawValue: dhtMode) ?? .server
        )
        dhtConfiguration.bootstrapPeers = bootstrapAddresses
        let dht = KademliaDHT(host: node, configuration: dhtConfiguration)
        let printEvents = events
        let discovery = try mdnsService(for: node)
        let membership = try swim.service(for: node, listen: configuration.listenAddresses)
        let membershipEvents = membership?.events()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await node.run() }
            group.addTask { try await dht.run() }
            group.addTask {
                try await SignalWaiter.waitForTermination()
                await membership?.leave()
                discovery?.shutdown()
                dht.stop()
                node.shutdown()
            }
            let subscription = node.events()
            for address in try await node.waitUntilListening() {
                print("\(address)/p2p/\(node.peerID)")
            }
            if let membership {
                group.addTask {
                    do { try await membership.run() } catch {
                        node.shutdown()
                        throw CLIError(message: "SWIM: \(error)")
                    }
                }
                let port = try await membership.waitUntilBound()
                let udp = membership.localMember?.udpAddress?.description ?? "udp/\(port)"
                print(udp)
                if printEvents {
                    try? JSONOutput.print(SWIMListeningJSON(address: udp, peer: node.peerID.base58))
                }
            }
            flushStandardOutput()
            if printEvents, let membershipEvents {
                group.addTask {
                    for await event in membershipEvents {
                        try? JSONOutput.print(MembershipEventJSON(event, at: Date().timeIntervalSince1970))
                        flushStandardOutput()
                    }
                }
            }
            if printEvents {
                group.addTask {
                    for await event in subscription {
                        try? JSONOutput.print(EventJSON(event))
                        flushStandardOutput()
                    }
                }
            }
            if let discovery {
                group.addTask {
                    do { try await discovery.run() } catch {
                        node.shutdown()
                        throw CLIError(message: "mDNS: \(error)")
                    }
                }
            }
            for address in bootstrapAddresses {
                group.addTask {
                    do { try await node.connect(address) } catch {
                        ShoalCommand.printError("cannot connect to bootstrap peer \(address): \(error)")
                    }
                }
            }
        }
    }
}

extension NodeCommand {
    /// The mDNS service the flags ask for, or nil without `--mdns`.
    func mdnsService(for node: P2PHost) throws -> MDNSService? {
        guard mdns else {
            if !mdnsInterface.isEmpty || mdnsInterval != nil || mdnsLoopback || mdnsDial {
                throw CLIError(
                    message: "--mdns-interface, --mdns-interval, --mdns-loopback and --mdns-dial need --mdns"
                )
            }
            return nil
        }
        var configuration = MDNSConfiguration()
        configuration.interfaceNames = mdnsInterface
        configuration.includeLoopback = mdnsLoopback
        configuration.dialDiscovered = mdnsDial
        if let mdnsInterval {
            guard mdnsInterval > 0, mdnsInterval <= 3600 else {
                throw CLIError(message: "--mdns-interval must be between 0 and 3600 seconds")
            }
            configuration.queryInterval = .milliseconds(Int64(mdnsInterval * 1000))
            configuration.initialQueryDelay = min(configuration.initialQueryDelay, configuration.queryInterval)
        }
        return MDNSService(host: node, configuration: configuration)
    }
}

/// One event as JSON.
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
