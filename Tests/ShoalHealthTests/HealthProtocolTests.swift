import Foundation
import MetricsTestKit
import ShoalCore
import ShoalHealth
import ShoalHost
import ShoalMultiformats
import ShoalTransport
import Testing

@Suite("Health protocol between hosts on 127.0.0.1")
struct HealthProtocolTests {
    static func configuration() throws -> HostConfiguration {
        HostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
    }

    @Test("a node asks another for its health; the answer is stored in that node's series")
    func askPeer() async throws {
        try await withHost(try Self.configuration()) { a in
            try await withHost(try Self.configuration()) { b in
                let monitorA = HealthMonitor(host: a)
                let monitorB = HealthMonitor(host: b)
                monitorB.register()
                monitorB.collect()
                _ = try await a.connect(b.dialableAddresses[0])
                let health = try await monitorA.health(of: b.peerID)
                #expect(health.peer == b.peerID.description)
                #expect(health.status != .unreachable)
                #expect(health.connections >= 1)
                #expect(health.usage.memoryPercent > 0)
                #expect(health.uptimeSeconds >= 0)
                let stored = monitorA.performanceMetrics(
                    node: b.peerID,
                    from: .distantPast,
                    to: .distantFuture,
                    metrics: [.connections]
                )
                #expect(stored[0].samples.count == 1)
                // a itself does not serve the protocol: b asking a fails, and is reported unreachable.
                let round = await monitorB.allNodesHealth(peers: [a.peerID], deadline: .seconds(5))
                #expect(round[a.peerID]?.status == .unreachable)
            }
        }
    }

    @Test("allNodesHealth: answering, silent and unknown peers all get an entry within the deadline")
    func deadline() async throws {
        try await withHost(try Self.configuration()) { asker in
            try await withHost(try Self.configuration()) { good in
                try await withHost(try Self.configuration()) { silent in
                    HealthMonitor(host: good).register()
                    // The silent node reads the request and answers nothing until after the asker's deadline
                    // (the host waits for its handlers at shutdown, so the wait is bounded: 11 s).
                    silent.register(HealthProtocol.protocolID) { stream in
                        _ = try await stream.readMessage(maximumLength: 1_024)
                        try await Task.sleep(for: .seconds(11))
                    }
                    _ = try await asker.connect(good.dialableAddresses[0])
                    _ = try await asker.connect(silent.dialableAddresses[0])
                    let unknown = PrivateKey().peerID
                    let monitor = HealthMonitor(host: asker)
                    let start = ContinuousClock.now
                    let result = await monitor.allNodesHealth(
                        peers: [good.peerID, silent.peerID, unknown],
                        deadline: .seconds(10)
                    )
                    let elapsed = start.duration(to: .now)
                    // The silent peer holds the round until the deadline, and no longer (slack for a loaded machine).
                    // The deadline is generous: the suite runs beside CPU-heavy suites in debug builds.
                    #expect(elapsed >= .seconds(10))
                    #expect(elapsed < .seconds(18))
                    #expect(result.count == 3)
                    #expect(result[good.peerID]?.status != .unreachable, "\(result[good.peerID]?.error ?? "")")
                    #expect(result[silent.peerID]?.status == .unreachable)
                    #expect(result[unknown]?.status == .unreachable)
                    #expect(result[silent.peerID]?.error != nil)
                }
            }
        }
    }

    @Test("collect fills this node's series; HealthService collects periodically until cancelled")
    func periodic() async throws {
        try await withHost(try Self.configuration()) { host in
            let metrics = TestMetrics()
            let monitor = HealthMonitor(host: host, retentionDays: 1, metricsFactory: metrics)
            let service = HealthService(monitor: monitor, interval: .milliseconds(20))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                // Wait for three collections (bounded: 30 s), rather than a fixed time a loaded machine may miss.
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(30)
                while clock.now < deadline,
                    monitor.performanceMetrics(from: .distantPast, to: .distantFuture, metrics: [.cpuPercent])[0]
                        .samples.count < 3
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
                try await group.waitForAll()
            }
            let series = monitor.performanceMetrics(from: .distantPast, to: .distantFuture, metrics: [.cpuPercent])
            #expect(series[0].samples.count >= 3)
            #expect(series[0].samples.allSatisfy { $0.value >= 0 && $0.value <= 100 })
            let trends = monitor.analyzeTrends(from: .distantPast, to: .distantFuture)
            #expect(trends.count == HealthMetric.allCases.count)
            // Every collection was exported as swift-metrics gauges (on the injected factory, no bootstrap).
            let memory = try metrics.expectGauge("shoal_health_memory_percent")
            #expect(memory.values.count == series[0].samples.count)
            #expect(memory.lastValue.map { $0 > 0 && $0 <= 100 } == true)
            #expect(try metrics.expectGauge("shoal_health_connections").lastValue == 0)
        }
    }
}
