import ArgumentParser
import Foundation
import ShoalCore
import ShoalHost
import ShoalKademlia
import ShoalMultiformats

/// `shoal dht bench`: N nodes in this process on 127.0.0.1; one provides each key, another finds it.
struct DHTBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure provider lookups among N in-process nodes on 127.0.0.1 (p50/p99 latency).",
        discussion: """
            Node 0 starts first and every other node bootstraps from it. For each key a random node provides it, \
            then a random node that does not hold the provider record yet looks it up (findProviders, limit 1); \
            the latency of that lookup is measured, so every measured lookup goes over the network.
            """
    )

    @Option(name: .long, help: "Nodes in the network.") var nodes = 100
    @Option(name: .long, help: "Keys provided and looked up.") var lookups = 200
    @Option(name: .long, help: "Random seed for the choice of nodes.") var seed: UInt64 = 1
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Flag(name: .long, help: "Print each node's join time to stderr.") var verbose = false

    struct Output: Encodable {
        var nodes: Int
        var lookups: Int
        var found: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maximumMilliseconds: Double
        var setupSeconds: Double
    }

    func validate() throws {
        guard (2...1000).contains(nodes) else { throw ValidationError("--nodes must be between 2 and 1000") }
        guard (1...100_000).contains(lookups) else { throw ValidationError("--lookups must be between 1 and 100000") }
    }

    func run() async throws {
        let setupStart = ContinuousClock.now
        let hosts = try (0..<nodes).map { _ in
            P2PHost(HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]))
        }
        let lookups = self.lookups
        var generator = SplitMix64(seed: seed)
        let output = try await withThrowingTaskGroup(of: Void.self) { group in
            for host in hosts { group.addTask { try await host.run() } }
            defer {
                for host in hosts { host.shutdown() }
            }
            for host in hosts { try await host.waitUntilListening() }
            let seedAddress = hosts[0].dialableAddresses[0]
            var dhts: [KademliaDHT] = []
            for (index, host) in hosts.enumerated() {
                var configuration = KademliaDHTConfiguration()
                if index > 0 { configuration.bootstrapPeers = [seedAddress] }
                let dht = KademliaDHT(host: host, configuration: configuration)
                dhts.append(dht)
                group.addTask { try await dht.run() }
                let joinStart = ContinuousClock.now
                await dht.waitUntilBootstrapped()
                if verbose {
                    ShoalCommand.printError(
                        "node \(index) joined in \(ContinuousClock.now - joinStart), table \(dht.routingTableSize)"
                    )
                }
            }
            let setup = ContinuousClock.now - setupStart
            var latencies: [Duration] = []
            var found = 0
            for index in 0..<lookups {
                let key = KadDatasetKey.forDataset("bench-\(seed)-\(index)")
                let provider = Int(generator.next() % UInt64(dhts.count))
                let provideStart = ContinuousClock.now
                try await dhts[provider].provide(key: key)
                if verbose {
                    ShoalCommand.printError("lookup \(index): provided in \(ContinuousClock.now - provideStart)")
                }
                // A finder that does not hold the record already, so that every lookup goes over the network.
                var finder = Int(generator.next() % UInt64(dhts.count))
                for _ in 0..<dhts.count where !dhts[finder].localProviders(key: key).isEmpty {
                    finder = (finder + 1) % dhts.count
                }
                let start = ContinuousClock.now
                let providers = await dhts[finder].findProviders(key: key, limit: 1) { _ in }
                latencies.append(ContinuousClock.now - start)
                if verbose { ShoalCommand.printError("lookup \(index): found in \(ContinuousClock.now - start)") }
                if providers.first?.id == dhts[provider].host.peerID { found += 1 }
            }
            for dht in dhts { dht.stop() }
            latencies.sort()
            func millis(_ duration: Duration) -> Double {
                Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
            }
            func percentile(_ p: Double) -> Double {
                millis(latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)])
            }
            return Output(
                nodes: dhts.count,
                lookups: lookups,
                found: found,
                p50Milliseconds: percentile(0.5),
                p99Milliseconds: percentile(0.99),
                maximumMilliseconds: millis(latencies.last ?? .zero),
                setupSeconds: millis(setup) / 1000
            )
        }
        if json {
            try JSONOutput.print(output)
        } else {
            print(
                "\(output.nodes) nodes, \(output.found)/\(output.lookups) providers found: p50 "
                    + String(
                        format: "%.2f ms, p99 %.2f ms, max %.2f ms",
                        output.p50Milliseconds,
                        output.p99Milliseconds,
                        output.maximumMilliseconds
                    )
                    + String(format: " (setup %.1f s)", output.setupSeconds)
            )
        }
    }
}
