import ArgumentParser
import Foundation
import ShoalCore
import ShoalDatasets
import ShoalMultiformats
import ShoalQuery

/// `shoal query …`: federated SQL over a packed dataset (and its benchmark).
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a one-table SELECT over a packed dataset, shard by shard, merged as one SQLite would answer.",
        subcommands: [Run.self, Bench.self],
        defaultSubcommand: Run.self
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run SQL over the dataset in a block store (`shoal query DIR \"SQL\"`).",
            discussion: """
                The table is called `dataset`. Supported: SELECT [DISTINCT] with expressions and aliases, WHERE,
                GROUP BY, HAVING, ORDER BY (ASC/DESC, NULLS FIRST/LAST), LIMIT/OFFSET, COUNT/SUM/TOTAL/AVG/MIN/MAX,
                COUNT(DISTINCT), SQLite's deterministic scalar functions, LIKE, GLOB and json_extract. Joins,
                subqueries, CTEs, unions, window functions, writes and pragmas are refused (unsupported_sql).
                Shards are imported into SQLite once, cached by CID under --cache (default DIR/query-cache).
                """
        )

        @Argument(help: "The block store directory (as written by `shoal dataset pack --out`).")
        var directory: String

        @Argument(help: "The SQL query.")
        var sql: String

        @Option(name: .long, help: "The manifest CID (default: the only manifest in the store).")
        var manifest: String?

        @Option(name: .long, help: "The shard database cache directory (default: DIR/query-cache).")
        var cache: String?

        @Option(name: .long, help: "Result row cap; longer results are cut and marked truncated.")
        var maxRows: Int = QueryPlanner.defaultMaxRows

        @Flag(name: .long, help: "Print the plan (per-shard and merge SQL) instead of running the query.")
        var explain = false

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            guard maxRows >= 1, maxRows <= QueryPlanner.maximumMaxRows else {
                throw CLIError(message: "--max-rows must be in 1...\(QueryPlanner.maximumMaxRows)")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/blocks", isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw CLIError(message: "\(directory) is not a block store (no blocks/ directory)")
            }
            let store = try BlockStore(root: directory)
            let (cid, datasetManifest) = try Self.findManifest(store, manifest)
            let engine = DatasetQueryEngine(
                store: store,
                cache: try ShardDatabaseCache(directory: cache ?? directory + "/query-cache"),
                options: QueryOptions(
                    maxRows: maxRows,
                    concurrency: max(1, ProcessInfo.processInfo.activeProcessorCount)
                )
            )
            let plan = try engine.plan(sql, manifest: datasetManifest)
            if explain {
                if json {
                    try JSONOutput.print(plan)
                } else {
                    print("dataset: \(datasetManifest.name) (manifest \(cid), \(datasetManifest.shards.count) shards)")
                    print(plan.explain())
                }
                return
            }
            let result = try await FederatedExecutor.execute(
                plan,
                shards: try engine.shardDatabases(datasetManifest),
                options: engine.options
            )
            if json {
                try JSONOutput.print(ResultOutput(result))
            } else {
                print(TextTable.render(result))
            }
        }

        /// The manifest named by `text`, or the only manifest in the store.
        static func findManifest(_ store: BlockStore, _ text: String?) throws -> (CID, DatasetManifest) {
            if let text {
                let cid: CID
                do { cid = try CID(text) } catch { throw CLIError(message: "--manifest: not a CID: \(text)") }
                return (cid, try store.manifest(cid))
            }
            var found: [(CID, DatasetManifest)] = []
            for cid in try store.list() {
                guard let handle = FileHandle(forReadingAtPath: store.path(for: cid)) else { continue }
                let first = try handle.read(upToCount: 1)
                try handle.close()
                guard first?.first == UInt8(ascii: "{"), let manifest = try? store.manifest(cid) else { continue }
                found.append((cid, manifest))
            }
            guard let only = found.first else { throw CLIError(message: "\(store.root) holds no dataset manifest") }
            guard found.count == 1 else {
                throw CLIError(
                    message: "\(store.root) holds \(found.count) manifests; pick one with --manifest "
                        + found.map { "\($0.0) (\($0.1.name))" }.joined(separator: ", ")
                )
            }
            return only
        }
    }

    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Time a filtered COUNT federated over N shard databases vs one SQLite scan of the whole table."
        )

        @Option(name: .long, help: "Rows of the synthetic table.")
        var rows: Int = 1_000_000

        @Option(name: .long, help: "Shards.")
        var shards: Int = 10

        @Option(name: .long, help: "Timed repetitions (the median is reported).")
        var repetitions: Int = 5

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() async throws {
            guard rows >= 1, rows <= 50_000_000, shards >= 1, shards <= 1000, repetitions >= 1, repetitions <= 100
            else {
                throw CLIError(message: "--rows 1...50000000, --shards 1...1000, --repetitions 1...100")
            }
            let directory = NSTemporaryDirectory() + "shoal-query-bench-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let report = try await QueryBenchmark.run(
                rows: rows,
                shards: shards,
                repetitions: repetitions,
                directory: directory
            )
            if json {
                try JSONOutput.print(report)
                return
            }
            print("query:      \(report.sql)")
            print(
                "table:      \(report.rows) rows, \(report.shards) shards (setup \(Self.format(report.setupSeconds)) s, untimed)"
            )
            print("count:      \(report.count) (both sides)")
            print(
                "single:     \(Self.format(report.singleMilliseconds)) ms (one SQLite scan, median of \(repetitions))"
            )
            print("federated:  \(Self.format(report.federatedMilliseconds)) ms (plan, \(report.shards) shards, merge)")
            print("ratio:      \(Self.format(report.ratio))x")
        }

        static func format(_ value: Double) -> String { String(format: "%.2f", value) }
    }
}
