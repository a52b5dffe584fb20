// kad-sim: prints the Kademlia simulation figures (virtual time, deterministic seeds).
//
// Usage: kad-sim [healthy|churn|memory|all] [--nodes N] [--seed S] [--finds N] [--gets N] [--keys N]
//                [--churn-percent P] [--loss-percent P] [--attempts N] [--churn-seconds S] [--check-interval S]
//                [--verify-after S] [--verify-scope near|all] [--reply-cap N] [--crash-model refused|silent]
//                [--trace-failures N]
//                [--verbose]
//
// healthy: no churn, no loss. churn: 10% of the nodes crash (and are replaced by new identities) and 1% of
// messages are lost. memory: a 10,000-peer routing table and 100,000 provider records.

import ShoalKadSim
import ShoalKademlia
import ShoalTestKit

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Arguments

let commandLine = SimCommandLine()
let arguments = commandLine.arguments
let command = commandLine.command(or: "all")
let verbose = arguments.contains("--verbose")

func option(_ name: String, _ fallback: Int) -> Int { commandLine.int(name, fallback) }

func fmt(_ x: Double?) -> String { SimCommandLine.format(x) }

func percent(_ part: Int, _ whole: Int) -> String {
    guard whole > 0 else { return "n/a" }
    return fmt(Double(part) * 100 / Double(whole)) + "%"
}

let clock = ContinuousClock()

/// "hops p50 x p99 y; messages p50 …; virtual s p50 …".
func distribution(_ hops: [Double], _ messages: [Double], _ seconds: [Double]) -> String {
    func line(_ name: String, _ values: [Double]) -> String {
        let median: String = fmt(SimStatistics.percentile(values, 0.5))
        let p99: String = fmt(SimStatistics.percentile(values, 0.99))
        return name + " p50 " + median + " p99 " + p99
    }
    return [line("hops", hops), line("messages", messages), line("virtual s", seconds)].joined(separator: "; ")
}

// MARK: - Simulation

