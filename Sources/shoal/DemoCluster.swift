import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The overlay of `shoal demo`: starts the node processes, runs the steps, prints the report.
final class DemoCluster: Sendable {
    let executable: String
    let workerCount: Int
    /// The network namespace the nodes run in (with mDNS on its loopback), or nil: no mDNS.
    let namespace: DemoNamespace?
    private let started = Mutex<[DemoProcess]>([])
    private let clock = ContinuousClock()

    init(executable: String, workerCount: Int, namespace: DemoNamespace?) {
        self.executable = executable
        self.workerCount = workerCount
        self.namespace = namespace
    }

    /// A duration as `1.234 s` or `56 ms`.
    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    /// Starts one node process (remembered for ``stopAll()``) and waits for its listen address.
    private func spawn(_ name: String, _ arguments: [String]) async throws -> (DemoProcess, String, String) {
        var common = [
            "node", "--listen", "/ip4/127.0.0.1/tcp/0", "--events", "--control", "--echo", "--node-id", name,
            "--swim-port", "0", "--swim-profile", "local",
        ]
        if namespace != nil {
            common += ["--mdns", "--mdns-interface", "lo", "--mdns-loopback", "--mdns-interval", "2"]
        }
        let process: DemoProcess
        if let namespace {
            process = try DemoProcess(
                name: name,
                executable: namespace.tool,
                arguments: ["netns", "exec", namespace.name, executable] + common + arguments
            )
        } else {
            process = try DemoProcess(name: name, executable: executable, arguments: common + arguments)
        }
        started.withLock { $0.append(process) }
        let address = try await process.wait(for: "its listen address", timeout: .seconds(20)) { _, addresses in
            addresses.first
        }
        guard let peer = address.split(separator: "/").last.map(String.init) else {
            throw CLIError(message: "\(name) printed an address without /p2p/: \(address)", status: 1)
        }
        return (process, address, peer)
    }

    /// One line per process: its event counts and the tail of its stderr (printed when the demo fails).
    func diagnostics() -> [String] {
        started.withLock { $0 }.map { process in
            var counts: [String: Int] = [:]
            for line in process.lines { counts[line.event, default: 0] += 1 }
            let events = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(process.name): \(process.isRunning ? "running" : "exited"); events: \(events); "
                + "stderr: \(process.stderrTail)"
        }
    }

