import ArgumentParser
import Foundation
import ShoalCore
import ShoalHost
import ShoalKademlia
import ShoalMultiformats
import ShoalTransport

/// `shoal dht …`: one-shot DHT operations from a short-lived node that joins through `--bootstrap`.
///
/// Provider keys (`provide`, `find-providers`): a CID string means its multihash, any other string is a dataset ID
/// and means the SHA-256 multihash of its UTF-8 bytes (``KadDatasetKey``). Record keys (`put`, `get`) are the UTF-8
/// bytes of the string, e.g. `/shoal/config`; the CLI's nodes accept any namespace (plus `/pk/` validation).
struct DHTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dht",
        abstract: "Kademlia DHT operations (a short-lived node joins through --bootstrap).",
        subcommands: [
            DHTProvideCommand.self, DHTFindProvidersCommand.self, DHTFindPeerCommand.self, DHTPutCommand.self,
            DHTGetCommand.self, DHTBenchCommand.self,
        ]
    )
}

/// Options shared by the `shoal dht` subcommands.
struct DHTOptions: ParsableArguments {
    @Option(name: .long, help: "Peer to join through (multiaddr with /p2p/, repeatable; at least one).")
    var bootstrap: [String] = []

    @Option(name: .long, help: "The DHT protocol ID (a private overlay uses its own, e.g. /shoal/kad/1.0.0).")
    var protocolID: String = KadConstants.protocolID

    @Option(name: .long, help: "Listen multiaddr of the short-lived node (its provider records point here).")
    var listen = "/ip4/127.0.0.1/tcp/0"

    @Option(name: .long, help: "Per-request timeout in seconds.")
    var timeout = 10

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    /// The DHT configuration of the CLI: any record namespace is accepted (`/pk/` is still validated).
    static func dhtConfiguration(protocolID: String, mode: KadMode) -> KademliaDHTConfiguration {
        var configuration = KademliaDHTConfiguration(protocolID: protocolID, mode: mode)
        var validator = KadNamespacedValidator(acceptsUnknownNamespaces: true)
        validator.register(KadPublicKeyValidator(), for: "pk")
        configuration.validator = validator
        return configuration
    }

    /// Runs `body` with a client-mode DHT joined through the bootstrap peers.
    func withDHT<T: Sendable>(_ hostOptions: HostOptions, _ body: (KademliaDHT) async throws -> T) async throws -> T {
        guard !bootstrap.isEmpty else { throw CLIError(message: "at least one --bootstrap multiaddr is needed") }
        guard (1...600).contains(timeout) else { throw CLIError(message: "--timeout must be between 1 and 600") }
        let addresses = try bootstrap.map { try HostOptions.multiaddr($0) }
        var configuration = Self.dhtConfiguration(protocolID: protocolID, mode: .client)
        configuration.requestTimeout = .seconds(timeout)
        let dhtConfiguration = configuration
        return try await withHost(try hostOptions.configuration(listen: [listen])) { host in
            let dht = KademliaDHT(host: host, configuration: dhtConfiguration)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await dht.run() }
                do {
                    let connected = await dht.bootstrap(addresses)
                    guard connected > 0 else { throw CLIError(message: "cannot reach any --bootstrap peer") }
                    let result = try await body(dht)
                    dht.stop()
                    try await group.waitForAll()
                    return result
                } catch {
                    dht.stop()
                    group.cancelAll()
                    throw error
                }
            }
        }
    }
}

/// A provider or peer as JSON.
struct DHTPeerJSON: Encodable {
    var peer: String
    var addresses: [String]

    init(_ peer: DHTPeer) {
        self.peer = peer.id.base58
        self.addresses = peer.addresses.map(\.description)
    }
}

/// `shoal dht provide KEY`.
struct DHTProvideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provide",
        abstract: "Announce this node as a provider of KEY (a CID, or a dataset ID hashed with SHA-256)."
    )

    @Argument(help: "A CID or a dataset ID.") var key: String
    @OptionGroup var dht: DHTOptions
    @OptionGroup var host: HostOptions

    struct Output: Encodable {
        var key: String
        var peer: String
        var peers: Int
    }

    func run() async throws {
        let keyBytes = KadDatasetKey.parse(key)
        let (me, peers) = try await dht.withDHT(host) { dht in
            do { return (dht.host.peerID, try await dht.provide(key: keyBytes)) } catch let error as ShoalError {
                throw CLIError(message: "provide failed: \(error.message)")
            }
        }
        if dht.json {
            try JSONOutput.print(Output(key: keyBytes.hexString, peer: me.base58, peers: peers))
        } else {
            print("provided \(key) (key \(keyBytes.hexString)) to \(peers) peers")
        }
    }
}

