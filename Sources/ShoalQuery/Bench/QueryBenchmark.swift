import Foundation
import GRDB
import ShoalCore
import ShoalDatasets

/// `shoal query bench`: a filtered COUNT over a synthetic table, federated over shard databases vs one SQLite scan
/// of the whole table, measured in the same run. Prints figures; never fails on a slow result.
public enum QueryBenchmark {
    /// What one run measured.
    public struct Report: Sendable, Hashable, Codable {
        /// Rows in the table.
        public var rows: Int
        /// Shards.
        public var shards: Int
        /// The query.
        public var sql: String
        /// The count both sides returned.
        public var count: Int64
        /// Median milliseconds of one SQLite over the whole table.
        public var singleMilliseconds: Double
        /// Median milliseconds of the federated run (plan, shards, merge).
        public var federatedMilliseconds: Double
        /// federated / single.
        public var ratio: Double
        /// Seconds spent generating and importing (not timed in the ratio).
        public var setupSeconds: Double
    }

    /// The benchmark query.
    public static let sql =
        "SELECT count(*) FROM dataset WHERE value > 100.0 AND category IN ('cat-07', 'cat-11') AND flag = 0"

    /// Generates `rows` rows, imports them as one database and as `shards` shard databases under `directory`,
    /// then times `repetitions` runs of ``sql`` each way (medians).
    /// - Throws: `ShoalError` when the two sides disagree, and import or execution errors.
    public static func run(rows: Int, shards: Int, repetitions: Int = 5, directory: String) async throws -> Report {
        let started = Date()
        let table = try SyntheticTable.make(rows: rows, seed: 7)
        let whole = directory + "/whole.sqlite"
        try importFile(table, whole)
        var paths: [String] = []
        let size = (rows + shards - 1) / max(shards, 1)
        var first = 0
        var index = 0
        while first < rows {
            let path = directory + "/shard-\(index).sqlite"
            try importFile(table.slice(first..<min(rows, first + size)), path)
            paths.append(path)
            first += size
            index += 1
        }
        let setup = Date().timeIntervalSince(started)
        var configuration = Configuration()
        configuration.readonly = true
        let single = try DatabaseQueue(path: whole, configuration: configuration)
        let plan = try QueryPlanner(schema: table.schema).plan(sql)
        let options = QueryOptions(concurrency: max(2, ProcessInfo.processInfo.activeProcessorCount))
        var singleTimes: [Double] = []
        var federatedTimes: [Double] = []
        var expected: Int64 = 0
        for _ in 0..<max(1, repetitions) {
            let t0 = Date()
            expected = try await single.read { db in try Int64.fetchOne(db, sql: sql) ?? -1 }
            singleTimes.append(Date().timeIntervalSince(t0) * 1000)
            let t1 = Date()
            let result = try await FederatedExecutor.execute(plan, shards: paths, options: options)
            federatedTimes.append(Date().timeIntervalSince(t1) * 1000)
            guard result.rows.first?.first == .integer(expected) else {
                throw ShoalError(.internalError, "benchmark: federated \(result.rows) != single \(expected)")
            }
        }
        try single.close()
        let s = median(singleTimes)
        let f = median(federatedTimes)
        return Report(
            rows: rows,
            shards: paths.count,
            sql: sql,
            count: expected,
            singleMilliseconds: s,
            federatedMilliseconds: f,
            ratio: f / s,
            setupSeconds: setup
        )
    }

    static func importFile(_ table: DatasetTable, _ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try ShardImporter.importTable(table, into: db)
        }
        try queue.close()
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
