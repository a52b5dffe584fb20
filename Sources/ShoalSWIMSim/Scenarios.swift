import ShoalCore
public import ShoalSWIM
import ShoalTestKit

// MARK: - Scenarios

/// The measured scenarios of the SWIM issue, shared by the tests and the `swim-sim` runner.
public enum SWIMScenarios {
    static let second: UInt64 = 1_000_000_000

    // MARK: - Crash detection

    /// The outcome of one crash-detection run.
    public struct CrashResult: Sendable {
        /// Seconds from the crash until each live member marked the crashed one dead.
        public var perMember: [Double]
        /// Seconds until the last live member did (nil if some never did).
        public var allDead: Double?
        /// Live members that never marked it dead within the horizon.
        public var undetected: Int
        /// Healthy members marked dead by anyone (should be 0).
        public var falseDeaths: Int
    }

    /// Crashes one random member after a warm-up and measures when every live member marks it dead.
    public static func crashDetection(
        n: Int,
        seed: UInt64,
        settings: SWIM.Settings = .lan,
        loss: Double = 0,
        horizon: UInt64 = 90 * 1_000_000_000
    ) throws -> CrashResult {
        let cluster = try SWIMCluster(n: n, settings: settings, seed: seed, loss: loss)
        var random = SimRandom(seed: seed ^ 0xC4A5)
        let victim = random.below(n)
        let victimID = cluster.instances[victim].node
        let crashAt = 10 * second + random.next(upperBound: second)
        cluster.run(until: crashAt)
        cluster.crash(victim)
        var detected: [Int: UInt64] = [:]
        var falseDeaths = 0
        cluster.onEvent = { observer, event, now in
            guard event.kind == .dead else { return }
            if event.member.node == victimID {
                if detected[observer] == nil { detected[observer] = now }
            } else {
                falseDeaths += 1
            }
        }
        var t = crashAt
        while detected.count < n - 1, t < crashAt + horizon {
            t += second
            cluster.run(until: t)
        }
        let times = detected.values.map { Double($0 - crashAt) / Double(second) }
        return CrashResult(
            perMember: times,
            allDead: detected.count == n - 1 ? times.max() : nil,
            undetected: n - 1 - detected.count,
            falseDeaths: falseDeaths
        )
    }

    // MARK: - False positives

    /// The outcome of a false-positive run.
    public struct FalsePositiveResult: Sendable {
        /// "Dead" events about healthy members, summed over observers.
        public var deadEvents = 0
        /// Distinct healthy members declared dead by at least one observer.
        public var membersDeclaredDead = 0
        /// "Suspect" events, summed over observers.
        public var suspectEvents = 0
        /// Refutations, summed over members.
        public var refutations = 0
        /// Stalls injected.
        public var stalls = 0
        /// An empty result.
        public init() {}

        /// The stalled member's highest awareness score seen.
        public var stalledMaxAwareness = 0
        /// The largest awareness score seen on any other member.
        public var othersMaxAwareness = 0
        /// Last-chance probes sent (suspicions that reached their timeout), and how many were answered.
        public var verifications = 0
        /// Last-chance probes answered.
        public var verificationsAnswered = 0
        /// Each "dead" event: observer, subject, virtual seconds, whether the subject was the stalling member.
        public var deaths: [(observer: Int, subject: Int, at: Double, subjectStalls: Bool)] = []
    }

