import Metrics

/// The swift-metrics gauges a ``HealthMonitor`` updates on every collection. They go to whatever backend the
/// executable bootstrapped `MetricsSystem` with (none: no-op); the library never bootstraps it.
struct HealthGauges: Sendable {
    private let gauges: [(HealthMetric, Gauge)]

    /// Creates the gauges on `factory`, or on the bootstrapped `MetricsSystem` when nil.
    init(factory: (any MetricsFactory)?) {
        gauges = HealthMetric.allCases.map { metric in
            let label = "shoal_health_\(metric.rawValue)"
            if let factory { return (metric, Gauge(label: label, factory: factory)) }
            return (metric, Gauge(label: label))
        }
    }

    func export(_ health: NodeHealth) {
        for (metric, gauge) in gauges {
            gauge.record(metric.value(in: health))
        }
    }
}
