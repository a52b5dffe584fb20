public import Foundation

/// The figures kept in the health time series.
public enum HealthMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// CPU busy share, %.
    case cpuPercent = "cpu_percent"
    /// Memory used, %.
    case memoryPercent = "memory_percent"
    /// Disk used, %.
    case diskPercent = "disk_percent"
    /// Network in, KB/s.
    case networkInKBps = "network_in_kbps"
    /// Network out, KB/s.
    case networkOutKBps = "network_out_kbps"
    /// Open connections.
    case connections
    /// Open streams.
    case streams

    /// The metric's value in a report.
    public func value(in health: NodeHealth) -> Double {
        switch self {
        case .cpuPercent: return health.usage.cpuPercent
        case .memoryPercent: return health.usage.memoryPercent
        case .diskPercent: return health.usage.diskPercent
        case .networkInKBps: return health.usage.networkInKBps
        case .networkOutKBps: return health.usage.networkOutKBps
        case .connections: return Double(health.connections)
        case .streams: return Double(health.streams)
        }
    }
}

/// One timestamped value.
public struct MetricSample: Sendable, Hashable, Codable {
    /// When.
    public var time: Date
    /// The value.
    public var value: Double

    /// Creates a sample.
    public init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}

/// The samples of one metric over a time range.
public struct MetricSeries: Sendable, Hashable, Codable {
    /// Which metric.
    public var metric: HealthMetric
    /// Its samples, oldest first.
    public var samples: [MetricSample]

    /// Creates a series.
    public init(metric: HealthMetric, samples: [MetricSample]) {
        self.metric = metric
        self.samples = samples
    }
}

/// A bounded, time-ordered series of health reports of one node: older than ``retention`` (measured from the
/// newest report) or beyond ``capacity`` reports, the oldest are dropped. A pure value type: time comes from the
/// reports.
public struct MetricsTimeSeries: Sendable {
    /// How long reports are kept.
    public let retention: Duration
    /// The most reports kept.
    public let capacity: Int
    /// The reports kept, oldest first.
    public private(set) var reports: [NodeHealth] = []

    /// Creates an empty series.
    /// - Parameters:
    ///   - retentionDays: days kept (`metrics_retention_days`).
    ///   - capacity: the most reports kept (default 20,160: two weeks at one a minute).
    public init(retentionDays: Int, capacity: Int = 20_160) {
        self.retention = .seconds(max(1, retentionDays) * 86_400)
        self.capacity = max(1, capacity)
    }

    /// Appends a report (reports older than the newest are inserted in order) and drops expired ones.
    public mutating func append(_ report: NodeHealth) {
        if let last = reports.last, report.timestamp < last.timestamp {
            let index = reports.firstIndex { $0.timestamp > report.timestamp } ?? reports.endIndex
            reports.insert(report, at: index)
        } else {
            reports.append(report)
        }
        guard let newest = reports.last?.timestamp else { return }
        let cutoff = newest.addingTimeInterval(-Double(retention.components.seconds))
        let expired = reports.prefix { $0.timestamp < cutoff }.count
        let overflow = max(0, reports.count - expired - capacity)
        if expired + overflow > 0 { reports.removeFirst(expired + overflow) }
    }

    /// The samples of `metrics` with `from <= time <= to`.
    public func query(from: Date, to: Date, metrics: [HealthMetric] = HealthMetric.allCases) -> [MetricSeries] {
        let selected = reports.filter { $0.timestamp >= from && $0.timestamp <= to && $0.status != .unreachable }
        return metrics.map { metric in
            MetricSeries(
                metric: metric,
                samples: selected.map { MetricSample(time: $0.timestamp, value: metric.value(in: $0)) }
            )
        }
    }
}
