public import ServiceLifecycle

/// Runs ``HealthMonitor/collect()`` every `interval` (`health_check_interval`) until cancelled or a graceful
/// shutdown begins.
public struct HealthService: Service {
    /// The monitor that collects.
    public let monitor: HealthMonitor
    /// The time between collections.
    public let interval: Duration

    /// Creates the service.
    /// - Parameters:
    ///   - monitor: the monitor that collects.
    ///   - interval: the time between collections (at least 10 ms).
    public init(monitor: HealthMonitor, interval: Duration) {
        self.monitor = monitor
        self.interval = max(.milliseconds(10), interval)
    }

    /// Collects until cancelled or shut down gracefully.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                monitor.collect()
                try await Task.sleep(for: interval)
            }
        }
    }
}
