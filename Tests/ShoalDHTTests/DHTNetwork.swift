import ShoalCore
import ShoalHost
import ShoalKademlia
import ShoalMultiformats
import ShoalTransport

/// Runs `count` hosts with a DHT each on 127.0.0.1: node 0 starts first, every other node bootstraps from node 0
/// (a star that the self lookups turn into a mesh). `body` gets the DHTs once all have bootstrapped; everything
/// is shut down afterwards.
func withDHTNetwork<T: Sendable>(
    count: Int,
    configure: (Int, inout KademliaDHTConfiguration) -> Void = { _, _ in },
    _ body: ([KademliaDHT]) async throws -> T
) async throws -> T {
    let hosts = try (0..<count).map { _ in
        P2PHost(HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")]))
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for host in hosts { group.addTask { try await host.run() } }
        var dhts: [KademliaDHT] = []
        do {
            for host in hosts { try await host.waitUntilListening() }
            let seed = hosts[0].dialableAddresses[0]
            for (index, host) in hosts.enumerated() {
                var configuration = KademliaDHTConfiguration(requestTimeout: .seconds(5))
                if index > 0 { configuration.bootstrapPeers = [seed] }
                configure(index, &configuration)
                let dht = KademliaDHT(host: host, configuration: configuration, resolver: FakeResolver())
                dhts.append(dht)
                group.addTask { try await dht.run() }
                if index == 0 { await dht.waitUntilBootstrapped() }
            }
            for dht in dhts { await dht.waitUntilBootstrapped() }
            let result = try await body(dhts)
            for dht in dhts { dht.stop() }
            for host in hosts { host.shutdown() }
            try await group.waitForAll()
            return result
        } catch {
            for dht in dhts { dht.stop() }
            for host in hosts { host.shutdown() }
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// A resolver with fixed answers.
struct FakeResolver: DNSResolver {
    var addresses: [String: [IPAddress]] = [:]
    var txt: [String: [String]] = [:]

    func resolveAddresses(of name: String, family: DNSAddressFamily) async throws -> [IPAddress] {
        guard let found = addresses[name] else { throw ShoalError(.io, "no such name \(name)") }
        return found.filter { ip in
            switch (family, ip) {
            case (.any, _), (.ipv4, .v4), (.ipv6, .v6): true
            default: false
            }
        }
    }

    func resolveTXT(_ name: String) async throws -> [String] {
        guard let found = txt[name] else { throw ShoalError(.io, "no TXT for \(name)") }
        return found
    }
}

/// Polls `condition` every 20 ms for up to `timeout`.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
