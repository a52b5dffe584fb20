import Metrics

/// The swift-metrics gauges a ``HealthMonitor`` updates on every collection. They go to whatever backend the
/// executable bootstrapped `MetricsSystem` with (none: no-op); the library never bootstraps it.
struct HealthGauges: Sendable {
    private let gauges: [(HealthMetric, Gauge)]

    init() {
        gauges = HealthMetric.allCases.map { ($0, Gauge(label: "shoal_health_\($0.rawValue)")) }
    }

    func export(_ health: NodeHealth) {
        for (metric, gauge) in gauges {
            gauge.record(metric.value(in: health))
        }
    }
}