func runScenario(name: String, churnPercent: Int, lossPercent: Int) {
    var settings = KadScenarios.Settings()
    settings.nodes = option("--nodes", 10_000)
    settings.seed = UInt64(option("--seed", 1))
    settings.findLookups = option("--finds", 1_000)
    settings.providerLookups = option("--gets", 1_000)
    settings.providerKeys = option("--keys", 200)
    settings.churnFraction = Double(option("--churn-percent", churnPercent)) / 100
    settings.cluster.loss = Double(option("--loss-percent", lossPercent)) / 100
    settings.cluster.lookup.maximumAttempts = option("--attempts", settings.cluster.lookup.maximumAttempts)
    if arguments.contains("--verify-after") {
        let after = option("--verify-after", 30)
        settings.cluster.routingTable.verifyListedAfter = after > 0 ? .seconds(after) : nil
    }
    if let i = arguments.firstIndex(of: "--verify-scope"), i + 1 < arguments.count {
        settings.cluster.routingTable.verifyScope = arguments[i + 1] == "all" ? .everywhere : .neighbourhood
    }
    if let i = arguments.firstIndex(of: "--crash-model"), i + 1 < arguments.count {
        settings.cluster.crashModel = arguments[i + 1] == "silent" ? .silent : .refuses
    }
    settings.cluster.maximumCloserPeers = option("--reply-cap", settings.cluster.maximumCloserPeers)
    if arguments.contains("--doubtful-after") {
        let after = option("--doubtful-after", 60)
        settings.cluster.doubtfulAfter = after > 0 ? .seconds(after) : nil
    }
    settings.failureDescriptions = option("--trace-failures", settings.failureDescriptions)
    if arguments.contains("--churn-seconds") { settings.churnDuration = .seconds(option("--churn-seconds", 180)) }
    let checkInterval = settings.cluster.routingTable.minimumLivenessCheckInterval.components.seconds
    settings.cluster.routingTable.minimumLivenessCheckInterval = .seconds(
        option("--check-interval", Int(checkInterval))
    )
    var report = KadScenarios.Report()
    let elapsed = clock.measure { report = KadScenarios.run(settings) }
    let churn: String = fmt(settings.churnFraction * 100)
    let loss: String = fmt(settings.cluster.loss * 100)
    let k: Int = settings.cluster.lookup.resultCount
    let alpha: Int = settings.cluster.lookup.parallelism
    let attempts: Int = settings.cluster.lookup.maximumAttempts
    let spread: String = settings.churnDuration.map { " over the last \($0.components.seconds) s" } ?? ""
    let interval = settings.cluster.routingTable.minimumLivenessCheckInterval.components.seconds
    let scope = settings.cluster.routingTable.verifyScope == .neighbourhood ? "in non-full buckets" : "anywhere"
    let hygiene: String =
        settings.cluster.routingTable.verifyListedAfter.map {
            ", entries listed unseen for \($0.components.seconds) s checked (\(scope))"
        } ?? ", no responder hygiene"
    let crashes = settings.cluster.crashModel == .refuses ? "refused" : "silent (time out)"
    let verify =
        hygiene + ", replies of at most \(settings.cluster.maximumCloserPeers) peers, requests to crashed nodes "
        + crashes
        + (settings.cluster.doubtfulAfter.map { ", entries unseen for \($0.components.seconds) s listed as doubtful" }
            ?? "")
    print(
        "\(name): \(settings.nodes) nodes, seed \(settings.seed), churn \(churn)% (\(report.crashes) crashed and replaced\(spread)), loss \(loss)%, k = \(k), alpha = \(alpha), attempts per peer \(attempts), liveness checks at most every \(interval) s per bucket\(verify)"
    )
    let findRate: String = percent(report.findSuccesses, report.findCount)
    print("  FIND_NODE     \(report.findSuccesses)/\(report.findCount) true k closest (\(findRate))")
    print("                " + distribution(report.findHops, report.findMessages, report.findSeconds))
    let providerRate: String = percent(report.providerSuccesses, report.providerCount)
    print("  GET_PROVIDERS \(report.providerSuccesses)/\(report.providerCount) found (\(providerRate))")
    print("                " + distribution(report.providerHops, report.providerMessages, report.providerSeconds))
    let c = report.counters
    let lost: Int = report.network?.lost ?? 0
    let table: String = fmt(report.meanTableSize)
    print(
        "  network: \(c.lookups) lookups (\(c.refreshLookups) refresh), \(c.requests) requests, \(c.timeouts) timeouts, \(fmt(Double(c.listedPeers) / Double(max(c.listingReplies, 1)))) peers per reply, \(lost) messages lost"
    )
    print(
        "  routing: mean table \(table) peers, \(c.identityMismatches) entry corrections, \(c.connectionsRefused) connections refused, \(c.livenessChecks) liveness checks (\(c.hygieneChecks) hygiene, \(c.livenessFailures) evictions, \(c.falseEvictions) of running peers); \(report.abandoned) lookups abandoned (origin crashed)"
    )
    print("  \(report.events) events, wall \(elapsed)")
    if verbose || report.findSuccesses < report.findCount || report.providerSuccesses < report.providerCount {
        for failure in report.failures { print("  failed: \(failure)") }
    }
}

// MARK: - Memory

func runMemory() throws {
    let peers = option("--peers", 10_000)
    let records = option("--records", 100_000)
    let r = try KadMemoryScenario.run(peers: peers, records: records)
    func mib(_ bytes: Int) -> String { fmt(Double(bytes) / 1_048_576) + " MiB" }
    print(
        "memory: routing table of \(r.tablePeers) peers, provider store of \(r.storeRecords) records "
            + "(\(r.storeProviders) providers)"
    )
    if let before = r.residentBefore, let table = r.residentAfterTable, let store = r.residentAfterStore {
        let added: String = mib(store - before)
        print(
            "  resident (/proc/self/statm): before \(mib(before)), +\(mib(table - before)) for the table, +\(mib(store - table)) for the store, total added \(added)"
        )
    } else {
        print("  resident memory: /proc/self/statm not available")
    }
    print("  estimates: table \(mib(r.tableEstimate)), store \(mib(r.storeEstimate))")
}

switch command {
case "healthy":
    runScenario(name: "healthy", churnPercent: 0, lossPercent: 0)
case "churn":
    runScenario(name: "churn", churnPercent: 10, lossPercent: 1)
case "memory":
    try runMemory()
case "all":
    try runMemory()
    runScenario(name: "healthy", churnPercent: 0, lossPercent: 0)
    runScenario(name: "churn", churnPercent: 10, lossPercent: 1)
default:
    print("error: unknown command \(command) (healthy, churn, memory, all)")
    exit(2)
}
