import ArgumentParser
import Foundation
import ShoalCore
import ShoalCrypto
import ShoalHost
import ShoalMultiformats
import Synchronization

/// `shoal bench …`: benchmarks that print figures (as ratios to a baseline measured in the same run). They never
/// fail a build; they are not tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput, connection setup rate and memory per connection on this machine.",
        subcommands: [TransportBench.self, PackBench.self]
    )
}

/// Runs one stage of a benchmark, naming it in any error.
private func stage<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch { throw CLIError(message: "bench stage \(name) failed: \(error)", status: 1) }
}

/// Wall-clock seconds of `body`.
private func measure(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The resident set size of this process, in bytes (Linux /proc/self/statm).
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

struct TransportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transport",
        abstract: "ChaCha20-Poly1305 ceiling, perf throughput over Noise+yamux, connection setups/s, idle memory."
    )

    @Option(name: .long, help: "Bytes moved by the throughput run.")
    var bytes: UInt64 = 1 << 30

    @Option(name: .long, help: "Connections for the setup-rate run.")
    var connections = 500

    @Option(name: .long, help: "Idle connections for the memory run.")
    var idle = 1000

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Output: Encodable {
        var chachaMBps: Double
        var perfUploadMBps: Double
        var perfDownloadMBps: Double
        var throughputRatio: Double
        var setupsPerSecond: Double
        var setupConnections: Int
        var idleConnections: Int
        var bytesPerIdleConnection: Int
        var bytesPerIdleHost: Int
    }

    func run() async throws {
        // 1. The ceiling: single-core ChaCha20-Poly1305 seal of 64 KiB frames.
        let key = SecureBytes(randomCount: 32)
        let frame = [UInt8](repeating: 0x42, count: 65519)
        var output = [UInt8](repeating: 0, count: 65535)
        let nonce = [UInt8](repeating: 0, count: 12)
        let rounds = 4096
        let chachaSeconds = try await measure {
            try frame.withUnsafeBytes { plaintext in
                try nonce.withUnsafeBytes { n in
                    try output.withUnsafeMutableBytes { out in
                        for _ in 0..<rounds {
                            _ = try ChaCha20Poly1305.seal(plaintext, into: out, key: key, nonce: n)
                        }
                    }
                }
            }
        }
        let chacha = Double(rounds * frame.count) / chachaSeconds / 1e6

        let loopback = try Multiaddr("/ip4/127.0.0.1/tcp/0")
        var serverConfiguration = HostConfiguration(listenAddresses: [loopback])
        serverConfiguration.limits.maximumConnections = idle + connections + 100
        serverConfiguration.limits.maximumPendingInbound = 512
        let output2 = try await withHost(serverConfiguration) { server in
            let address = server.dialableAddresses[0]

            // 2. Throughput: the perf protocol, one stream, both directions in turn.
            let (up, down) = try await stage("throughput") {
                try await withHost(HostConfiguration()) { client in
                    let peer = try await client.connect(address)
                    _ = try await client.perf(peer, upload: 16 << 20, download: 16 << 20)  // warm up
                    let upload = try await client.perf(peer, upload: bytes, download: 0)
                    let download = try await client.perf(peer, upload: 0, download: bytes)
                    return (
                        Double(bytes) / upload.uploadSeconds / 1e6,
                        Double(bytes) / download.downloadSeconds / 1e6
                    )
                }
            }

            // 3. Connection setups per second: TCP + Noise + yamux + one ping, then close; 8 client hosts in parallel,
            //    each dialing a new connection after closing the last (identify runs on each, both ways).
            let perClient = max(connections / 8, 1)
            let setupSeconds = try await stage("connection setups") {
                try await measure {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<8 {
                            group.addTask {
                                try await withHost(HostConfiguration()) { client in
                                    for _ in 0..<perClient {
                                        let peer = try await client.connect(address)
                                        _ = try await client.ping(peer)
                                        client.disconnect(peer)
                                        while client.connectedPeers.contains(peer) { await Task.yield() }
                                    }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            }

            // 4. Memory per idle connection: RSS growth while `idle` clients stay connected (both ends here).
            let memory = try await stage("idle memory") { try await IdleConnections.measure(idle, to: address) }
            return Output(
                chachaMBps: chacha,
                perfUploadMBps: up,
                perfDownloadMBps: down,
                throughputRatio: min(up, down) / chacha,
                setupsPerSecond: Double(perClient * 8) / setupSeconds,
                setupConnections: perClient * 8,
                idleConnections: idle,
                bytesPerIdleConnection: memory.connections / max(idle, 1),
                bytesPerIdleHost: memory.hosts / max(idle, 1)
            )
        }
        if json {
            try JSONOutput.print(output2)
            return
        }
        print(String(format: "ChaCha20-Poly1305 seal, one core:        %8.1f MB/s", output2.chachaMBps))
        print(String(format: "perf upload (Noise+yamux, loopback):     %8.1f MB/s", output2.perfUploadMBps))
        print(String(format: "perf download:                           %8.1f MB/s", output2.perfDownloadMBps))
        print(String(format: "throughput / ChaCha ceiling:             %8.2f", output2.throughputRatio))
        print(
            String(
                format: "connection setups (TCP+Noise+yamux+ping): %7.0f /s over %d",
                output2.setupsPerSecond,
                output2.setupConnections
            )
        )
        print(
            "memory per idle connection (both ends):  \(output2.bytesPerIdleConnection / 1024) KiB over \(output2.idleConnections)"
        )
        print("  (client hosts themselves, measured apart: \(output2.bytesPerIdleHost / 1024) KiB each)")
    }
}

/// Measures RSS growth: first of `count` idle client hosts, then of one connection from each to `address`.
enum IdleConnections {
    static func measure(_ count: Int, to address: Multiaddr) async throws -> (hosts: Int, connections: Int) {
        let started = AsyncStream<Void>.makeStream()
        let connected = AsyncStream<Void>.makeStream()
        let connect = Gate()
        let release = Gate()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let base = residentBytes()
            for _ in 0..<count {
                group.addTask {
                    try await withHost(HostConfiguration()) { client in
                        started.continuation.yield()
                        await connect.wait()
                        _ = try await client.connect(address)
                        connected.continuation.yield()
                        await release.wait()
                    }
                }
            }
            var n = 0
            for await _ in started.stream {
                n += 1
                if n == count { break }
            }
            try await Task.sleep(for: .milliseconds(500))
            let withHosts = residentBytes()
            connect.open()
            n = 0
            for await _ in connected.stream {
                n += 1
                if n == count { break }
            }
            try await Task.sleep(for: .milliseconds(500))
            let withConnections = residentBytes()
            release.open()
            try await group.waitForAll()
            return (withHosts - base, withConnections - withHosts)
        }
    }
}

/// A gate many tasks wait on until it opens.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { s in
                if !s.open { s.waiters.append(continuation) }
                return s.open
            }
            if isOpen { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
