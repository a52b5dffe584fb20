import ArgumentParser
import Foundation
import ShoalCore
import ShoalHost
import ShoalMultiformats
import ShoalTransport

/// Runs `body` with a short-lived host that listens nowhere, connected to `address`.
func withClientHost<T: Sendable>(
    _ options: HostOptions,
    connectingTo text: String,
    _ body: (P2PHost, PeerID) async throws -> T
) async throws -> T {
    let address = try HostOptions.multiaddr(text)
    guard address.peerIDBytes != nil else {
        throw CLIError(message: "invalid multiaddr: \(text) has no /p2p/<peer id> component")
    }
    return try await withHost(try options.configuration(listen: [])) { host in
        let peer: PeerID
        do { peer = try await host.connect(address) } catch let error as ShoalError {
            throw CLIError(message: "cannot connect to \(text): \(error.message)", status: 1)
        }
        return try await body(host, peer)
    }
}

/// `shoal ping MA`.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ping", abstract: "Ping a peer (/ipfs/ping/1.0.0).")

    @Argument(help: "The peer's multiaddr, with /p2p/<peer id>.")
    var address: String

    @Option(name: .long, help: "How many pings.")
    var count = 5

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var host: HostOptions

    struct Output: Encodable {
        var peer: String
        var rttMilliseconds: [Double]
    }

    func validate() throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000") }
    }

    func run() async throws {
        let (peer, rtts) = try await withClientHost(host, connectingTo: address) { host, peer in
            (peer, try await host.ping(peer, count: count))
        }
        let millis = rtts.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }
        if json {
            try JSONOutput.print(Output(peer: peer.base58, rttMilliseconds: millis))
        } else {
            for (i, ms) in millis.enumerated() {
                print("ping \(i + 1) to \(peer): \(String(format: "%.3f", ms)) ms")
            }
        }
    }
}

/// `shoal identify MA`.
struct IdentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Ask a peer who it is (/ipfs/id/1.0.0)."
    )

    @Argument(help: "The peer's multiaddr, with /p2p/<peer id>.")
    var address: String

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var host: HostOptions

    struct Output: Encodable {
        var peer: String
        var agentVersion: String
        var protocolVersion: String
        var protocols: [String]
        var listenAddresses: [String]
        var observedAddress: String?
        var signedPeerRecord: Bool
    }

    func run() async throws {
        let info = try await withClientHost(host, connectingTo: address) { host, peer in
            try await host.identify(peer)
        }
        let output = Output(
            peer: info.peer.base58,
            agentVersion: info.agentVersion,
            protocolVersion: info.protocolVersion,
            protocols: info.protocols,
            listenAddresses: info.listenAddresses.map(\.description),
            observedAddress: info.observedAddress?.description,
            signedPeerRecord: info.signedPeerRecord != nil
        )
        if json {
            try JSONOutput.print(output)
            return
        }
        print("peer:             \(output.peer)")
        print("agent:            \(output.agentVersion)")
        print("protocol version: \(output.protocolVersion)")
        print("observed address: \(output.observedAddress ?? "-")")
        print("signed record:    \(output.signedPeerRecord ? "yes, verified" : "no")")
        print("listen addresses:")
        for address in output.listenAddresses { print("  \(address)") }
        print("protocols:")
        for p in output.protocols { print("  \(p)") }
    }
}

/// `shoal perf MA`.
struct PerfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "Measure throughput to a peer with the libp2p perf protocol (/perf/1.0.0)."
    )

    @Argument(help: "The peer's multiaddr, with /p2p/<peer id>.")
    var address: String

    @Option(name: .long, help: "Bytes to upload.")
    var upload: UInt64 = 0

    @Option(name: .long, help: "Bytes to download.")
    var download: UInt64 = 0

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var host: HostOptions

    func run() async throws {
        let result = try await withClientHost(host, connectingTo: address) { host, peer in
            try await host.perf(peer, upload: upload, download: download)
        }
        if json {
            try JSONOutput.print(result)
            return
        }
        func rate(_ bytes: UInt64, _ seconds: Double) -> String {
            seconds > 0 ? String(format: "%.1f MB/s", Double(bytes) / seconds / 1e6) : "-"
        }
        print(
            "upload:   \(result.uploaded) bytes in \(String(format: "%.3f", result.uploadSeconds)) s (\(rate(result.uploaded, result.uploadSeconds)))"
        )
        print(
            "download: \(result.downloaded) bytes in \(String(format: "%.3f", result.downloadSeconds)) s (\(rate(result.downloaded, result.downloadSeconds)))"
        )
        print("total:    \(String(format: "%.3f", result.totalSeconds)) s")
    }
}
