import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A network namespace `shoal demo --netns` creates for its nodes (loopback up, multicast on), so mDNS can run
/// without touching the machine's interfaces. Removed by ``remove()`` on every path of the demo.
struct DemoNamespace: Sendable {
    /// The namespace's name (`shoal-demo-<pid>`).
    let name: String
    /// The `ip` tool.
    let tool: String

    /// Creates the namespace.
    /// - Throws: ``CLIError`` when not root, without `ip`, or when a step fails.
    static func create() async throws -> DemoNamespace {
        guard getuid() == 0 else { throw CLIError(message: "--netns needs root (to create a network namespace)") }
        guard
            let tool = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            throw CLIError(message: "--netns needs the `ip` tool (iproute2)")
        }
        let namespace = DemoNamespace(name: "shoal-demo-\(getpid())", tool: tool)
        try await namespace.ip(["netns", "add", namespace.name])
        do {
            try await namespace.ip(["-n", namespace.name, "link", "set", "lo", "up"])
            // SwiftNIO joins multicast groups only on devices flagged MULTICAST.
            try await namespace.ip(["-n", namespace.name, "link", "set", "lo", "multicast", "on"])
        } catch {
            await namespace.remove()
            throw error
        }
        return namespace
    }

    /// Deletes the namespace (its processes must have stopped).
    func remove() async {
        try? await ip(["netns", "del", name])
    }

    /// Runs `ip ARGUMENTS` with a 10 s deadline.
    private func ip(_ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            throw CLIError(message: "ip \(arguments.joined(separator: " ")) did not finish within 10 s", status: 1)
        }
        guard process.terminationStatus == 0 else {
            throw CLIError(message: "ip \(arguments.joined(separator: " ")) failed (\(process.terminationStatus))")
        }
    }
}