    /// Stops every process started (SIGTERM, then SIGKILL after 5 s); safe to call more than once.
    func stopAll() async -> (count: Int, gracefully: Int) {
        let all = started.withLock { s in
            defer { s.removeAll() }
            return s
        }
        let graceful = await withTaskGroup(of: Bool.self) { group in
            for process in all { group.addTask { await process.stop() } }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        return (all.count, graceful)
    }

    // MARK: - The steps

    func run() async throws {
        let start = clock.now
        func at() -> String { "[\(String(format: "%5.2f", Self.elapsed(start, clock.now))) s]" }
        print("Shoal \(ShoalVersion.string) demo: one coordinator, \(workerCount) workers and a client, each its own")
        print("process (`shoal node --events --control`), on 127.0.0.1 with TCP + Noise + yamux")
        print("")

        // 1. Start and find each other.
        print("1. Starting nodes and finding each other (bootstrap through the coordinator)")
        let (coordinator, seed, coordinatorID) = try await spawn(
            "coordinator",
            ["--role", "coordinator", "--region", "local-a"]
        )
        var names = [coordinatorID: "coordinator"]
        print("   \(at()) coordinator  pid \(coordinator.pid)  \(seed)")
        let capabilities = [["vector_search", "high_memory"], ["vector_search"], ["graph_processing", "high_cpu"]]
        var workers: [(DemoProcess, String)] = []
        for index in 0..<workerCount {
            let name = "worker-\(index + 1)"
            var arguments = [
                "--role", "worker", "--bootstrap", seed, "--region", index % 2 == 0 ? "local-a" : "local-b",
            ]
            for capability in capabilities[index] { arguments += ["--capability", capability] }
            let (process, address, peer) = try await spawn(name, arguments)
            workers.append((process, peer))
            names[peer] = name
            print(
                "   \(at()) \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) pid \(process.pid)  \(address)"
            )
        }
        let (client, clientAddress, clientID) = try await spawn("client", ["--role", "client", "--bootstrap", seed])
        names[clientID] = "client"
        print("   \(at()) client       pid \(client.pid)  \(clientAddress)")
        func name(_ peer: String) -> String { names[peer] ?? String(peer.suffix(8)) }

        let everyone = Set(names.keys).subtracting([coordinatorID])
        let found = clock.now
        _ = try await coordinator.wait(for: "descriptors of every node", timeout: .seconds(20)) { lines, _ in
            let described = Set(lines.filter { $0.event == "described" }.compactMap(\.peer))
            return everyone.isSubset(of: described) ? true : nil
        }
        print(
            "   \(at()) the coordinator has identified and described all \(everyone.count) other nodes "
                + "(\(Self.seconds(clock.now - found)) after the last start):"
        )
        for line in coordinator.lines where line.event == "described" {
            guard let peer = line.peer else { continue }
            let caps = line.capabilities.map { $0.isEmpty ? "-" : $0.joined(separator: ",") } ?? "-"
            let region = line.region.map { $0.isEmpty ? "-" : $0 } ?? "-"
            print(
                "     \(name(peer).padding(toLength: 12, withPad: " ", startingAt: 0)) role \(line.role ?? "?"), "
                    + "capabilities \(caps), region \(region)"
            )
        }
        for (process, _) in workers {
            let peers = try await process.command("peers", answers: ["peers"]).peers ?? []
            print("     \(process.name) is connected to \(peers.map(name).sorted().joined(separator: ", "))")
        }
        if let namespace {
            let everyoneElse = Set(names.keys)
            let all = [coordinator, client] + workers.map(\.0)
            for process in all {
                let own = names.first { $0.value == process.name }?.key ?? ""
                _ = try await process.wait(for: "mDNS discovery of every node", timeout: .seconds(15)) { lines, _ in
                    let seen = Set(lines.filter { $0.event == "discovered" && $0.via == "mdns" }.compactMap(\.peer))
                    return everyoneElse.subtracting([own]).isSubset(of: seen) ? true : nil
                }
            }
            print("   \(at()) mDNS (in network namespace \(namespace.name), on its loopback): every node discovered")
            print("   all \(all.count - 1) others (\(Self.seconds(clock.now - found)) after the last start)")
        } else {
            print("   mDNS: skipped (needs an isolated link: the demo never multicasts on this machine's interfaces;")
            print("         `shoal demo --netns` (root) runs the nodes in a network namespace with mDNS)")
        }

        // 2. Membership.
        print("")
        print("2. Membership (SWIM)")
        let formed = clock.now
        let all = [coordinator, client] + workers.map(\.0)
        for process in all {
            let own = names.first { $0.value == process.name }?.key ?? ""
            let expected = Set(names.keys).subtracting([own])
            let deadline = ContinuousClock.now + .seconds(20)
            while true {
                let members = try await process.command("members", answers: ["members"]).peers ?? []
                let alive = Set(
                    members.compactMap { line -> String? in
                        let parts = line.split(separator: " ")
                        return parts.count >= 2 && parts[1] == "alive" ? String(parts[0]) : nil
                    }
                )
                if expected.isSubset(of: alive) { break }
                guard ContinuousClock.now < deadline else {
                    throw CLIError(
                        message: "\(process.name) sees \(alive.count) of \(expected.count) members alive",
                        status: 1
                    )
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        print(
            "   \(at()) every node sees the \(all.count - 1) others alive, \(Self.seconds(clock.now - formed)) after step 1"
        )
        print("   (each joined with a push-pull through the coordinator's host address, then UDP probes and gossip).")
        print("   The coordinator's view, with each member's SWIM metadata:")
        for line in try await coordinator.command("members", answers: ["members"]).peers ?? [] {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { continue }
            print("     \(name(parts[0]).padding(toLength: 12, withPad: " ", startingAt: 0)) \(parts[1])  \(parts[2])")
        }

        // 3. DHT.
        print("")
        print("3. DHT: a worker provides a dataset, the client finds it")
        let dataset = "demo/weather-2026"
        let (provider, providerID) = workers[0]
        let provided = try await provider.command("provide \(dataset)", answers: ["provided"])
        print(
            "   \(at()) \(provider.name) provides '\(dataset)': ADD_PROVIDER delivered to \(provided.count ?? 0) peers "
                + "(\(Self.milliseconds(provided)))"
        )
        let providers = try await client.command("find \(dataset)", answers: ["providers"])
        let foundProviders = providers.peers ?? []
        guard foundProviders.contains(providerID) else {
            throw CLIError(
                message:
                    "the client found \(foundProviders.map(name)) as providers of \(dataset), not \(provider.name)",
                status: 1
            )
        }
        print(
            "   \(at()) the client found the providers \(foundProviders.map(name).joined(separator: ", ")) "
                + "with GET_PROVIDERS (\(Self.milliseconds(providers)))"
        )
        let refused = try? await client.command("provide \(dataset)", answers: ["provided"])
        guard refused == nil else { throw CLIError(message: "the client was allowed to provide a dataset", status: 1) }
        print("   the client's own `provide` was refused: a client stores nothing")

        // 4. Custom protocol.
        print("")
        print("4. A custom protocol: the client calls /echo/1.0.0 on \(workers[1].0.name)")
        let text = "hello from the client"
        let echoed = try await client.command("echo \(workers[1].1) \(text)", answers: ["echoed"])
        guard echoed.text == text else {
            throw CLIError(message: "the echo came back as '\(echoed.text ?? "")'", status: 1)
        }
        print("   \(at()) '\(text)' came back intact (\(Self.milliseconds(echoed)))")

        // 5. Health.
        print("")
        print("5. Everyone's health, read by the coordinator over /ipfs-datasets/health/1.0.0 (clients are not asked)")
        print("   (cpu % and mem % are machine-wide figures from /proc: every process on this machine counts)")
        let health = try await coordinator.command("health", answers: ["health"])
        try printHealth(health, name: name, expectUnreachable: [])

        // 6. Failure.
        let (victim, victimID) = workers[workers.count - 1]
        print("")
        print("6. Stopping \(victim.name) with SIGKILL; the others notice")
        let others = [coordinator, client] + workers.dropLast().map(\.0)
        var watchers: [DemoProcess] = []
        for process in others {
            let peers = try await process.command("peers", answers: ["peers"]).peers ?? []
            if peers.contains(victimID) { watchers.append(process) }
        }
        guard watchers.contains(where: { $0 === coordinator }) else {
            throw CLIError(message: "the coordinator was not connected to \(victim.name)", status: 1)
        }
        let killed = clock.now
        victim.send(SIGKILL)
        try await withThrowingTaskGroup(of: (String, Duration, Duration?).self) { group in
            for process in others {
                let watching = watchers.contains { $0 === process }
                group.addTask {
                    var closed: Duration?
                    if watching {
                        _ = try await process.wait(for: "\(victim.name)'s connection to close", timeout: .seconds(15)) {
                            lines,
                            _ in
                            lines.first { $0.event == "disconnected" && $0.peer == victimID }
                        }
                        closed = self.clock.now - killed
                    }
                    _ = try await process.wait(for: "SWIM to declare \(victim.name) dead", timeout: .seconds(30)) {
                        lines,
                        _ in
                        lines.first { $0.event == "member.dead" && $0.peer == victimID }
                    }
                    return (process.name, self.clock.now - killed, closed)
                }
            }
            var seen: [(String, Duration, Duration?)] = []
            for try await entry in group { seen.append(entry) }
            let connected = try await self.peersOf(others, victimID)
            for (who, dead, closed) in seen.sorted(by: { $0.1 < $1.1 }) {
                let connection =
                    closed.map { "saw its connection to \(victim.name) close after \(Self.seconds($0)), " } ?? ""
                print(
                    "   \(who.padding(toLength: 12, withPad: " ", startingAt: 0)) \(connection)"
                        + "SWIM declared \(victim.name) dead after \(Self.seconds(dead))"
                )
            }
            guard connected.isEmpty else {
                throw CLIError(
                    message: "\(connected.joined(separator: ", ")) still list \(victim.name) as connected",
                    status: 1
                )
            }
        }
        let after = try await coordinator.command("health", answers: ["health"])
        print("   the coordinator's next health round:")
        try printHealth(after, name: name, expectUnreachable: [victimID])
    }
}
