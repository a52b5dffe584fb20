import Foundation
import Shoal
import ShoalCore
import ShoalHealth
import ShoalKademlia
import ShoalTransport

#if canImport(Glibc)
import Glibc
#endif

/// `shoal node --control`: one command per stdin line, each answered by one JSON line on stdout (the `shoal demo`
/// driver and scripts use it). The node stops when stdin closes, so a driver that dies takes its nodes with it.
///
/// Commands: `provide DATASET`, `find DATASET`, `echo PEER TEXT`, `health`, `describe PEER`, `peers`, `members`.
/// Answers have `"event"`: `provided`, `providers`, `echoed`, `health`, `described`, `peers`, `members`, or `error`
/// with `"reason"`. Every command has a deadline.
struct NodeControl {
    /// The longest command line read (longer lines are cut).
    static let maximumLineLength = 4_096
    /// Commands queued at most (further lines are dropped until the queue drains).
    static let maximumQueuedCommands = 64
    /// The deadline of `echo` and `describe`.
    static let requestTimeout: Duration = .seconds(10)

    let node: Node

    struct HealthJSON: Encodable {
        var peer: String
        var status: String
        var cpuPercent: Double
        var memoryPercent: Double
        var connections: Int
        var streams: Int
        var uptimeSeconds: Double
        var error: String?
    }

    struct Answer: Encodable {
        var event: String
        var command: String?
        var dataset: String?
        var count: Int?
        var peer: String?
        var peers: [String]?
        var text: String?
        var nodes: [HealthJSON]?
        var reason: String?
        var role: String?
        var capabilities: [String]?
        var region: String?
        var milliseconds: Double?
    }

    /// Reads and runs commands until stdin closes or the task is cancelled.
    func run() async {
        for await line in Self.standardInputLines() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let verb = words.first else { continue }
            let clock = ContinuousClock()
            let start = clock.now
            var answer: Answer
            do {
                answer = try await handle(verb, Array(words.dropFirst()))
            } catch let error as CLIError {
                answer = Answer(event: "error", command: verb, reason: error.message)
            } catch let error as ShoalError {
                answer = Answer(event: "error", command: verb, reason: error.message)
            } catch {
                answer = Answer(event: "error", command: verb, reason: "\(error)")
            }
            let elapsed = clock.now - start
            answer.milliseconds =
                Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
            try? JSONOutput.print(answer)
            flushStandardOutput()
        }
    }

    private func handle(_ verb: String, _ arguments: [String]) async throws -> Answer {
        func argument(_ index: Int, _ name: String) throws -> String {
            guard index < arguments.count else { throw CLIError(message: "\(verb) needs \(name)") }
            return arguments[index]
        }
        switch verb {
        case "provide":
            let dataset = try argument(0, "a dataset ID")
            let count = try await node.provideDataset(dataset)
            return Answer(event: "provided", dataset: dataset, count: count)
        case "find":
            let dataset = try argument(0, "a dataset ID")
            let providers = try await node.findDatasetProviders(dataset)
            return Answer(event: "providers", dataset: dataset, peers: providers.map(\.id.base58))
        case "echo":
            let peer = try PeerID(parsing: try argument(0, "a peer ID"))
            let text = arguments.dropFirst().joined(separator: " ")
            let node = self.node
            let echoed = try await withDeadline(Self.requestTimeout) {
                let stream = try await node.newStream(to: peer, protocols: [EchoProtocol.id])
                try await stream.write(Array(text.utf8))
                stream.closeWrite()
                return try await stream.readToEnd(maximum: Self.maximumLineLength)
            }
            return Answer(event: "echoed", peer: peer.base58, text: String(decoding: echoed, as: UTF8.self))
        case "health":
            let all = await node.allNodesHealth()
            let nodes = all.map { peer, health in
                HealthJSON(
                    peer: peer.base58,
                    status: health.status.rawValue,
                    cpuPercent: health.usage.cpuPercent,
                    memoryPercent: health.usage.memoryPercent,
                    connections: health.connections,
                    streams: health.streams,
                    uptimeSeconds: health.uptimeSeconds,
                    error: health.error
                )
            }
            return Answer(event: "health", nodes: nodes.sorted { $0.peer < $1.peer })
        case "describe":
            let peer = try PeerID(parsing: try argument(0, "a peer ID"))
            let d = try await node.describe(peer)
            return Answer(
                event: "described",
                peer: peer.base58,
                role: d.role.rawValue,
                capabilities: d.capabilities,
                region: d.region
            )
        case "peers":
            return Answer(event: "peers", peers: node.connectedPeers.map(\.base58).sorted())
        case "members":
            let members = node.members.map { member in
                let d = member.descriptor
                let about = d.map {
                    "role=\($0.role.rawValue) caps=\($0.capabilities.joined(separator: ",")) region=\($0.region)"
                }
                return "\(member.peer.base58) \(member.status) \(about ?? "-")"
            }
            return Answer(event: "members", peers: members.sorted())
        default:
            throw CLIError(message: "unknown command '\(verb)' (provide, find, echo, health, describe, peers, members)")
        }
    }

    /// Standard input as lines, read by one dedicated thread (blocking reads stay off the cooperative pool).
    ///
    /// It reads file descriptor 0 with `read(2)`, not through stdio: a thread blocked in `readLine` holds the
    /// `stdin` lock, and `fflush(NULL)` (which every event line calls) would wait for it.
    static func standardInputLines() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(
            bufferingPolicy: .bufferingOldest(maximumQueuedCommands)
        )
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending += buffer[..<count]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[..<newline].prefix(maximumLineLength)
                    continuation.yield(String(decoding: line, as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
                if pending.count > maximumLineLength { pending.removeAll() }
            }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
