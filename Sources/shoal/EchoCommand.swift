import ArgumentParser
import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalTransport

/// The echo protocol served by `shoal node --echo`: every byte received is sent back; the server closes its side
/// once the client has closed its own. A custom protocol in a few lines, used by the interop suite.
enum EchoProtocol {
    static let id = "/echo/1.0.0"

    static func register(on host: P2PHost) {
        host.register(id) { stream in
            while let chunk = try await stream.read() { try await stream.write(chunk) }
        }
    }
}

/// `shoal echo MA`: sends bytes over the echo protocol and checks what comes back.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Send bytes to a peer's /echo/1.0.0 handler and check the echo (SHA-256)."
    )

    @Argument(help: "The peer's multiaddr, with /p2p/<peer id>.")
    var address: String

    @Option(name: .long, help: "Bytes to send on each stream.")
    var bytes = 1 << 20

    @Option(name: .long, help: "Streams to run at once on the one connection.")
    var streams = 1

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var host: HostOptions

    struct Output: Encodable {
        var peer: String
        var streams: Int
        var bytesPerStream: Int
        var matching: Int
        var sha256: String
        var seconds: Double
    }

    func validate() throws {
        guard (1...1024).contains(streams) else { throw ValidationError("--streams must be between 1 and 1024") }
        guard (1...(1 << 30)).contains(bytes) else { throw ValidationError("--bytes must be between 1 and 2^30") }
    }

    func run() async throws {
        let payload = secureRandomBytes(bytes)
        let digest = SHA256.hash(payload)
        let clock = ContinuousClock()
        let start = clock.now
        let (peer, matching) = try await withClientHost(host, connectingTo: address) { host, peer in
            let matching = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<streams {
                    group.addTask {
                        let stream = try await host.newStream(to: peer, protocols: [EchoProtocol.id])
                        async let echoed = stream.readToEnd(maximum: payload.count)
                        try await stream.write(payload)
                        stream.closeWrite()
                        return SHA256.hash(try await echoed) == digest
                    }
                }
                var count = 0
                for try await ok in group where ok { count += 1 }
                return count
            }
            return (peer, matching)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let output = Output(
            peer: peer.base58,
            streams: streams,
            bytesPerStream: bytes,
            matching: matching,
            sha256: digest.hexString,
            seconds: seconds
        )
        if json {
            try JSONOutput.print(output)
        } else {
            print("\(matching) of \(streams) streams echoed \(bytes) bytes intact (sha256 \(output.sha256))")
        }
        if matching != streams {
            throw CLIError(message: "\(streams - matching) streams did not echo intact", status: 1)
        }
    }
}
