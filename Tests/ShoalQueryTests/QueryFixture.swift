import Foundation
import GRDB
import ShoalCore
import ShoalDatasets
import ShoalParquet
import ShoalQuery

/// The shared 100k-row table, its single-SQLite reference and its shardings, built once per test process.
struct QueryFixture: Sendable {
    /// The shard counts of the correctness suite.
    static let shardings = [1, 7, 32]
    /// Rows of the table.
    static let rows = 100_000

    let schema: DatasetSchema
    /// The whole table in one SQLite database (read-only).
    let reference: DatabaseQueue
    /// Shard database paths per shard count.
    let shards: [Int: [String]]
    /// The cache directory (under the system temporary directory).
    let directory: String

    /// The fixture (built on first use; every test shares it).
    static let shared: Result<QueryFixture, any Error> = Result { try QueryFixture.build() }

    static func get() throws -> QueryFixture { try shared.get() }

    static func build() throws -> QueryFixture {
        let table = try SyntheticTable.make(rows: rows, seed: 42)
        let directory = NSTemporaryDirectory() + "shoal-query-tests-\(getpid())"
        let cache = try ShardDatabaseCache(directory: directory)
        var shards: [Int: [String]] = [:]
        for count in shardings {
            let size = (rows + count - 1) / count
            let pieces = try shard(table, shardSize: size)
            precondition(pieces.count == count, "sharding into \(count) gave \(pieces.count)")
            // Through the Parquet bytes, as a node would import a shard it fetched.
            shards[count] = try pieces.map { piece in
                try cache.database(for: piece.cid) {
                    try DatasetTable(parquet: try ParquetReader.read(piece.bytes), schema: table.schema)
                }
            }
        }
        // The one-shard database holds the whole table: the reference runs the user's SQL on it directly.
        var configuration = Configuration()
        configuration.readonly = true
        let reference = try DatabaseQueue(path: shards[1]![0], configuration: configuration)
        return QueryFixture(schema: table.schema, reference: reference, shards: shards, directory: directory)
    }

    /// The reference answer: `sql` run directly by SQLite over the whole table, with its column names.
    func referenceResult(_ sql: String) throws -> (columns: [String], rows: [[QueryValue]]) {
        try reference.read { db in
            let rows = try Row.fetchAll(db, sql: sql)
            let statement = try db.makeStatement(sql: sql)
            return (statement.columnNames, rows.map { $0.databaseValues.map(QueryValue.init) })
        }
    }

    /// The federated answer over `count` shards.
    func federated(_ sql: String, shards count: Int, options: QueryOptions = QueryOptions()) async throws -> QueryResult
    {
        let plan = try QueryPlanner(schema: schema, maxRows: options.maxRows).plan(sql)
        return try await FederatedExecutor.execute(plan, shards: shards[count]!, options: options)
    }
}

// MARK: - Comparing results

enum ResultComparison {
    /// Whether two values are equal: exact for integers, text, blobs and NULL; reals within 1e-12 relative.
    static func equal(_ a: QueryValue, _ b: QueryValue) -> Bool {
        switch (a, b) {
        case (.real(let x), .real(let y)):
            if x == y { return true }
            return abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        default:
            return a == b
        }
    }

    static func equalRows(_ a: [QueryValue], _ b: [QueryValue]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
    }

    /// A total order on values (storage class, then value) to compare results as multisets.
    static func less(_ a: [QueryValue], _ b: [QueryValue]) -> Bool {
        for (x, y) in zip(a, b) {
            let (rx, ry) = (rank(x), rank(y))
            if rx != ry { return rx < ry }
            switch (x, y) {
            case (.integer(let p), .integer(let q)) where p != q: return p < q
            case (.real(let p), .real(let q)) where p != q: return p < q
            case (.text(let p), .text(let q)) where p != q: return p < q
            case (.blob(let p), .blob(let q)) where p != q: return p.lexicographicallyPrecedes(q)
            default: continue
            }
        }
        return a.count < b.count
    }

    static func rank(_ v: QueryValue) -> Int {
        switch v {
        case .null: return 0
        case .integer: return 1
        case .real: return 2
        case .text: return 3
        case .blob: return 4
        }
    }

    /// Row-by-row equality (ordered) or multiset equality (unordered). Returns a description of the first
    /// difference, or nil.
    static func difference(_ got: [[QueryValue]], _ want: [[QueryValue]], ordered: Bool) -> String? {
        guard got.count == want.count else { return "\(got.count) rows, expected \(want.count)" }
        let a = ordered ? got : got.sorted(by: less)
        let b = ordered ? want : want.sorted(by: less)
        for (i, (x, y)) in zip(a, b).enumerated() where !equalRows(x, y) {
            return "row \(i): \(x) != expected \(y)"
        }
        return nil
    }
}

extension ResultComparison {
    /// Ordered by the first `keys` columns, rows with equal keys compared as a multiset (SQL leaves their order
    /// undefined).
    static func differenceWithTies(_ got: [[QueryValue]], _ want: [[QueryValue]], keys: Int) -> String? {
        func runs(_ rows: [[QueryValue]]) -> [[[QueryValue]]] {
            var out: [[[QueryValue]]] = []
            for row in rows {
                if let last = out.last?.last, equalRows(Array(last.prefix(keys)), Array(row.prefix(keys))) {
                    out[out.count - 1].append(row)
                } else {
                    out.append([row])
                }
            }
            return out
        }
        let (a, b) = (runs(got), runs(want))
        guard a.count == b.count else { return "\(a.count) runs of equal keys, expected \(b.count)" }
        for (i, (x, y)) in zip(a, b).enumerated() {
            if let problem = difference(x, y, ordered: false) { return "run \(i): \(problem)" }
        }
        return nil
    }
}
