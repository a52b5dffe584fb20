import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `shoal demo`: what `make run` runs. It starts a small overlay of separate `shoal node` processes on 127.0.0.1
/// (a coordinator, workers and a client), drives them through `--control`, and prints what each step showed.
///
/// Every step is checked: a failure prints the reason and exits 1. Every process it started is stopped on every
/// path (they also stop by themselves when the demo's end of their stdin closes). Every wait has a deadline, and
/// the whole demo has one (`--timeout`, 60 s).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a local overlay of node processes (coordinator, workers, client) and show what they do."
    )

    @Flag(name: .customLong("in-process"), help: "Run the earlier one-process demo (identities, multiaddrs, hosts).")
    var inProcess = false

    @Flag(name: .long, help: "Run the nodes in a network namespace the demo creates, with mDNS on (needs root).")
    var netns = false

    @Option(name: .long, help: "Worker processes (2...3).")
    var workers = 3

    @Option(name: .long, help: "Deadline of the whole demo in seconds.")
    var timeout = 60

    func validate() throws {
        guard (2...3).contains(workers) else { throw ValidationError("--workers must be 2 or 3") }
        guard (10...600).contains(timeout) else { throw ValidationError("--timeout must be between 10 and 600") }
    }

    func run() async throws {
        if inProcess {
            try await InProcessDemo().run()
            return
        }
        let executable = try Self.ownExecutable()
        let namespace = netns ? try await DemoNamespace.create() : nil
        let cluster = DemoCluster(executable: executable, workerCount: workers, namespace: namespace)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await cluster.run() }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    throw CLIError(message: "the demo did not finish within \(timeout) s", status: 1)
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            for line in cluster.diagnostics() { print("   \(line)") }
            let stopped = await cluster.stopAll()
            await namespace?.remove()
            print("")
            print("demo FAILED after \(DemoCluster.seconds(clock.now - start)): \(Self.describe(error))")
            print("cleanup: stopped \(stopped.count) node processes")
            flushStandardOutput()
            throw CLIError(message: "demo failed: \(Self.describe(error))", status: 1)
        }
        let stopped = await cluster.stopAll()
        await namespace?.remove()
        print("")
        print(
            "cleanup: stopped \(stopped.count) node processes, \(stopped.gracefully) gracefully (SIGTERM)"
                + (namespace.map { "; removed network namespace \($0.name)" } ?? "")
        )
        print("demo finished in \(DemoCluster.seconds(clock.now - start)): every step above was performed and checked")
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? CLIError { return error.message }
        return "\(error)"
    }

    /// This executable: `/proc/self/exe` on Linux, else `CommandLine.arguments[0]`.
    static func ownExecutable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let path = CommandLine.arguments[0]
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLIError(message: "cannot find the shoal executable to start nodes (\(path))")
        }
        return path
    }
}
