import Foundation

// MARK: - Report helpers of the demo

extension DemoCluster {
    /// The names of the processes that still list `peer` among their connected peers.
    func peersOf(_ processes: [DemoProcess], _ peer: String) async throws -> [String] {
        var still: [String] = []
        for process in processes
        where (try await process.command("peers", answers: ["peers"]).peers ?? []).contains(peer) {
            still.append(process.name)
        }
        return still
    }

    /// Prints a health round as a table; throws unless exactly `expectUnreachable` are unreachable and every
    /// non-client node answered or was reported.
    func printHealth(_ answer: DemoLine, name: (String) -> String, expectUnreachable: Set<String>) throws {
        let nodes = answer.nodes ?? []
        print("   node          status        cpu %   mem %  connections")
        for node in nodes.sorted(by: { name($0.peer) < name($1.peer) }) {
            let status = node.status.padding(toLength: 12, withPad: " ", startingAt: 0)
            if node.status == "unreachable" {
                print(
                    "   \(name(node.peer).padding(toLength: 13, withPad: " ", startingAt: 0)) \(status)  "
                        + "(\(node.error.map { String($0.prefix(60)) } ?? "no answer"))"
                )
            } else {
                print(
                    "   \(name(node.peer).padding(toLength: 13, withPad: " ", startingAt: 0)) \(status) "
                        + String(format: "%6.1f  %6.1f  %11d", node.cpuPercent, node.memoryPercent, node.connections)
                )
            }
        }
        print("   (\(Self.milliseconds(answer)) for the round)")
        let unreachable = Set(nodes.filter { $0.status == "unreachable" }.map(\.peer))
        guard unreachable == expectUnreachable else {
            throw CLIError(
                message:
                    "unreachable nodes are \(unreachable.map(name).sorted()), expected \(expectUnreachable.map(name).sorted())",
                status: 1
            )
        }
        guard nodes.count == workerCount + 1 else {
            throw CLIError(
                message: "the health round covered \(nodes.count) nodes, expected \(workerCount + 1)",
                status: 1
            )
        }
    }

    /// A command's duration as `12 ms`.
    static func milliseconds(_ line: DemoLine) -> String {
        String(format: "%.0f ms", line.milliseconds ?? 0)
    }

    /// Seconds between two instants.
    static func elapsed(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Double {
        let d = to - from
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
