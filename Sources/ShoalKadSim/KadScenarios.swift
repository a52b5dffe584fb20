import ShoalKademlia
public import ShoalTestKit

// MARK: - Scenarios

/// The measured DHT scenarios of issue #4, shared by the tests and the `kad-sim` runner.
///
/// Timeline (virtual time): three bootstrap nodes start at 0; the other nodes start one by one over
/// ``Settings/joinDuration`` (each learns the bootstrap nodes and looks up its own ID); the network then runs
/// ``Settings/settleDuration`` so that every node's first bucket refresh (10 min after its start) has run. Then
/// ``Settings/providerKeys`` random nodes each `provide()` a random key; one minute later the measurement window
/// of ``Settings/window`` starts, in which ``Settings/findLookups`` FIND_NODE (random live origin, random key)
/// and ``Settings/providerLookups`` GET_PROVIDERS (random live origin, one of the provided keys) start at
/// uniformly random times. With churn, ``Settings/churnFraction`` of the nodes (never a bootstrap node or a
/// provider) crash at uniformly random times from the provide phase to the end of the window, each replaced
/// ``Settings/replaceDelay`` later by a fresh node (new identity, same address) that joins like the others.
public enum KadScenarios {
    /// What to run.
    public struct Settings: Sendable {
        /// Nodes (slots).
        public var nodes = 10_000
        /// The seed: same seed, same figures.
        public var seed: UInt64 = 1
        /// The cluster's tunables (lookup, routing table, latency, loss).
        public var cluster = KadCluster.Configuration()
        /// Nodes start evenly over this virtual time.
        public var joinDuration: Duration = .seconds(300)
        /// Virtual time after the last start before the provide phase (the default covers the refresh interval,
        /// 10 min, plus one maintenance period with its jitter: every node has refreshed its buckets once).
        public var settleDuration: Duration = .seconds(680)
        /// Keys provided (one provider each).
        public var providerKeys = 200
        /// FIND_NODE lookups measured.
        public var findLookups = 1_000
        /// GET_PROVIDERS lookups measured.
        public var providerLookups = 1_000
        /// The measurement window.
        public var window: Duration = .seconds(120)
        /// The fraction of nodes that crash (and are replaced).
        public var churnFraction = 0.0
        /// How long a crashed slot stays empty before its replacement starts.
        public var replaceDelay: Duration = .seconds(30)
        /// Crashes happen at uniformly random times in the last `churnDuration` before the end of the window
        /// (never before the join phase ends). Nil (the default, concentrated churn): from the provide phase to the
        /// end of the window, 3 minutes with the default timings.
        public var churnDuration: Duration?
        /// How many failed lookups the report describes (``Report/failures``).
        public var failureDescriptions = 5

        /// The defaults: 10,000 nodes, no churn, no loss.
        public init() {}
    }

    /// The figures of one run.
    public struct Report: Sendable {
        /// FIND_NODE lookups that ended (origin still live).
        public var findCount = 0
        /// Of those, how many returned the true k closest live peers.
        public var findSuccesses = 0
        /// GET_PROVIDERS lookups that ended.
        public var providerCount = 0
        /// Of those, how many found the provider.
        public var providerSuccesses = 0
        /// Measured lookups dropped because their origin crashed.
        public var abandoned = 0
        /// Hops of each FIND_NODE.
        public var findHops: [Double] = []
        /// Requests sent by each FIND_NODE.
        public var findMessages: [Double] = []
        /// Virtual seconds of each FIND_NODE.
        public var findSeconds: [Double] = []
        /// Hops of each GET_PROVIDERS.
        public var providerHops: [Double] = []
        /// Requests sent by each GET_PROVIDERS.
        public var providerMessages: [Double] = []
        /// Virtual seconds of each GET_PROVIDERS.
        public var providerSeconds: [Double] = []
        /// Nodes crashed (and replaced).
        public var crashes = 0
        /// Events the simulator handled.
        public var events = 0
        /// The cluster's counters at the end.
        public var counters = KadCluster.Counters()
        /// Network counters at the end.
        public var network: NetworkSimulator<UInt32>.Counters?
        /// Mean routing-table size at the start of the measurement window.
        public var meanTableSize = 0.0
        /// Descriptions of the first few failed lookups, for diagnosis.
        public var failures: [String] = []

        /// An empty report.
        public init() {}
    }

    static let second: UInt64 = 1_000_000_000