    /// N healthy members under uniform loss, one of them stalling 2–5 s at random (every 5–15 s after the
    /// previous stall ends). Nobody crashes, so every "dead" is a false positive. `verify` overrides
    /// ``SWIM/Settings/verifyBeforeDeclaringDead`` (by default it follows `lifeguard`).
    public static func falsePositives(
        n: Int = 32,
        duration: UInt64 = 1800 * 1_000_000_000,
        loss: Double = 0.10,
        lifeguard: Bool,
        verify: Bool? = nil,
        seed: UInt64
    ) throws -> FalsePositiveResult {
        var settings = SWIM.Settings.lan
        settings.lifeguard = lifeguard
        settings.verifyBeforeDeclaringDead = verify ?? lifeguard
        let cluster = try SWIMCluster(n: n, settings: settings, seed: seed, loss: loss)
        var random = SimRandom(seed: seed ^ 0x57A1)
        let stalled = random.below(n)
        var result = FalsePositiveResult()
        var victims: Set<SWIM.NodeID> = []
        cluster.onEvent = { observer, event, now in
            switch event.kind {
            case .dead:
                result.deadEvents += 1
                victims.insert(event.member.node)
                let subject = cluster.index(of: event.member.node) ?? -1
                result.deaths.append((observer, subject, Double(now) / Double(second), subject == stalled))
            case .suspect:
                result.suspectEvents += 1
            default:
                break
            }
        }
        cluster.onAction = { _, now in
            let length = 2 * second + random.next(upperBound: 3 * second)
            cluster.sim.stall(stalled, until: now + length)
            result.stalls += 1
            let gap = 5 * second + random.next(upperBound: 10 * second)
            cluster.sim.scheduleAction(at: now + length + gap, tag: 1)
        }
        cluster.sim.scheduleAction(at: 5 * second, tag: 1)
        var t: UInt64 = 0
        while t < duration {
            t = min(duration, t + second)
            cluster.run(until: t)
            for (i, inst) in cluster.instances.enumerated() {
                if i == stalled {
                    result.stalledMaxAwareness = max(result.stalledMaxAwareness, inst.awareness)
                } else {
                    result.othersMaxAwareness = max(result.othersMaxAwareness, inst.awareness)
                }
            }
        }
        result.membersDeclaredDead = victims.count
        result.refutations = cluster.instances.reduce(0) { $0 + $1.counters.refutations }
        result.verifications = cluster.instances.reduce(0) { $0 + $1.counters.verifications }
        result.verificationsAnswered = cluster.instances.reduce(0) { $0 + $1.counters.verificationsAnswered }
        return result
    }

    // MARK: - Dissemination

    /// The outcome of a dissemination run.
    public struct DisseminationResult: Sendable {
        /// Seconds until each other member learned the update.
        public var times: [Double]
        /// Members that never learned it within the horizon.
        public var missing: Int
    }

    /// One member updates its metadata after a warm-up; measures when each other member learns it.
    public static func dissemination(
        n: Int,
        loss: Double = 0.01,
        seed: UInt64,
        horizon: UInt64 = 30 * 1_000_000_000
    ) throws -> DisseminationResult {
        let cluster = try SWIMCluster(n: n, seed: seed, loss: loss)
        var random = SimRandom(seed: seed ^ 0xD155)
        let origin = random.below(n)
        let originID = cluster.instances[origin].node
        let start = 5 * second + random.next(upperBound: second)
        cluster.run(until: start)
        var learned: [Int: UInt64] = [:]
        cluster.onEvent = { observer, event, now in
            if event.kind == .updated, event.member.node == originID, learned[observer] == nil {
                learned[observer] = now
            }
        }
        try cluster.act(origin) { inst, now in try inst.updateMetadata(Array("role=coordinator".utf8), now: now) }
        var t = start
        while learned.count < n - 1, t < start + horizon {
            t += second / 10
            cluster.run(until: t)
        }
        return DisseminationResult(
            times: learned.values.map { Double($0 - start) / Double(second) },
            missing: n - 1 - learned.count
        )
    }

    // MARK: - Load

    /// Per-member traffic in a steady cluster.
    public struct LoadResult: Sendable {
        /// Mean probe datagrams per second per member.
        public var probePerSecond: Double
        /// Mean gossip-only datagrams per second per member.
        public var gossipPerSecond: Double
        /// The busiest member's gossip datagrams per second.
        public var maxGossipPerSecond: Double
        /// Mean bytes per second per member (including the security overhead).
        public var bytesPerSecond: Double
        /// The largest datagram seen (bytes, including the security overhead).
        public var largestDatagram: Int
    }

