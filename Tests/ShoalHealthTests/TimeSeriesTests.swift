import Foundation
import ShoalCore
import ShoalHealth
import Testing

@Suite("Health time series and trends")
struct TimeSeriesTests {
    static func report(at seconds: Double, cpu: Double, connections: Int = 1) -> NodeHealth {
        NodeHealth(
            peer: "p",
            status: .healthy,
            usage: SystemUsage(
                cpuPercent: cpu,
                memoryPercent: 50,
                diskPercent: 40,
                networkInKBps: 0,
                networkOutKBps: 0
            ),
            uptimeSeconds: seconds,
            connections: connections,
            streams: 0,
            timestamp: Date(timeIntervalSince1970: 1_000_000 + seconds)
        )
    }

    @Test("retention drops reports older than the window; capacity bounds the count")
    func retention() {
        var series = MetricsTimeSeries(retentionDays: 1, capacity: 1_000)
        for hour in 0..<48 {
            series.append(Self.report(at: Double(hour) * 3600, cpu: 10))
        }
        // Newest at 47 h: everything from 23 h on is within one day.
        #expect(series.reports.count == 25)
        #expect(series.reports.first.map(\.uptimeSeconds) == Double(23 * 3600))
        var small = MetricsTimeSeries(retentionDays: 7, capacity: 10)
        for minute in 0..<100 { small.append(Self.report(at: Double(minute) * 60, cpu: 1)) }
        #expect(small.reports.count == 10)
        #expect(small.reports.first.map(\.uptimeSeconds) == Double(90 * 60))
        // Out-of-order reports are kept in time order.
        small.append(Self.report(at: 95 * 60 + 30, cpu: 2))
        #expect(small.reports.map(\.timestamp) == small.reports.map(\.timestamp).sorted())
    }

    @Test("query selects the time range and metrics")
    func query() {
        var series = MetricsTimeSeries(retentionDays: 7)
        for i in 0..<10 { series.append(Self.report(at: Double(i) * 60, cpu: Double(i), connections: i)) }
        let result = series.query(
            from: Date(timeIntervalSince1970: 1_000_000 + 120),
            to: Date(timeIntervalSince1970: 1_000_000 + 300),
            metrics: [.cpuPercent, .connections]
        )
        #expect(result.map(\.metric) == [.cpuPercent, .connections])
        #expect(result[0].samples.map(\.value) == [2, 3, 4, 5])
        #expect(result[1].samples.map(\.value) == [2, 3, 4, 5])
    }

    @Test("trend rule: least-squares slope relative to the mean per hour vs 5 %")
    func trends() {
        func series(_ values: [Double], every seconds: Double = 600) -> MetricSeries {
            MetricSeries(
                metric: .cpuPercent,
                samples: values.enumerated().map {
                    MetricSample(time: Date(timeIntervalSince1970: Double($0.offset) * seconds), value: $0.element)
                }
            )
        }
        // 10 → 20 over 1 h (6 steps of 10 min): slope 10/h, mean 15: relative 0.667 → rising.
        let rising = TrendAnalysis.trend(of: series([10, 11.667, 13.333, 15, 16.667, 18.333, 20]))
        #expect(rising.direction == .rising)
        #expect(abs(rising.slopePerHour - 10) < 0.01)
        #expect(abs(rising.mean - 15) < 0.01)
        let falling = TrendAnalysis.trend(of: series([20, 18, 16, 14]))
        #expect(falling.direction == .falling)
        // 50 ± noise, slope ~0.4 %/h of the mean: stable.
        let stable = TrendAnalysis.trend(of: series([50, 50.1, 49.9, 50.05, 50.1, 50.0], every: 3600))
        #expect(stable.direction == .stable)
        // The same absolute slope near zero uses the floor of 1: 0.01/h → stable.
        let nearZero = TrendAnalysis.trend(of: series([0, 0.01, 0.02], every: 3600))
        #expect(nearZero.direction == .stable)
        #expect(TrendAnalysis.trend(of: series([1, 2])).direction == .insufficientData)
        let sameInstant = TrendAnalysis.trend(of: series([1, 2, 3], every: 0))
        #expect(sameInstant.direction == .insufficientData)
        // Threshold is a parameter.
        #expect(TrendAnalysis.trend(of: series([50, 50.5, 51], every: 3600), threshold: 0.001).direction == .rising)
    }

    @Test("health messages round-trip; bad, oversized and lying messages are refused")
    func protocolMessages() throws {
        let health = Self.report(at: 10, cpu: 12.5)
        let decoded = try HealthProtocol.decodeResponse(try HealthProtocol.encodeResponse(health))
        #expect(decoded == health)
        #expect(try HealthProtocol.decodeRequest(HealthProtocol.encodeRequest()) == 1)
        #expect(throws: (any Error).self) { try HealthProtocol.decodeRequest(Array("{".utf8)) }
        #expect(throws: (any Error).self) { try HealthProtocol.decodeRequest(Array(#"{"version":2}"#.utf8)) }
        #expect(throws: (any Error).self) { try HealthProtocol.decodeRequest([UInt8](repeating: 32, count: 300)) }
        #expect(throws: (any Error).self) {
            try HealthProtocol.decodeResponse([UInt8](repeating: 32, count: HealthProtocol.maximumResponseLength + 1))
        }
        var lying = health
        lying.status = .unreachable
        #expect(throws: (any Error).self) {
            try HealthProtocol.decodeResponse(try HealthProtocol.encodeResponse(lying))
        }
        var negative = health
        negative.usage.cpuPercent = -1
        #expect(throws: (any Error).self) {
            try HealthProtocol.decodeResponse(try HealthProtocol.encodeResponse(negative))
        }
        var newer = health
        newer.version = 2
        #expect(throws: (any Error).self) {
            try HealthProtocol.decodeResponse(try HealthProtocol.encodeResponse(newer))
        }
        // Seeded truncations of a valid response never crash.
        let bytes = try HealthProtocol.encodeResponse(health)
        for cut in 0..<bytes.count {
            #expect(throws: (any Error).self) { try HealthProtocol.decodeResponse(Array(bytes.prefix(cut))) }
        }
    }
}

@Suite("Health message fuzzing")
struct HealthFuzzTests {
    @Test("10,000 seeded byte mutations of a report decode or throw, never trap")
    func mutations() throws {
        var generator = SplitMix64(seed: 99)
        let base = try HealthProtocol.encodeResponse(TimeSeriesTests.report(at: 5, cpu: 33))
        var accepted = 0
        for _ in 0..<10_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if let health = try? HealthProtocol.decodeResponse(bytes) {
                accepted += 1
                #expect(health.status != .unreachable)
                #expect(health.usage.cpuPercent.isFinite && health.usage.cpuPercent >= 0)
            }
        }
        #expect(accepted < 10_000)
    }
}