    /// Runs one scenario.
    public static func run(_ settings: Settings) -> Report {
        let n = settings.nodes
        precondition(n > 3, "at least four nodes")
        let cluster = KadCluster(slots: n, seed: settings.seed, configuration: settings.cluster)
        var report = Report()
        let k = settings.cluster.lookup.resultCount

        // Join phase.
        cluster.startBootstrapNodes([0, 1, 2])
        let joinEnd = KadCluster.nanoseconds(settings.joinDuration)
        let spacing = joinEnd / UInt64(n)
        for slot in 3..<n {
            cluster.at(UInt64(slot) * spacing) { $0.start(slot) }
        }
        let provideAt = joinEnd + KadCluster.nanoseconds(settings.settleDuration)
        let windowStart = provideAt + 60 * second
        let windowLength = KadCluster.nanoseconds(settings.window)
        let windowEnd = windowStart + windowLength

        // Providers: distinct non-bootstrap slots, never crashed.
        var protected = Set([0, 1, 2])
        var providerOf: [[UInt8]: KadPeerID] = [:]
        var keys: [[UInt8]] = []
        var providerSlots: [Int] = []
        while providerSlots.count < min(settings.providerKeys, n - 3) {
            let slot = 3 + cluster.draw(n - 3)
            if protected.insert(slot).inserted { providerSlots.append(slot) }
        }
        for (index, slot) in providerSlots.enumerated() {
            let key = cluster.randomKey()
            keys.append(key)
            cluster.at(provideAt + UInt64(index) * (10 * second / UInt64(max(providerSlots.count, 1)))) { c in
                providerOf[key] = c.peerID(slot)
                c.provide(from: slot, key: key)
            }
        }
        cluster.at(windowStart) { c in
            var total = 0
            var live = 0
            for slot in 0..<n {
                if let table = c.routingTable(slot) {
                    total += table.count
                    live += 1
                }
            }
            report.meanTableSize = Double(total) / Double(max(live, 1))
        }

        // Churn.
        let crashCount = Int(Double(n) * settings.churnFraction)
        var victims: [Int] = []
        var chosen = protected
        while victims.count < crashCount && chosen.count < n {
            let slot = cluster.draw(n)
            if chosen.insert(slot).inserted { victims.append(slot) }
        }
        let churnStart =
            settings.churnDuration.map { windowEnd - min(KadCluster.nanoseconds($0), windowEnd - joinEnd) }
            ?? provideAt
        for slot in victims {
            let at = churnStart + cluster.sim.random.next(upperBound: windowEnd - churnStart)
            cluster.at(at) { $0.crash(slot) }
            cluster.at(at + KadCluster.nanoseconds(settings.replaceDelay)) { $0.replace(slot) }
        }
        report.crashes = victims.count

        // Measured lookups.
        struct Started {
            var origin: Int
            var startedAt: UInt64
        }
        var started: [UInt64: Started] = [:]
        func randomLiveSlot(_ c: KadCluster) -> Int {
            for _ in 0..<10_000 {
                let slot = c.draw(n)
                if c.isLive(slot) { return slot }
            }
            return 0
        }
        var token: UInt64 = 0
        for index in 0..<(settings.findLookups + settings.providerLookups) {
            let at = windowStart + cluster.sim.random.next(upperBound: windowLength)
            let isFind = index < settings.findLookups
            let keyIndex = keys.isEmpty ? 0 : cluster.draw(keys.count)
            token += 1
            let mine = token
            cluster.at(at) { c in
                let origin = randomLiveSlot(c)
                started[mine] = Started(origin: origin, startedAt: c.now)
                if isFind {
                    c.findNode(from: origin, key: c.randomKey(), token: mine)
                } else if !keys.isEmpty {
                    c.findProviders(from: origin, key: keys[keyIndex], token: mine)
                }
            }
        }

        cluster.onOutcome = { outcome in
            started[outcome.token] = nil
            let seconds = Double(outcome.finishedAt - outcome.startedAt) / 1e9
            switch outcome.kind {
            case .findNode:
                report.findCount += 1
                report.findHops.append(Double(outcome.statistics.hops))
                report.findMessages.append(Double(outcome.statistics.requestsSent))
                report.findSeconds.append(seconds)
                if findSucceeded(outcome, cluster: cluster, k: k) {
                    report.findSuccesses += 1
                } else if report.failures.count < settings.failureDescriptions {
                    report.failures.append(describe(outcome, cluster: cluster, k: k))
                }
            case .getProviders:
                report.providerCount += 1
                report.providerHops.append(Double(outcome.statistics.hops))
                report.providerMessages.append(Double(outcome.statistics.requestsSent))
                report.providerSeconds.append(seconds)
                if let provider = providerOf[outcome.key], outcome.providers.contains(provider) {
                    report.providerSuccesses += 1
                } else if report.failures.count < settings.failureDescriptions {
                    report.failures.append(
                        "GET_PROVIDERS from slot \(outcome.origin): none found after "
                            + "\(outcome.statistics.requestsSent) requests, \(outcome.statistics.timeouts) timeouts"
                    )
                }
            }
        }
        report.events = cluster.run(until: windowEnd + 120 * second)
        report.abandoned = started.count
        report.counters = cluster.counters
        report.network = cluster.sim.counters
        return report
    }

