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

/// CPU seconds (user + system) used so far by this process, all threads.
private func processCPUSeconds() -> Double {
    let times = processCPUTimes()
    return times.user + times.system
}

/// User and system (kernel) CPU seconds used so far by this process, all threads.
private func processCPUTimes() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return (user, system)
}

/// CPU seconds used so far by the calling thread.
private func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds of `body` on the calling thread (`body` must not suspend).
private func measureThreadCPU(_ body: () throws -> Void) rethrows -> Double {
    let start = threadCPUSeconds()
    try body()
    return threadCPUSeconds() - start
}

/// Runs `operation` (a seal or an open) `rounds` times from `input` into `output` with `nonce`, the buffers' pointers
/// taken once.
private func repeatAEAD(
    _ rounds: Int,
    input: [UInt8],
    output: inout [UInt8],
    nonce: [UInt8],
    _ operation: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
) throws {
    try input.withUnsafeBytes { source in
        try nonce.withUnsafeBytes { n in
            try output.withUnsafeMutableBytes { out in
                for _ in 0..<rounds { try operation(source, out, n) }
            }
        }
    }
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
        var chachaMBPerCPUSecond: Double
        var chachaOpenMBPerCPUSecond: Double
        var perfMBPerCPUSecond: Double
        var cryptoShareOfPerfCPU: Double
        var budget: ThroughputBudget
        var cryptoFloorSetupsPerSecondOneCore: Double
        var setupsPerSecond: Double
        var setupsPerSecondWithoutIdentify: Double
        var setupRatioToCryptoFloor: Double
        var cryptoFloorCPUMicrosecondsPerSetup: Double
        var cpuMicrosecondsPerSetup: Double
        var cpuMicrosecondsPerSetupWithoutIdentify: Double
        /// Without identify, and with no memo of verified static-key signatures on either side: every handshake
        /// verifies both signatures, as between peers that never met.
        var setupsPerSecondVerifyingEvery: Double
        var cpuMicrosecondsPerSetupVerifyingEvery: Double
        var setupConnections: Int
        var idleConnections: Int
        var bytesPerIdleConnection: Int
        var bytesPerIdleConnectionEnd: Int
        var bytesPerIdleHost: Int
    }

    func run() async throws {
        // 1. The ceiling: single-core ChaCha20-Poly1305 seal of 64 KiB frames.
        let key = SecureBytes(randomCount: 32)
        let frame = [UInt8](repeating: 0x42, count: 65519)
        var output = [UInt8](repeating: 0, count: 65535)
        let nonce = [UInt8](repeating: 0, count: 12)
        let rounds = 4096
        var chachaCPU = 0.0
        let chachaSeconds = try await measure {
            chachaCPU = try measureThreadCPU {
                try repeatAEAD(rounds, input: frame, output: &output, nonce: nonce) { input, out, n in
                    _ = try ChaCha20Poly1305.seal(input, into: out, key: key, nonce: n)
                }
            }
        }
        let chacha = Double(rounds * frame.count) / chachaSeconds / 1e6
        let chachaPerCPU = Double(rounds * frame.count) / chachaCPU / 1e6
        // The receiving side's work per byte, for the CPU budget (the ceiling above stays the seal rate): open
        // (verify, then decrypt) of the same frame.
        var opened = [UInt8](repeating: 0, count: 65519)
        let openCPU = try measureThreadCPU {
            try repeatAEAD(rounds, input: output, output: &opened, nonce: nonce) { input, out, n in
                _ = try ChaCha20Poly1305.open(input, into: out, key: key, nonce: n)
            }
        }
        let chachaOpenPerCPU = Double(rounds * frame.count) / openCPU / 1e6

        // 2. The crypto floor of one connection setup, one core: two X25519 key generations, six DH, two
        //    signatures and two verifications (the Noise XX handshake with the libp2p payload, both ends).
        let floorRounds = 200
        var floorCPU = 0.0
        let floorSeconds = try await measure {
            let identity = Ed25519.PrivateKey()
            let message = [UInt8](repeating: 7, count: 56)
            floorCPU = try measureThreadCPU {
                for _ in 0..<floorRounds {
                    let a = X25519.PrivateKey()
                    let b = X25519.PrivateKey()
                    for _ in 0..<6 { _ = try a.sharedSecret(with: b.publicKey) }
                    for _ in 0..<2 {
                        let signature = identity.signature(for: message)
                        guard identity.publicKey.isValidSignature(signature, for: message) else {
                            throw CLIError(message: "signature did not verify", status: 1)
                        }
                    }
                }
            }
        }
        let floorRate = Double(floorRounds) / floorSeconds
        let floorCPUPerSetup = floorCPU / Double(floorRounds)

        let loopback = try Multiaddr("/ip4/127.0.0.1/tcp/0")
        var serverConfiguration = HostConfiguration(listenAddresses: [loopback])
        serverConfiguration.limits.maximumConnections = idle + connections + 100
        serverConfiguration.limits.maximumPendingInbound = 512
        var quietServer = serverConfiguration
        quietServer.identity = PrivateKey()
        var verifyingServer = quietServer
        verifyingServer.identity = PrivateKey()
        verifyingServer.rememberVerifiedNoiseSignatures = false
        quietServer.identifyOnConnect = false
        let output2 = try await withHost(serverConfiguration) { server in
            let address = server.dialableAddresses[0]

            // 3. Throughput: the perf protocol, one stream, both directions in turn.
            let (up, down, perfCPU, perfTimes) = try await stage("throughput") {
                try await withHost(HostConfiguration()) { client in
                    let peer = try await client.connect(address)
                    _ = try await client.perf(peer, upload: 16 << 20, download: 16 << 20)  // warm up
                    let cpuBefore = processCPUTimes()
                    let upload = try await client.perf(peer, upload: bytes, download: 0)
                    let download = try await client.perf(peer, upload: 0, download: bytes)
                    let cpuAfter = processCPUTimes()
                    let user = cpuAfter.user - cpuBefore.user
                    let system = cpuAfter.system - cpuBefore.system
                    return (
                        Double(bytes) / upload.uploadSeconds / 1e6,
                        Double(bytes) / download.downloadSeconds / 1e6,
                        user + system,
                        (user: user, system: system, wall: upload.totalSeconds + download.totalSeconds)
                    )
                }
            }
            let budget = ThroughputBudget(
                bytesMoved: Double(2 * bytes),
                userSeconds: perfTimes.user,
                systemSeconds: perfTimes.system,
                wallSeconds: perfTimes.wall,
                sealMBPerCPUSecond: chachaPerCPU,
                openMBPerCPUSecond: chachaOpenPerCPU,
                cores: ProcessInfo.processInfo.activeProcessorCount
            )

            // 4. Connection setups per second: TCP + Noise + yamux + one ping, then close; 8 client hosts in parallel,
            //    each dialing a new connection once the last one is gone. With identify (both ways, as by default)
            //    and without (both hosts configured not to run it on connect).
            let perClient = max(connections / 8, 1)
            let setupCPUBefore = processCPUSeconds()
            let setupSeconds = try await stage("connection setups") {
                try await SetupRate.measure(clients: 8, perClient: perClient, to: server, identify: true)
            }
            let setupCPU = processCPUSeconds() - setupCPUBefore
            let quietCPUBefore = processCPUSeconds()
            let quietSeconds = try await stage("connection setups without identify") {
                try await withHost(quietServer) { quiet in
                    try await SetupRate.measure(clients: 8, perClient: perClient, to: quiet, identify: false)
                }
            }
            let quietCPU = processCPUSeconds() - quietCPUBefore
            let verifyingCPUBefore = processCPUSeconds()
            let verifyingSeconds = try await stage("connection setups verifying every signature") {
                try await withHost(verifyingServer) { verifying in
                    try await SetupRate.measure(
                        clients: 8,
                        perClient: perClient,
                        to: verifying,
                        identify: false,
                        rememberSignatures: false
                    )
                }
            }
            let verifyingCPU = processCPUSeconds() - verifyingCPUBefore

            // 5. Memory per idle connection: RSS growth while `idle` clients stay connected (both ends here).
            let memory = try await stage("idle memory") { try await IdleConnections.measure(idle, to: address) }
            let setups = Double(perClient * 8) / setupSeconds
            return Output(
                chachaMBps: chacha,
                perfUploadMBps: up,
                perfDownloadMBps: down,
                throughputRatio: min(up, down) / chacha,
                chachaMBPerCPUSecond: chachaPerCPU,
                chachaOpenMBPerCPUSecond: chachaOpenPerCPU,
                perfMBPerCPUSecond: Double(2 * bytes) / perfCPU / 1e6,
                cryptoShareOfPerfCPU: budget.cryptoNanosecondsPerByte / budget.cpuNanosecondsPerByte,
                budget: budget,
                cryptoFloorSetupsPerSecondOneCore: floorRate,
                setupsPerSecond: setups,
                setupsPerSecondWithoutIdentify: Double(perClient * 8) / quietSeconds,
                setupRatioToCryptoFloor: setups / floorRate,
                cryptoFloorCPUMicrosecondsPerSetup: floorCPUPerSetup * 1e6,
                cpuMicrosecondsPerSetup: setupCPU / Double(perClient * 8) * 1e6,
                cpuMicrosecondsPerSetupWithoutIdentify: quietCPU / Double(perClient * 8) * 1e6,
                setupsPerSecondVerifyingEvery: Double(perClient * 8) / verifyingSeconds,
                cpuMicrosecondsPerSetupVerifyingEvery: verifyingCPU / Double(perClient * 8) * 1e6,
                setupConnections: perClient * 8,
                idleConnections: idle,
                bytesPerIdleConnection: memory.connections / max(idle, 1),
                bytesPerIdleConnectionEnd: memory.connections / max(idle, 1) / 2,
                bytesPerIdleHost: memory.hosts / max(idle, 1)
            )
        }
        if json {
            try JSONOutput.print(output2)
            return
        }
        print(String(format: "ChaCha20-Poly1305 seal, one core:          %8.1f MB/s", output2.chachaMBps))
        print(String(format: "perf upload (Noise+yamux, loopback):       %8.1f MB/s", output2.perfUploadMBps))
        print(String(format: "perf download:                             %8.1f MB/s", output2.perfDownloadMBps))
        print(String(format: "throughput / ChaCha ceiling:               %8.2f", output2.throughputRatio))
        print(
            String(
                format:
                    "  CPU: ChaCha seal %.0f, open %.0f MB per CPU-s; perf %.0f MB per process CPU-s (both ends); "
                    + "crypto share %.2f",
                output2.chachaMBPerCPUSecond,
                output2.chachaOpenMBPerCPUSecond,
                output2.perfMBPerCPUSecond,
                output2.cryptoShareOfPerfCPU
            )
        )
        output2.budget.printLines()
        print(
            String(
                format: "setup crypto floor, one core (2 keygen, 6 DH, 2 sign, 2 verify): %7.0f /s",
                output2.cryptoFloorSetupsPerSecondOneCore
            )
        )
        print(
            String(
                format: "connection setups (TCP+Noise+yamux+ping+identify): %7.0f /s over %d",
                output2.setupsPerSecond,
                output2.setupConnections
            )
        )
        print(
            String(
                format: "connection setups without identify (TCP+Noise+yamux+ping): %7.0f /s",
                output2.setupsPerSecondWithoutIdentify
            )
        )
        print(
            String(
                format: "  the same, every signature verified (no memo, as between new peers): %7.0f /s, %.0f us CPU",
                output2.setupsPerSecondVerifyingEvery,
                output2.cpuMicrosecondsPerSetupVerifyingEvery
            )
        )
        print(String(format: "setups / one-core crypto floor:            %8.2f", output2.setupRatioToCryptoFloor))
        print(
            String(
                format: "  CPU per setup (both ends): %.0f us with identify, %.0f us without; crypto floor %.0f us",
                output2.cpuMicrosecondsPerSetup,
                output2.cpuMicrosecondsPerSetupWithoutIdentify,
                output2.cryptoFloorCPUMicrosecondsPerSetup
            )
        )
        print(
            "memory per idle connection: \(output2.bytesPerIdleConnection / 1024) KiB (both ends), "
                + "\(output2.bytesPerIdleConnectionEnd / 1024) KiB per end, over \(output2.idleConnections)"
        )
        print("  (client hosts themselves, measured apart: \(output2.bytesPerIdleHost / 1024) KiB each)")
    }
}