    /// Runs a warm cluster for `seconds` with `updatesPerSecond` metadata changes cluster-wide (churn) and
    /// measures per-member traffic.
    public static func load(
        n: Int,
        seconds: Int = 30,
        updatesPerSecond: Double = 0,
        loss: Double = 0,
        seed: UInt64
    ) throws -> LoadResult {
        let cluster = try SWIMCluster(n: n, seed: seed, loss: loss)
        var random = SimRandom(seed: seed ^ 0x10AD)
        let warmup = 10 * second
        if updatesPerSecond > 0 {
            let gap = UInt64(Double(second) / updatesPerSecond)
            cluster.onAction = { _, now in
                let who = random.below(n)
                let meta = Array("v=\(now)".utf8)
                try? cluster.act(who) { inst, t in try inst.updateMetadata(meta, now: t) }
                cluster.sim.scheduleAction(at: now + gap, tag: 2)
            }
            cluster.sim.scheduleAction(at: second, tag: 2)
        }
        cluster.run(until: warmup)
        let before = cluster.traffic
        cluster.run(until: warmup + UInt64(seconds) * second)
        var probe = 0
        var gossip = 0
        var bytes = 0
        var maxGossip = 0
        var largest = 0
        for i in 0..<n {
            let a = cluster.traffic[i]
            let b = before[i]
            probe += a.probeDatagrams - b.probeDatagrams
            gossip += a.gossipDatagrams - b.gossipDatagrams
            maxGossip = max(maxGossip, a.gossipDatagrams - b.gossipDatagrams)
            bytes += a.bytes - b.bytes
            largest = max(largest, a.largestDatagram)
        }
        let denominator = Double(n * seconds)
        return LoadResult(
            probePerSecond: Double(probe) / denominator,
            gossipPerSecond: Double(gossip) / denominator,
            maxGossipPerSecond: Double(maxGossip) / Double(seconds),
            bytesPerSecond: Double(bytes) / denominator,
            largestDatagram: largest
        )
    }
}

// MARK: - Partition and heal

extension SWIMScenarios {
    /// The outcome of a partition-and-heal run.
    public struct PartitionResult: Sendable {
        /// Whether, before healing, every member saw every member of the other side as dead.
        public var splitDetected: Bool
        /// Seconds after healing until every member saw all N alive (nil if not within the horizon).
        public var healedAfter: Double?
        /// Each member's count of alive members (itself included) at the end.
        public var aliveCounts: [Int] = []
    }

    /// Splits N members in two halves for `partitionSeconds`, heals, and has one member per side re-join
    /// through a seed on the other side (what the shell does periodically); measures reconvergence.
    public static func partitionAndHeal(
        n: Int,
        partitionSeconds: UInt64 = 90,
        horizonSeconds: UInt64 = 300,
        seed: UInt64
    ) throws -> PartitionResult {
        let cluster = try SWIMCluster(n: n, seed: seed)
        let half = n / 2
        let left = Array(0..<half)
        let right = Array(half..<n)
        cluster.run(until: 5 * second)
        cluster.sim.partition([left, right])
        let healAt = (5 + partitionSeconds) * second
        cluster.run(until: healAt)
        let ids = cluster.instances.map(\.node)
        var split = true
        for i in 0..<n {
            let others = i < half ? right : left
            for j in others where cluster.instances[i].status(of: ids[j]) == .alive {
                split = false
            }
        }
        cluster.sim.heal()
        cluster.join(0, seeds: [half])
        cluster.join(half, seeds: [0])
        var t = healAt
        while t < healAt + horizonSeconds * second {
            t += second
            cluster.run(until: t)
            let converged = cluster.instances.allSatisfy { inst in
                inst.clusterSize == n && ids.allSatisfy { inst.status(of: $0) == .alive }
            }
            if converged { return PartitionResult(splitDetected: split, healedAfter: Double(t - healAt) / 1e9) }
        }
        let counts = cluster.instances.map { inst in ids.filter { inst.status(of: $0) == .alive }.count }
        return PartitionResult(splitDetected: split, healedAfter: nil, aliveCounts: counts)
    }
}
