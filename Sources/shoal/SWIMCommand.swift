import ArgumentParser
import Logging
import ShoalCore
import ShoalHost
import ShoalMembership
import ShoalMultiformats
import ShoalSWIM

/// `shoal swim …`: SWIM membership helpers (the membership itself runs in `shoal node --swim-port`).
struct SWIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swim",
        abstract: "SWIM membership helpers (run membership with `shoal node --swim-port N`).",
        subcommands: [Keygen.self]
    )

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a cluster key file (one random 32-byte key, hex, mode 0600) for --cluster-key-file."
        )

        @Option(name: .long, help: "Write the key file here (refuses to replace a file). Without it, print a key line.")
        var out: String?

        func run() async throws {
            guard let out else {
                print(ClusterKeyFile.generateLine())
                return
            }
            do { try ClusterKeyFile.create(at: out) } catch let error as ShoalError {
                throw CLIError(message: error.message)
            }
            print(out)
        }
    }
}

// MARK: - shoal node --swim-port

/// The SWIM options of `shoal node`.
struct SWIMOptions: ParsableArguments {
    @Option(name: .customLong("swim-port"), help: "Run SWIM membership on this UDP port (0: any free port).")
    var swimPort: Int?

    @Option(
        name: .customLong("swim-host"),
        help: "IP the SWIM socket binds (default: the first specific listen IP, else 127.0.0.1)."
    )
    var swimHost: String?

    @Option(
        name: .customLong("swim-advertise"),
        help: "IP other members reach this one at (default: the bound IP; needed when binding 0.0.0.0)."
    )
    var swimAdvertise: String?

    @Option(name: .long, help: "A member's host multiaddr (with /p2p/) to join SWIM through (repeatable).")
    var join: [String] = []

    @Option(
        name: .customLong("cluster-key-file"),
        help: "Seal SWIM datagrams with this key file (`shoal swim keygen`)."
    )
    var clusterKeyFile: String?

    @Option(name: .customLong("swim-metadata"), help: "This member's metadata, e.g. role=storage;region=eu (≤512 B).")
    var swimMetadata: String?

    @Option(name: .customLong("swim-profile"), help: "Protocol timing profile: lan (default), wan or local.")
    var swimProfile: String = "lan"

    func validate() throws {
        if swimPort == nil,
            !join.isEmpty || clusterKeyFile != nil || swimHost != nil || swimAdvertise != nil || swimMetadata != nil
                || swimProfile != "lan"
        {
            throw ValidationError(
                "--join, --swim-host, --cluster-key-file, --swim-metadata and --swim-profile need --swim-port"
            )
        }
        if let swimPort, !(0...65535).contains(swimPort) { throw ValidationError("--swim-port must be 0...65535") }
        guard ["lan", "wan", "local"].contains(swimProfile) else {
            throw ValidationError("--swim-profile must be lan, wan or local")
        }
    }

    /// The service the flags ask for, or nil without `--swim-port`.
    func service(for host: P2PHost, listen: [Multiaddr]) throws -> SWIMService? {
        guard let configuration = try serviceConfiguration(listen: listen) else { return nil }
        return SWIMService(
            host: host,
            identity: host.configuration.identity,
            configuration: configuration,
            logger: host.configuration.logger
        )
    }

    /// The service configuration the flags ask for, or nil without `--swim-port`.
    func serviceConfiguration(listen: [Multiaddr]) throws -> SWIMServiceConfiguration? {
        guard let swimPort else { return nil }
        var settings: SWIM.Settings
        switch swimProfile {
        case "wan": settings = .wan
        case "local": settings = .local
        default: settings = .lan
        }
        settings.packetBudget = SWIM.WireCodec.maxPacketByteCount
        let listenIP = listen.compactMap(\.ipAddress).first { !$0.bytes.allSatisfy { $0 == 0 } }
        var configuration = SWIMServiceConfiguration(settings: settings)
        configuration.bindHost = swimHost ?? listenIP?.description ?? "127.0.0.1"
        configuration.port = swimPort
        configuration.advertiseHost = swimAdvertise
        configuration.seeds = try join.map { text in
            let address = try HostOptions.multiaddr(text)
            guard address.peerIDBytes != nil else {
                throw CLIError(message: "--join \(text): a seed is a host multiaddr with /p2p/<peer id>")
            }
            return address
        }
        if let swimMetadata { configuration.metadata = Array(swimMetadata.utf8) }
        guard configuration.metadata.count <= SWIM.MemberRecord.maxMetadataByteCount else {
            throw CLIError(message: "--swim-metadata is over 512 bytes")
        }
        if let clusterKeyFile {
            do { configuration.keyring = try ClusterKeyFile.read(from: clusterKeyFile) } catch let error as ShoalError {
                throw CLIError(message: error.message)
            }
        }
        return configuration
    }
}

/// One membership event as JSON: `{"event":"member.dead","peer":"12D3…","uid":"…","incarnation":3,…}`.
struct MembershipEventJSON: Encodable {
    var event: String
    var peer: String
    var uid: String
    var incarnation: UInt64
    var status: String
    var address: String?
    var hostAddress: String?
    var metadata: String
    var at: Double

    init(_ event: MembershipEvent, at seconds: Double) {
        self.event = "member.\(event.kind.rawValue)"
        peer = event.member.peerID.base58
        uid = String(event.member.uid, radix: 16)
        incarnation = event.member.incarnation
        status = event.member.status.description
        address = event.member.udpAddress?.description
        hostAddress = event.member.hostAddress?.description
        metadata = String(decoding: event.member.metadata, as: UTF8.self)
        at = seconds
    }
}

/// `{"event":"swim.listening","address":"/ip4/…/udp/N","peer":"…"}`.
struct SWIMListeningJSON: Encodable {
    var event = "swim.listening"
    var address: String
    var peer: String
}