/// `shoal dht find-providers KEY`.
struct DHTFindProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find-providers",
        abstract: "Find the providers of KEY (a CID, or a dataset ID hashed with SHA-256)."
    )

    @Argument(help: "A CID or a dataset ID.") var key: String
    @Option(name: .long, help: "Stop after this many providers.") var limit = 20
    @OptionGroup var dht: DHTOptions
    @OptionGroup var host: HostOptions

    struct Output: Encodable {
        var key: String
        var providers: [DHTPeerJSON]
    }

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let keyBytes = KadDatasetKey.parse(key)
        let json = dht.json
        let providers = try await dht.withDHT(host) { dht in
            await dht.findProviders(key: keyBytes, limit: limit) { peer in
                if !json {
                    print(([peer.id.base58] + peer.addresses.map(\.description)).joined(separator: " "))
                    flushStandardOutput()
                }
            }
        }
        if json { try JSONOutput.print(Output(key: keyBytes.hexString, providers: providers.map(DHTPeerJSON.init))) }
    }
}

/// `shoal dht find-peer ID`.
struct DHTFindPeerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "find-peer", abstract: "Find a peer's addresses.")

    @Argument(help: "The peer ID (base58 or CID form).") var peer: String
    @OptionGroup var dht: DHTOptions
    @OptionGroup var host: HostOptions

    func run() async throws {
        let id: PeerID
        do { id = try PeerID(parsing: peer) } catch let error as ShoalError {
            throw CLIError(message: "invalid peer ID: \(error.message)")
        }
        let found = try await dht.withDHT(host) { dht in await dht.findPeer(id) }
        guard let found else { throw CLIError(message: "peer \(peer) not found") }
        if dht.json {
            try JSONOutput.print(DHTPeerJSON(found))
        } else {
            for address in found.addresses { print("\(address)/p2p/\(found.id)") }
        }
    }
}

/// `shoal dht put KEY VALUE`.
struct DHTPutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Store a value record (KEY is the record key, e.g. /shoal/name; VALUE is stored as UTF-8)."
    )

    @Argument(help: "The record key, /<namespace>/<name>.") var key: String
    @Argument(help: "The value (UTF-8).") var value: String
    @OptionGroup var dht: DHTOptions
    @OptionGroup var host: HostOptions

    struct Output: Encodable {
        var key: String
        var peers: Int
    }

    func run() async throws {
        let peers = try await dht.withDHT(host) { dht in
            do { return try await dht.putValue(key: Array(key.utf8), value: Array(value.utf8)) } catch let error
                as ShoalError
            {
                throw CLIError(message: "put failed: \(error.message)")
            }
        }
        if dht.json {
            try JSONOutput.print(Output(key: key, peers: peers))
        } else {
            print("stored \(key) on \(peers) peers")
        }
    }
}

/// `shoal dht get KEY`.
struct DHTGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Fetch a value record.")

    @Argument(help: "The record key.") var key: String
    @Option(name: .long, help: "Valid records to collect before choosing the best.") var quorum = 1
    @OptionGroup var dht: DHTOptions
    @OptionGroup var host: HostOptions

    struct Output: Encodable {
        var key: String
        var value: String
        var valueHex: String
    }

    func validate() throws {
        guard (1...20).contains(quorum) else { throw ValidationError("--quorum must be between 1 and 20") }
    }

    func run() async throws {
        let value = try await dht.withDHT(host) { dht in await dht.getValue(key: Array(key.utf8), quorum: quorum) }
        guard let value else { throw CLIError(message: "no record found for \(key)") }
        if dht.json {
            try JSONOutput.print(
                Output(key: key, value: String(decoding: value, as: UTF8.self), valueHex: value.hexString)
            )
        } else {
            print(String(decoding: value, as: UTF8.self))
        }
    }
}
