import ShoalKadSim
import ShoalKademlia
import ShoalTestKit
import Testing

@Suite("Kademlia simulation")
struct KadSimulationTests {
    /// A small network on the same timeline as the 10,000-node runs (refresh included), fewer lookups.
    static func settings(nodes: Int, seed: UInt64, churn: Double = 0, loss: Double = 0) -> KadScenarios.Settings {
        var settings = KadScenarios.Settings()
        settings.nodes = nodes
        settings.seed = seed
        settings.joinDuration = .seconds(120)
        settings.settleDuration = .seconds(720)
        settings.providerKeys = 30
        settings.findLookups = 150
        settings.providerLookups = 150
        settings.window = .seconds(300)
        settings.churnFraction = churn
        settings.cluster.loss = loss
        return settings
    }

    static func summary(_ report: KadScenarios.Report) -> String {
        "FIND_NODE \(report.findSuccesses)/\(report.findCount), GET_PROVIDERS "
            + "\(report.providerSuccesses)/\(report.providerCount), hops p50 "
            + "\(KadScenarios.percentile(report.findHops, 0.5) ?? -1), messages p50 "
            + "\(KadScenarios.percentile(report.findMessages, 0.5) ?? -1), crashes \(report.crashes), "
            + "abandoned \(report.abandoned), failures \(report.failures)"
    }

    @Test("600 nodes, no churn, no loss: every FIND_NODE returns the true 20 closest, every provider is found")
    func healthy() {
        let report = KadScenarios.run(Self.settings(nodes: 600, seed: 11))
        print("kad-sim 600 healthy: \(Self.summary(report))")
        #expect(report.findCount == 150 && report.providerCount == 150)
        #expect(report.findSuccesses == report.findCount)
        #expect(report.providerSuccesses == report.providerCount)
        #expect((KadScenarios.percentile(report.findHops, 0.5) ?? 99) <= 4)
        #expect(report.counters.refreshLookups > 0)
        #expect(report.counters.timeouts == 0)
    }

    @Test("600 nodes, 10% churn (crashed, replaced by new identities), 1% loss: at least 97% succeed")
    func churnAndLoss() {
        let report = KadScenarios.run(Self.settings(nodes: 600, seed: 12, churn: 0.1, loss: 0.01))
        print("kad-sim 600 churn: \(Self.summary(report))")
        #expect(report.crashes == 60)
        #expect(report.findCount + report.providerCount + report.abandoned == 300)
        #expect(report.findCount >= 140 && report.providerCount >= 140)
        #expect(Double(report.findSuccesses) >= 0.97 * Double(report.findCount))
        #expect(Double(report.providerSuccesses) >= 0.97 * Double(report.providerCount))
        // Churn was felt: timeouts, lost messages and entry corrections happened.
        #expect(report.counters.timeouts > 0)
        #expect((report.network?.lost ?? 0) > 0)
        #expect(report.counters.identityMismatches > 0)
    }

    @Test("same seed, same figures; another seed, other figures")
    func deterministic() {
        var settings = Self.settings(nodes: 200, seed: 13, churn: 0.1, loss: 0.01)
        settings.findLookups = 40
        settings.providerLookups = 40
        let a = KadScenarios.run(settings)
        let b = KadScenarios.run(settings)
        #expect(a.findHops == b.findHops && a.findMessages == b.findMessages && a.findSeconds == b.findSeconds)
        #expect(a.providerHops == b.providerHops && a.providerMessages == b.providerMessages)
        #expect(a.findSuccesses == b.findSuccesses && a.providerSuccesses == b.providerSuccesses)
        #expect(a.counters == b.counters && a.events == b.events)
        settings.seed = 14
        let c = KadScenarios.run(settings)
        #expect(c.findSeconds != a.findSeconds)
    }
}
