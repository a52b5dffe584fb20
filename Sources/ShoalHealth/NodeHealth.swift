public import Foundation

/// How a node is doing.
public enum HealthStatus: String, Sendable, Hashable, Codable {
    /// Every figure below the degraded thresholds.
    case healthy
    /// CPU, memory or disk at or above 85 %.
    case degraded
    /// CPU, memory or disk at or above 95 %.
    case unhealthy
    /// It did not answer in time (set by the asker, never sent on the wire).
    case unreachable

    /// The status the figures imply: unhealthy at ≥ 95 % CPU, memory or disk, degraded at ≥ 85 %.
    public static func judge(_ usage: SystemUsage) -> HealthStatus {
        let worst = max(usage.cpuPercent, usage.memoryPercent, usage.diskPercent)
        if worst >= 95 { return .unhealthy }
        if worst >= 85 { return .degraded }
        return .healthy
    }
}

/// A node's health report: the body of a `/ipfs-datasets/health/1.0.0` response.
public struct NodeHealth: Sendable, Hashable, Codable {
    /// The message format version (``HealthProtocol/version``).
    public var version: Int
    /// The reporting node's peer ID (text).
    public var peer: String
    /// Its status.
    public var status: HealthStatus
    /// CPU, memory, disk and network figures.
    public var usage: SystemUsage
    /// Seconds since the node started.
    public var uptimeSeconds: Double
    /// Open connections.
    public var connections: Int
    /// Open streams.
    public var streams: Int
    /// When the report was made (the reporter's wall clock).
    public var timestamp: Date
    /// Why the node is unreachable, when it is (local only).
    public var error: String?

    /// Creates a report.
    public init(
        peer: String,
        status: HealthStatus,
        usage: SystemUsage,
        uptimeSeconds: Double,
        connections: Int,
        streams: Int,
        timestamp: Date,
        error: String? = nil
    ) {
        self.version = HealthProtocol.version
        self.peer = peer
        self.status = status
        self.usage = usage
        self.uptimeSeconds = uptimeSeconds
        self.connections = connections
        self.streams = streams
        self.timestamp = timestamp
        self.error = error
    }

    /// The report for a peer that did not answer.
    public static func unreachable(_ peer: String, at time: Date, error: String) -> NodeHealth {
        NodeHealth(
            peer: peer,
            status: .unreachable,
            usage: SystemUsage(cpuPercent: 0, memoryPercent: 0, diskPercent: 0, networkInKBps: 0, networkOutKBps: 0),
            uptimeSeconds: 0,
            connections: 0,
            streams: 0,
            timestamp: time,
            error: error
        )
    }
}
