// swim-sim: prints the SWIM simulation figures (virtual time, deterministic seeds).
//
// Usage: swim-sim [crash|fp|dissemination|load|all] [--trials N] [--n N] [--loss-percent P] [--minutes M]
//                 [--seconds S] [--verbose]

import ShoalSWIM
import ShoalSWIMSim
import ShoalTestKit

// MARK: - Arguments

let commandLine = SimCommandLine()
let arguments = commandLine.arguments
let command = commandLine.command(or: "all")

func option(_ name: String, _ fallback: Int) -> Int { commandLine.int(name, fallback) }

func fmt(_ x: Double?) -> String { SimCommandLine.format(x) }

let clock = ContinuousClock()

// MARK: - Crash detection

func runCrash() throws {
    let trials = option("--trials", 50)
    let n = option("--n", 100)
    let loss = Double(option("--loss-percent", 0)) / 100
    var all: [Double] = []
    var lastMember: [Double] = []
    var undetected = 0
    var falseDeaths = 0
    let elapsed = try clock.measure {
        for seed in 0..<trials {
            let r = try SWIMScenarios.crashDetection(n: n, seed: UInt64(seed) &+ 1000, loss: loss)
            all += r.perMember
            if let a = r.allDead { lastMember.append(a) }
            undetected += r.undetected
            falseDeaths += r.falseDeaths
        }
    }
    print("crash detection N=\(n), \(trials) seeds (LAN profile, \(Int(loss * 100))% loss):")
    print(
        "  per live member: p50 \(fmt(SimStatistics.percentile(all, 0.5))) s, "
            + "p99 \(fmt(SimStatistics.percentile(all, 0.99))) s, max \(fmt(all.max())) s "
            + "(\(all.count) observations)"
    )
    print(
        "  whole cluster (last member): p50 \(fmt(SimStatistics.percentile(lastMember, 0.5))) s, "
            + "p99 \(fmt(SimStatistics.percentile(lastMember, 0.99))) s"
    )
    print("  undetected: \(undetected), false deaths: \(falseDeaths), wall \(elapsed)")
}

// MARK: - False positives

func runFalsePositives() throws {
    let minutes = option("--minutes", 30)
    let seeds = option("--trials", 1)
    let loss = Double(option("--loss-percent", 10)) / 100
    let variants: [(lifeguard: Bool, verify: Bool, name: String)] = [
        (true, true, "lifeguard on (with last-chance probe)"),
        (true, false, "lifeguard on, no last-chance probe"),
        (false, false, "lifeguard off (classic SWIM)"),
    ]
    for (lifeguard, verify, name) in variants {
        var total = SWIMScenarios.FalsePositiveResult()
        let elapsed = try clock.measure {
            for seed in 0..<seeds {
                let r = try SWIMScenarios.falsePositives(
                    n: 32,
                    duration: UInt64(minutes) * 60 * 1_000_000_000,
                    loss: loss,
                    lifeguard: lifeguard,
                    verify: verify,
                    seed: UInt64(seed) &+ 77
                )
                total.deadEvents += r.deadEvents
                total.membersDeclaredDead += r.membersDeclaredDead
                total.suspectEvents += r.suspectEvents
                total.refutations += r.refutations
                total.stalls += r.stalls
                total.stalledMaxAwareness = max(total.stalledMaxAwareness, r.stalledMaxAwareness)
                total.othersMaxAwareness = max(total.othersMaxAwareness, r.othersMaxAwareness)
                total.deaths += r.deaths
                if arguments.contains("--verbose") {
                    print("    seed \(seed): verifications \(r.verifications) suspects \(r.suspectEvents)")
                }
                total.verifications += r.verifications
                total.verificationsAnswered += r.verificationsAnswered
            }
        }
        print(
            "false positives N=32, \(minutes) min x \(seeds) seed(s), \(Int(loss * 100))% loss, one member stalling 2-5 s, "
                + "\(name):"
        )
        print(
            "  healthy members declared dead: \(total.membersDeclaredDead) (dead events over all observers: "
                + "\(total.deadEvents)); suspect events \(total.suspectEvents); refutations \(total.refutations); "
                + "stalls \(total.stalls); max awareness stalled \(total.stalledMaxAwareness), "
                + "others \(total.othersMaxAwareness); last-chance probes \(total.verifications) "
                + "(answered \(total.verificationsAnswered)); wall \(elapsed)"
        )
        if arguments.contains("--verbose") {
            for d in total.deaths {
                print(
                    "    dead: observer \(d.observer) subject \(d.subject) at \(fmt(d.at)) s stalling \(d.subjectStalls)"
                )
            }
        }
    }
}

// MARK: - Dissemination

func runDissemination() throws {
    let trials = option("--trials", 10)
    for n in [10, 50, 100, 200] {
        var times: [Double] = []
        var missing = 0
        for seed in 0..<trials {
            let r = try SWIMScenarios.dissemination(n: n, loss: 0.01, seed: UInt64(seed) &+ 500)
            times += r.times
            missing += r.missing
        }
        let within = times.filter { $0 <= 4 }.count
        let fraction = Double(within) / Double(max(1, times.count + missing))
        print(
            "dissemination N=\(n), 1% loss, \(trials) seeds: p50 \(fmt(SimStatistics.percentile(times, 0.5))) s, "
                + "p99 \(fmt(SimStatistics.percentile(times, 0.99))) s, max \(fmt(times.max())) s, "
                + "within 4 s: \(fmt(fraction * 100))%, missing \(missing)"
        )
    }
}

// MARK: - Load

func runLoad() throws {
    let seconds = option("--seconds", 60)
    for churn in [0.0, 2.0] {
        for n in [8, 32, 128, 512, 1000] {
            var result: SWIMScenarios.LoadResult?
            let elapsed = try clock.measure {
                result = try SWIMScenarios.load(n: n, seconds: seconds, updatesPerSecond: churn, seed: 9)
            }
            guard let r = result else { continue }
            print(
                "load N=\(n), churn \(churn) updates/s: probe \(fmt(r.probePerSecond)) dgram/s/member, "
                    + "gossip \(fmt(r.gossipPerSecond)) dgram/s/member (busiest \(fmt(r.maxGossipPerSecond))), "
                    + "\(fmt(r.bytesPerSecond / 1000)) KB/s/member, largest datagram \(r.largestDatagram) B, "
                    + "wall \(elapsed)"
            )
        }
    }
}

// MARK: - Partition

func runPartition() throws {
    let trials = option("--trials", 5)
    let n = option("--n", 32)
    for seed in 0..<trials {
        let r = try SWIMScenarios.partitionAndHeal(n: n, seed: UInt64(seed) &+ 300)
        print(
            "partition N=\(n) 90 s then heal + one re-join per side: split seen \(r.splitDetected), healed after \(fmt(r.healedAfter)) s \(r.aliveCounts)"
        )
    }
}

// MARK: - Main

switch command {
case "crash": try runCrash()
case "fp": try runFalsePositives()
case "dissemination": try runDissemination()
case "load": try runLoad()
case "partition": try runPartition()
default:
    try runCrash()
    try runDissemination()
    try runLoad()
    try runFalsePositives()
}