    // MARK: - Success

    /// FIND_NODE success: the live peers returned are exactly the closest live peers, with nothing missing.
    ///
    /// Live = running at the end of the lookup and started before it began (the origin left out). Peers in the
    /// result that crashed after answering are not held against the lookup; any other shortfall is. Without churn
    /// this is "returns exactly the true k closest".
    static func findSucceeded(_ outcome: KadCluster.Outcome, cluster: KadCluster, k: Int) -> Bool {
        let eligible: (Int) -> Bool = { slot in
            slot != outcome.origin && (cluster.startedAt(slot).map { $0 <= outcome.startedAt } ?? false)
        }
        let truth = cluster.trueClosest(to: KadKey(hashing: outcome.key), count: k, where: eligible)
        let foundLive = outcome.closest.filter { id in cluster.slot(of: id).map(eligible) ?? false }
        guard foundLive == Array(truth.prefix(foundLive.count)) else { return false }
        return outcome.closest.count >= truth.count
    }

    static func describe(_ outcome: KadCluster.Outcome, cluster: KadCluster, k: Int) -> String {
        let eligible: (Int) -> Bool = { slot in
            slot != outcome.origin && (cluster.startedAt(slot).map { $0 <= outcome.startedAt } ?? false)
        }
        let truth = cluster.trueClosest(to: KadKey(hashing: outcome.key), count: k, where: eligible)
        let missing = truth.enumerated().filter { !outcome.closest.contains($0.element) }
        let details = missing.map { rank, id -> String in
            let slot = cluster.slot(of: id) ?? -1
            let age = Double(outcome.startedAt - (cluster.startedAt(slot) ?? 0)) / 1e9
            var knownBy = 0
            for other in 0..<cluster.slotCount where cluster.routingTable(other)?.contains(id) == true { knownBy += 1 }
            return "rank \(rank) (started \(age) s before, in \(knownBy) tables)"
        }
        let stale = outcome.closest.filter { cluster.slot(of: $0) == nil }.count
        // The tables around the target when the lookup ended: what each one's k closest to the key are (the
        // rank among the eligible peers, "n" a peer started since the lookup began, "x" a gone one, "f" farther,
        // "?" a suspect), and whether they list the missing peers.
        let key = KadKey(hashing: outcome.key)
        let extended = cluster.trueClosest(to: key, count: 3 * k, where: eligible)
        func label(_ id: KadPeerID, _ table: KadRoutingTable) -> String {
            let mark = table.isSuspect(id, now: .nanoseconds(Int64(cluster.now))) ? "?" : ""
            guard let slot = cluster.slot(of: id) else { return "x" + mark }
            if !eligible(slot) { return "n" + mark }
            return (extended.firstIndex(of: id).map(String.init) ?? "f") + mark
        }
        let around = truth.prefix(2).compactMap { id -> String? in
            guard let slot = cluster.slot(of: id), let table = cluster.routingTable(slot) else { return nil }
            let listed = table.closest(to: key, count: k).map(\.id)
            return "[" + listed.map { label($0, table) }.joined(separator: " ") + "]"
        }
        let result = outcome.closest.map { id in
            cluster.slot(of: id).map { eligible($0) ? (extended.firstIndex(of: id).map(String.init) ?? "f") : "n" }
                ?? "x"
        }
        return "FIND_NODE from slot \(outcome.origin): \(outcome.closest.count) returned (\(stale) since gone), "
            + "missing \(details), \(outcome.statistics.requestsSent) requests, "
            + "\(outcome.statistics.timeouts) timeouts, \(outcome.statistics.failures) failures; "
            + "result [\(result.joined(separator: " "))]; closest 2 tables: \(around.joined(separator: " "))"
    }
}
