public import Foundation
public import Metrics
public import ShoalCore
public import ShoalHost
import Synchronization

/// Collects this node's health, answers `/ipfs-datasets/health/1.0.0`, asks other nodes, and keeps a bounded time
/// series per node (this one and every peer asked) for ``performanceMetrics(node:from:to:metrics:)`` and
/// ``analyzeTrends(node:from:to:metrics:threshold:)``.
public final class HealthMonitor: Sendable {
    /// The most nodes a series is kept for (this one included); beyond it, peers' reports are not stored.
    public static let maximumTrackedNodes = 1_024

    /// The host the protocol runs on.
    public let host: P2PHost
    /// Days of reports kept.
    public let retentionDays: Int
    private let sampler: SystemSampler
    private let wallClock: @Sendable () -> Date
    private let started = ContinuousClock.now
    private let gauges: HealthGauges
    private let state: Mutex<State>

    private struct State {
        var lastSample: SystemSample?
        var series: [PeerID: MetricsTimeSeries] = [:]
    }

    /// Creates a monitor (call ``register()`` to answer health requests).
    /// - Parameters:
    ///   - host: the host to serve and ask on.
    ///   - retentionDays: `metrics_retention_days`.
    ///   - sampler: the machine sampler.
    ///   - wallClock: the time stamped on reports (tests inject one).
    ///   - metricsFactory: where the `shoal_health_*` gauges go; nil = the factory the executable bootstrapped
    ///     `MetricsSystem` with (a no-op when it did not). The library never bootstraps `MetricsSystem`.
    public init(
        host: P2PHost,
        retentionDays: Int = 7,
        sampler: SystemSampler = SystemSampler(),
        wallClock: @escaping @Sendable () -> Date = { Date() },
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.gauges = HealthGauges(factory: metricsFactory)
        self.host = host
        self.retentionDays = retentionDays
        self.sampler = sampler
        self.wallClock = wallClock
        self.state = Mutex(State())
    }

    // MARK: - Local

    /// This node's health now (CPU and network since the last collection; zero before the first).
    public func localHealth() -> NodeHealth {
        let fresh = sampler.sample()
        let previous = state.withLock { $0.lastSample } ?? fresh
        return report(SystemUsage.between(previous, fresh))
    }

    /// Takes a sample, stores the report in this node's series and exports it as gauges.
    /// - Returns: the report.
    @discardableResult
    public func collect() -> NodeHealth {
        let fresh = sampler.sample()
        let previous = state.withLock { s in
            defer { s.lastSample = fresh }
            return s.lastSample
        }
        let health = report(SystemUsage.between(previous ?? fresh, fresh))
        record(health, for: host.peerID)
        gauges.export(health)
        return health
    }

    /// Stores a report in `node`'s series (reports of more than ``maximumTrackedNodes`` nodes are dropped).
    public func record(_ health: NodeHealth, for node: PeerID) {
        state.withLock { s in
            if s.series[node] == nil {
                guard s.series.count < Self.maximumTrackedNodes else { return }
                s.series[node] = MetricsTimeSeries(retentionDays: retentionDays)
            }
            s.series[node]!.append(health)
        }
    }

    private func report(_ usage: SystemUsage) -> NodeHealth {
        let uptime = started.duration(to: .now)
        return NodeHealth(
            peer: host.peerID.description,
            status: HealthStatus.judge(usage),
            usage: usage,
            uptimeSeconds: Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18,
            connections: host.connectionCount,
            streams: host.streamCount,
            timestamp: wallClock()
        )
    }

    // MARK: - Protocol

    /// Serves `/ipfs-datasets/health/1.0.0` on the host.
    public func register() {
        host.registerRequestHandler(
            HealthProtocol.protocolID,
            maximumRequestLength: HealthProtocol.maximumRequestLength
        ) { [self] _, request in
            _ = try HealthProtocol.decodeRequest(request)
            return try HealthProtocol.encodeResponse(localHealth())
        }
    }

    /// Asks `peer` for its health and stores the answer in its series.
    /// - Parameters:
    ///   - peer: the node to ask.
    ///   - timeout: the deadline for the exchange.
    /// - Throws: the host's error (dial, negotiation, ``ShoalCore/ShoalError/Code/timeout``) or a decoding error.
    public func health(of peer: PeerID, timeout: Duration = .seconds(5)) async throws -> NodeHealth {
        let bytes = try await host.request(
            peer,
            protocol: HealthProtocol.protocolID,
            HealthProtocol.encodeRequest(),
            maximumResponseLength: HealthProtocol.maximumResponseLength,
            timeout: timeout
        )
        let health = try HealthProtocol.decodeResponse(bytes)
        guard health.peer == peer.description else {
            throw ShoalError(.protocolViolation, "\(peer) answered with the report of \(health.peer)")
        }
        record(health, for: peer)
        return health
    }

    /// Asks every peer at once; every peer gets an entry: a peer that fails or does not answer by `deadline` is
    /// ``HealthStatus/unreachable`` (with the reason in ``NodeHealth/error``).
    /// - Parameters:
    ///   - peers: the nodes to ask (duplicates are asked once).
    ///   - deadline: how long the whole round may take.
    /// - Returns: one report per peer.
    public func allNodesHealth(peers: [PeerID], deadline: Duration) async -> [PeerID: NodeHealth] {
        let unique = Array(Set(peers))
        var results: [PeerID: NodeHealth] = [:]
        await withTaskGroup(of: (PeerID, NodeHealth)?.self) { group in
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            for peer in unique {
                group.addTask {
                    do {
                        return (peer, try await self.health(of: peer, timeout: deadline))
                    } catch {
                        return (peer, .unreachable(peer.description, at: self.wallClock(), error: "\(error)"))
                    }
                }
            }
            while let next = await group.next() {
                guard let entry = next else {
                    group.cancelAll()
                    break
                }
                results[entry.0] = entry.1
                if results.count == unique.count {
                    group.cancelAll()
                    break
                }
            }
        }
        for peer in unique where results[peer] == nil {
            results[peer] = .unreachable(peer.description, at: wallClock(), error: "no answer within \(deadline)")
        }
        return results
    }

    // MARK: - History

    /// The stored samples of `node` (this node when nil) between two times.
    public func performanceMetrics(
        node: PeerID? = nil,
        from: Date,
        to: Date,
        metrics: [HealthMetric] = HealthMetric.allCases
    ) -> [MetricSeries] {
        let series = state.withLock { $0.series[node ?? host.peerID] }
        return series?.query(from: from, to: to, metrics: metrics)
            ?? metrics.map { MetricSeries(metric: $0, samples: []) }
    }

    /// The trend of each metric of `node` between two times (rule: ``TrendAnalysis``).
    public func analyzeTrends(
        node: PeerID? = nil,
        from: Date,
        to: Date,
        metrics: [HealthMetric] = HealthMetric.allCases,
        threshold: Double = TrendAnalysis.defaultThreshold
    ) -> [MetricTrend] {
        performanceMetrics(node: node, from: from, to: to, metrics: metrics).map {
            TrendAnalysis.trend(of: $0, threshold: threshold)
        }
    }
}
