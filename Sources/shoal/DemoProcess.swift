import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One line of a `shoal node --events --control` process: an event or a command's answer.
struct DemoLine: Decodable, Sendable {
    struct Health: Decodable, Sendable {
        var peer: String
        var status: String
        var cpuPercent: Double
        var memoryPercent: Double
        var connections: Int
        var error: String?
    }

    var event: String
    var peer: String?
    var reason: String?
    var name: String?
    var role: String?
    var capabilities: [String]?
    var region: String?
    var dataset: String?
    var count: Int?
    var peers: [String]?
    var text: String?
    var nodes: [Health]?
    var milliseconds: Double?
    var via: String?
}

/// A `shoal node` child process of the demo: its stdin takes commands, its stdout lines are kept (bounded) for
/// the demo to wait on, the tail of its stderr is kept for error messages.
///
/// `Process` is not `Sendable`; this class only touches it under its lock or through thread-safe calls
/// (`processIdentifier`, `isRunning`), hence `@unchecked Sendable`.
final class DemoProcess: @unchecked Sendable {
    /// Lines kept per process; older ones are dropped (the demo reads them as they come).
    static let maximumLines = 20_000

    let name: String
    private let process: Process
    private let input: FileHandle
    private let state = Mutex(State())

    private struct State {
        var addresses: [String] = []
        var lines: [DemoLine] = []
        var dropped = 0
        var partial: [UInt8] = []
        var stderrTail: [UInt8] = []
    }

    /// Starts `executable ARGUMENTS` (stdin, stdout and stderr piped).
    init(name: String, executable: String, arguments: [String]) throws {
        self.name = name
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        self.input = stdin.fileHandleForWriting
        try process.run()
        // One reader thread per pipe (blocking reads stay off the cooperative pool); each ends at EOF, which comes
        // when the process exits.
        Self.readUntilEOF(stdout.fileHandleForReading) { [weak self] bytes in self?.receive(bytes) }
        Self.readUntilEOF(stderr.fileHandleForReading) { [weak self] bytes in
            self?.state.withLock { s in s.stderrTail = Array((s.stderrTail + bytes).suffix(2_048)) }
        }
    }

    private static func readUntilEOF(_ handle: FileHandle, _ deliver: @escaping @Sendable ([UInt8]) -> Void) {
        let descriptor = handle.fileDescriptor
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                deliver(Array(buffer[..<count]))
            }
            try? handle.close()
        }
        thread.start()
    }

    private func receive(_ bytes: [UInt8]) {
        state.withLock { s in
            s.partial += bytes
            while let newline = s.partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(s.partial[..<newline])
                s.partial.removeSubrange(...newline)
                if line.first == UInt8(ascii: "/") {
                    s.addresses.append(String(decoding: line, as: UTF8.self))
                } else if let parsed = try? JSONDecoder().decode(DemoLine.self, from: Data(line)) {
                    s.lines.append(parsed)
                    if s.lines.count > Self.maximumLines {
                        let excess = s.lines.count - Self.maximumLines
                        s.lines.removeFirst(excess)
                        s.dropped += excess
                    }
                }
            }
            if s.partial.count > 1 << 20 { s.partial.removeAll() }
        }
    }

    // MARK: - Reading

    /// The address lines printed at start (`/ip4/…/p2p/<id>`).
    var addresses: [String] { state.withLock { $0.addresses } }

    /// Every line received so far (the last ``maximumLines``).
    var lines: [DemoLine] { state.withLock { $0.lines } }

    /// The last lines of stderr, on one line.
    var stderrTail: String {
        let text = state.withLock { String(decoding: $0.stderrTail, as: UTF8.self) }
        return text.split(separator: "\n").suffix(2).joined(separator: " | ")
    }

    /// Whether the process still runs.
    var isRunning: Bool { process.isRunning }

    /// The process ID.
    var pid: Int32 { process.processIdentifier }

    /// Waits until `find` returns a value for the lines received so far, polling every 20 ms until `deadline`.
    func wait<T>(
        for what: String,
        timeout: Duration,
        _ find: ([DemoLine], [String]) -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (lines, addresses) = state.withLock { ($0.lines, $0.addresses) }
            if let found = find(lines, addresses) { return found }
            guard isRunning else {
                throw CLIError(message: "\(name) exited while waiting for \(what): \(stderrTail)", status: 1)
            }
            guard ContinuousClock.now < deadline else {
                throw CLIError(message: "\(name): no \(what) within \(timeout)", status: 1)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: - Commands

    /// Sends one `--control` command and waits for its answer (the next line with one of `answers` or `error`).
    func command(_ line: String, answers: Set<String>, timeout: Duration = .seconds(20)) async throws -> DemoLine {
        let already = state.withLock { $0.lines.count + $0.dropped }
        try input.write(contentsOf: Data((line + "\n").utf8))
        let answer = try await wait(for: "an answer to '\(line)'", timeout: timeout) { lines, _ in
            let start = max(0, already - state.withLock { $0.dropped })
            return lines.dropFirst(start).first { answers.contains($0.event) || $0.event == "error" }
        }
        if answer.event == "error" {
            throw CLIError(message: "\(name): '\(line)' failed: \(answer.reason ?? "unknown reason")", status: 1)
        }
        return answer
    }

    // MARK: - Stopping

    /// Sends `signal` (SIGTERM or SIGKILL).
    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Closes stdin, sends SIGTERM, waits up to `grace`, then SIGKILL and waits for the exit (bounded).
    /// - Returns: true when it stopped within `grace` on its own.
    @discardableResult
    func stop(grace: Duration = .seconds(5)) async -> Bool {
        try? input.close()
        send(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard process.isRunning else { return true }
        send(SIGKILL)
        let hard = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < hard {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
