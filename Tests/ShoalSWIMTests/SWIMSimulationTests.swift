import ShoalSWIM
import ShoalSWIMSim
import ShoalTestKit
import Testing

/// The measured targets, on the deterministic simulator (virtual time). The `swim-sim` runner prints the
/// same scenarios with more seeds and larger N.
@Suite("SWIM simulation")
struct SWIMSimulationTests {
    @Test("join through one seed: N = 32 converge to 32 alive members within 3 s")
    func joinConvergence() throws {
        let n = 32
        let cluster = try SWIMCluster(n: n, seed: 5, preseeded: false)
        for i in 1..<n {
            cluster.run(until: UInt64(i) * 10 * millisecond)
            cluster.join(i, seeds: [0])
        }
        cluster.run(until: 3 * second)
        for inst in cluster.instances {
            #expect(inst.clusterSize == n)
            #expect(inst.members.allSatisfy { $0.status == .alive })
        }
    }

    @Test("crash detection at N = 100: p50 ≤ 12 s and p99 ≤ 20 s, no false deaths")
    func crashDetection() throws {
        var times: [Double] = []
        for seed in 1...3 as ClosedRange<UInt64> {
            let r = try SWIMScenarios.crashDetection(n: 100, seed: seed)
            #expect(r.undetected == 0)
            #expect(r.falseDeaths == 0)
            times += r.perMember
        }
        let p50 = try #require(SimStatistics.percentile(times, 0.5))
        let p99 = try #require(SimStatistics.percentile(times, 0.99))
        #expect(p50 <= 12)
        #expect(p99 <= 20)
        #expect(p50 >= 2)
    }

    @Test("no false positives at N = 32 with 10% loss and a stalling member (5 min); classic SWIM fails it")
    func falsePositives() throws {
        let minutes: UInt64 = 5
        let on = try SWIMScenarios.falsePositives(duration: minutes * 60 * second, lifeguard: true, seed: 77)
        let off = try SWIMScenarios.falsePositives(duration: minutes * 60 * second, lifeguard: false, seed: 77)
        #expect(on.deadEvents == 0)
        #expect(on.membersDeclaredDead == 0)
        #expect(on.stalls > 10)
        #expect(on.suspectEvents > 0)
        #expect(on.stalledMaxAwareness > 0)
        #expect(off.membersDeclaredDead > 0)
        #expect(off.stalledMaxAwareness == 0)
    }

    @Test("dissemination: 99% of N = 200 members learn an update within 4 s at 1% loss")
    func dissemination() throws {
        let r = try SWIMScenarios.dissemination(n: 200, loss: 0.01, seed: 3)
        let within = r.times.filter { $0 <= 4 }.count
        #expect(Double(within) >= 0.99 * 199)
        #expect(r.missing == 0)
    }

    @Test("load per member is flat from N = 8 to 128: probe ≤ 3 and gossip ≤ 15 datagrams/s")
    func load() throws {
        var probe: [Double] = []
        for n in [8, 32, 128] {
            let r = try SWIMScenarios.load(n: n, seconds: 15, updatesPerSecond: 2, seed: 4)
            #expect(r.probePerSecond <= 3)
            #expect(r.gossipPerSecond <= 15)
            #expect(r.maxGossipPerSecond <= 15.5)
            #expect(r.largestDatagram <= 1400)
            probe.append(r.probePerSecond)
        }
        let spread = (probe.max() ?? 0) / max(probe.min() ?? 1, 0.001)
        #expect(spread < 1.1)
    }

    @Test("sealed datagrams end to end: N = 16 with a cluster key detects a crash, nothing rejected")
    func sealedCluster() throws {
        let cluster = try SWIMCluster(n: 16, seed: 8, loss: 0.01, wire: .sealed(Array(repeating: 0x42, count: 32)))
        cluster.run(until: 5 * second)
        cluster.crash(3)
        let victim = cluster.instances[3].node
        cluster.run(until: 40 * second)
        for (i, inst) in cluster.instances.enumerated() where i != 3 {
            #expect(inst.status(of: victim) == .dead)
        }
        #expect(cluster.rejectedDatagrams == 0)
        #expect(cluster.traffic.allSatisfy { $0.largestDatagram <= 1400 })
    }

    @Test("encoded datagrams under heavy metadata churn never exceed 1,400 bytes; a leave is seen as left")
    func encodedChurnAndLeave() throws {
        let n = 24
        let cluster = try SWIMCluster(n: n, seed: 12, wire: .encoded)
        for round in 0..<40 {
            cluster.run(until: UInt64(round) * 100 * millisecond + second)
            let who = round % n
            try cluster.act(who) { inst, now in
                try inst.updateMetadata(Array(repeating: UInt8(round), count: 400 + round), now: now)
            }
        }
        let leaver = cluster.instances[5].node
        cluster.act(5) { inst, now in inst.leave(now: now) }
        cluster.run(until: 15 * second)
        #expect(cluster.instances[5].leaveComplete)
        cluster.stop(5)
        cluster.run(until: 60 * second)
        #expect(cluster.rejectedDatagrams == 0)
        for (i, inst) in cluster.instances.enumerated() where i != 5 {
            #expect(inst.status(of: leaver) == .left || inst.status(of: leaver) == nil)
            #expect(inst.clusterSize == n - 1)
        }
        #expect(cluster.traffic.allSatisfy { $0.largestDatagram <= 1400 })
        #expect(cluster.traffic.contains { $0.largestDatagram > 1000 })
    }

    @Test("partition 50/50 past the suspicion timeout, heal, one re-join per side: all alive again within 60 s")
    func partitionAndHeal() throws {
        let r = try SWIMScenarios.partitionAndHeal(n: 16, partitionSeconds: 60, horizonSeconds: 60, seed: 21)
        #expect(r.splitDetected)
        let healed = try #require(r.healedAfter)
        #expect(healed <= 60)
    }
}
