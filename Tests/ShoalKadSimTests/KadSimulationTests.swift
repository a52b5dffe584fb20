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
        settings.findLookups = 100
        settings.providerLookups = 100
        settings.window = .seconds(300)
        settings.churnFraction = churn
        settings.cluster.loss = loss
        return settings
    }

    static func summary(_ report: KadScenarios.Report) -> String {
        "FIND_NODE \(report.findSuccesses)/\(report.findCount), GET_PROVIDERS "
            + "\(report.providerSuccesses)/\(report.providerCount), hops p50 "
            + "\(SimStatistics.percentile(report.findHops, 0.5) ?? -1), messages p50 "
            + "\(SimStatistics.percentile(report.findMessages, 0.5) ?? -1), crashes \(report.crashes), "
            + "abandoned \(report.abandoned), failures \(report.failures)"
    }

    @Test("150 nodes, no churn, no loss: every FIND_NODE returns the true 20 closest, every provider is found")
    func healthy() {
        let report = KadScenarios.run(Self.settings(nodes: 150, seed: 11))
        print("kad-sim 150 healthy: \(Self.summary(report))")
        #expect(report.findCount == 100 && report.providerCount == 100)
        #expect(report.findSuccesses == report.findCount)
        #expect(report.providerSuccesses == report.providerCount)
        #expect((SimStatistics.percentile(report.findHops, 0.5) ?? 99) <= 4)
        #expect(report.counters.refreshLookups > 0)
        #expect(report.counters.timeouts == 0)
    }

    @Test("150 nodes, 10% churn (crashed, replaced by new identities), 1% loss: 90% of FIND_NODE, 95% of GET_PROVIDERS")
    func churnAndLoss() {
        let report = KadScenarios.run(Self.settings(nodes: 150, seed: 12, churn: 0.1, loss: 0.01))
        print("kad-sim 150 churn: \(Self.summary(report))")
        #expect(report.crashes == 15)
        #expect(report.findCount + report.providerCount + report.abandoned == 200)
        #expect(report.findCount >= 90 && report.providerCount >= 90)
        // Loss can drop both attempts to a live peer and stale entries of crashed nodes can crowd replies: FIND_NODE
        // may fall below the healthy 100% (99.3% at 10,000 nodes, see kad-sim churn); GET_PROVIDERS needs one of
        // 20 holders.
        #expect(Double(report.findSuccesses) >= 0.90 * Double(report.findCount))
        #expect(Double(report.providerSuccesses) >= 0.95 * Double(report.providerCount))
        // Churn was felt: timeouts, lost messages and entry corrections happened.
        #expect(report.counters.timeouts > 0)
        #expect((report.network?.lost ?? 0) > 0)
        #expect(report.counters.identityMismatches > 0)
    }

    @Test("responder hygiene checks listed entries: more liveness checks, more crashed peers evicted, same seed")
    func responderHygiene() {
        var plain = Self.settings(nodes: 100, seed: 12, churn: 0.1, loss: 0.01)
        plain.findLookups = 40
        plain.providerLookups = 40
        var hygienic = plain
        hygienic.cluster.routingTable.verifyListedAfter = .seconds(30)
        let without = KadScenarios.run(plain)
        let with = KadScenarios.run(hygienic)
        print("kad-sim 100 churn, hygiene off: \(Self.summary(without)); on: \(Self.summary(with))")
        #expect(with.counters.livenessChecks > without.counters.livenessChecks)
        #expect(with.counters.livenessFailures > without.counters.livenessFailures)
        #expect(Double(with.findSuccesses) >= 0.90 * Double(with.findCount))
        #expect(Double(with.providerSuccesses) >= 0.95 * Double(with.providerCount))
    }

    @Test("requests to a crashed node's address are refused by default (fast); the silent model times them out")
    func crashModels() {
        var refused = Self.settings(nodes: 100, seed: 15, churn: 0.1, loss: 0)
        refused.findLookups = 40
        refused.providerLookups = 10
        var silent = refused
        silent.cluster.crashModel = .silent
        let fast = KadScenarios.run(refused)
        let slow = KadScenarios.run(silent)
        print("kad-sim 100 churn, refused: \(Self.summary(fast)); silent: \(Self.summary(slow))")
        #expect(fast.counters.connectionsRefused > 0)
        #expect(slow.counters.connectionsRefused == 0)
        // Without loss, timeouts come from crashed nodes: the silent model has far more, and its lookups wait.
        #expect(fast.counters.timeouts < slow.counters.timeouts)
        let fastest = SimStatistics.percentile(fast.findSeconds, 0.99) ?? .infinity
        let slowest = SimStatistics.percentile(slow.findSeconds, 0.99) ?? 0
        #expect(fastest < slowest)
        #expect(Double(fast.findSuccesses) >= 0.90 * Double(fast.findCount))
    }

    @Test("same seed, same figures; another seed, other figures")
    func deterministic() {
        // A short timeline (no bucket refresh yet): determinism does not need it.
        var settings = Self.settings(nodes: 100, seed: 13, churn: 0.1, loss: 0.01)
        settings.joinDuration = .seconds(30)
        settings.settleDuration = .seconds(30)
        settings.window = .seconds(60)
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

    @Test("a provider re-announces at 22 h; a record nobody republishes expires after 48 h and is collected")
    func republishAndExpiry() throws {
        let second: UInt64 = 1_000_000_000
        let hour = 3_600 * second
        var configuration = KadCluster.Configuration()
        configuration.routingTable = .init(refreshInterval: .seconds(6 * 3_600))
        configuration.maintenanceInterval = .seconds(600)
        let cluster = KadCluster(slots: 20, seed: 21, configuration: configuration)
        cluster.startBootstrapNodes([0, 1, 2])
        for slot in 3..<20 { cluster.at(UInt64(slot) * second) { $0.start(slot) } }
        let kept = cluster.randomKey()
        let dropped = cluster.randomKey()
        cluster.at(60 * second) { cluster in
            cluster.provide(from: 5, key: kept)
            cluster.provide(from: 6, key: dropped)
        }
        // The provider of `dropped` goes away: nobody announces it again.
        cluster.at(120 * second) { $0.crash(6) }
        func holders(_ key: [UInt8]) -> Int {
            let now = Duration.nanoseconds(Int64(cluster.now))
            return (0..<20).filter { !(cluster.providerStore($0)?.providers(for: key, now: now).isEmpty ?? true) }.count
        }
        cluster.run(until: 2 * hour)
        #expect(holders(kept) >= 10 && holders(dropped) >= 10)
        cluster.run(until: 22 * hour)
        #expect(cluster.counters.republishes == 0)
        cluster.run(until: 23 * hour)
        #expect(cluster.counters.republishes == 1)
        #expect(cluster.republisher(5)?.due(now: .nanoseconds(Int64(cluster.now))).isEmpty == true)
        // 48 h after the first announcement: `kept` was refreshed at 22 h (and 44 h), `dropped` has expired, and
        // the hourly GC has removed its records from every store.
        cluster.run(until: 50 * hour)
        #expect(cluster.counters.republishes == 2)
        #expect(holders(kept) >= 10)
        #expect(holders(dropped) == 0)
        let stored = (0..<20).compactMap { cluster.providerStore($0) }
        #expect(stored.reduce(0) { $0 + $1.recordCount } == holders(kept))
        #expect(cluster.counters.collectedRecords >= 10)
    }
}