/// Connection setups: `clients` hosts in parallel, each connecting, pinging and disconnecting `perClient` times.
enum SetupRate {
    /// - Returns: the wall-clock seconds of all setups.
    static func measure(
        clients: Int,
        perClient: Int,
        to server: P2PHost,
        identify: Bool,
        rememberSignatures: Bool = true
    ) async throws -> Double {
        let address = server.dialableAddresses[0]
        var configuration = HostConfiguration()
        configuration.identifyOnConnect = identify
        configuration.rememberVerifiedNoiseSignatures = rememberSignatures
        let hosts = AsyncStream<Void>.makeStream()
        let start = Gate()
        let clock = ContinuousClock()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                var own = configuration
                own.identity = PrivateKey()
                group.addTask { [own] in
                    try await withHost(own) { client in
                        hosts.continuation.yield()
                        await start.wait()
                        for _ in 0..<perClient {
                            let peer = try await client.connect(address)
                            _ = try await client.ping(peer)
                            // The next dial does not wait for this close: the server keeps the newer of two
                            // connections from one dialer, so a reconnect that overtakes the close still works.
                            client.disconnect(peer)
                        }
                        // Every setup counts in full, close included: wait until both ends have dropped the last
                        // connection (polled: an event subscription would cost every setup a wake-up).
                        while client.connectionCount > 0 || server.connectedPeers.contains(client.peerID) {
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                }
            }
            var ready = 0
            for await _ in hosts.stream {
                ready += 1
                if ready == clients { break }
            }
            let began = clock.now
            start.open()
            try await group.waitForAll()
            return (clock.now - began).seconds
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
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

/// Where the CPU of the throughput run went, per byte moved (upload plus download; both ends run in this process, so
/// each byte is sealed once and opened once), and what that implies for the throughput / ChaCha ratio.
struct ThroughputBudget: Encodable {
    var cores: Int
    /// CPU (user + system) per byte moved, both ends.
    var cpuNanosecondsPerByte: Double
    /// User-space CPU per byte moved.
    var userNanosecondsPerByte: Double
    /// Kernel CPU per byte moved (TCP loopback, syscalls, wake-ups, scheduling).
    var systemNanosecondsPerByte: Double
    /// One seal and one open per byte, at the one-core rates measured above.
    var cryptoNanosecondsPerByte: Double
    /// User-space CPU per byte that is not the AEAD (framing, copies, locks, task switches, allocation).
    var otherUserNanosecondsPerByte: Double
    /// Wall-clock time per byte moved.
    var wallNanosecondsPerByte: Double
    /// CPU per byte over (wall per byte × cores): how busy the cores were.
    var coreUtilisation: Double
    /// The ratio reachable with the cores fully busy and nothing but the AEAD to do.
    var ratioBoundCryptoOnly: Double
    /// The ratio reachable with the cores fully busy, the AEAD and this run's kernel time per byte.
    var ratioBoundCryptoAndKernel: Double
    /// The ratio reachable with the cores fully busy at this run's CPU per byte.
    var ratioBoundThisRun: Double

    init(
        bytesMoved: Double,
        userSeconds: Double,
        systemSeconds: Double,
        wallSeconds: Double,
        sealMBPerCPUSecond: Double,
        openMBPerCPUSecond: Double,
        cores: Int
    ) {
        self.cores = cores
        userNanosecondsPerByte = userSeconds / bytesMoved * 1e9
        systemNanosecondsPerByte = systemSeconds / bytesMoved * 1e9
        cpuNanosecondsPerByte = userNanosecondsPerByte + systemNanosecondsPerByte
        cryptoNanosecondsPerByte = 1e3 / sealMBPerCPUSecond + 1e3 / openMBPerCPUSecond
        otherUserNanosecondsPerByte = userNanosecondsPerByte - cryptoNanosecondsPerByte
        wallNanosecondsPerByte = wallSeconds / bytesMoved * 1e9
        coreUtilisation = cpuNanosecondsPerByte / (wallNanosecondsPerByte * Double(cores))
        // Throughput with the cores fully busy is cores / (CPU per byte), in bytes per ns = GB/s; the ceiling is
        // what one core seals with nothing else running (its CPU rate: on an idle machine the wall rate equals it).
        let ceiling = sealMBPerCPUSecond / 1e3
        ratioBoundCryptoOnly = Double(cores) / cryptoNanosecondsPerByte / ceiling
        ratioBoundCryptoAndKernel = Double(cores) / (cryptoNanosecondsPerByte + systemNanosecondsPerByte) / ceiling
        ratioBoundThisRun = Double(cores) / cpuNanosecondsPerByte / ceiling
    }

    func printLines() {
        print(
            String(
                format: "  per byte moved: CPU %.2f ns = user %.2f (AEAD %.2f, other %.2f) + kernel %.2f; wall %.2f ns",
                cpuNanosecondsPerByte,
                userNanosecondsPerByte,
                cryptoNanosecondsPerByte,
                otherUserNanosecondsPerByte,
                systemNanosecondsPerByte,
                wallNanosecondsPerByte
            )
        )
        print(
            String(
                format: "  %d cores %.0f%% busy; ratio bound with cores full: AEAD only %.2f, AEAD + kernel %.2f, "
                    + "this run's CPU/byte %.2f",
                cores,
                coreUtilisation * 100,
                ratioBoundCryptoOnly,
                ratioBoundCryptoAndKernel,
                ratioBoundThisRun
            )
        )
    }
}
