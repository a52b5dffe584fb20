import Foundation
import GRDB
import ShoalCore
import ShoalDatasets
import ShoalMultiformats
import ShoalParquet
import ShoalQuery
import Testing

@Suite("Planner rewrites, plan serialization and explain")
struct PlannerTests {
    let planner = QueryPlanner(schema: testSchema, maxRows: 1000)

    @Test("AVG becomes TOTAL and COUNT per shard, merged as TOTAL/SUM; COUNT merges as SUM")
    func averageRewrite() throws {
        let plan = try planner.plan(
            "SELECT category, avg(value), count(*) FROM dataset GROUP BY category HAVING count(*) > 1"
        )
        #expect(plan.kind == .aggregate)
        #expect(
            plan.shardSQL
                == "SELECT \"category\" AS \"g0\", total(\"value\") AS \"a1\", count(\"value\") AS \"a2\", count(*) AS \"a3\" "
                + "FROM \"dataset\" GROUP BY \"category\""
        )
        #expect(plan.mergeSQL.contains("(total(\"a1\") / sum(\"a2\"))"))
        #expect(plan.mergeSQL.contains("HAVING (coalesce(sum(\"a3\"), 0) > 1)"))
        #expect(!plan.shardSQL.contains("HAVING"))
        #expect(plan.mergeColumns.first?.declaredType == "TEXT")
    }

    @Test("ORDER BY + LIMIT n OFFSET m keeps the top n+m per shard; OFFSET only at the merge")
    func topN() throws {
        let plan = try planner.plan("SELECT id FROM dataset WHERE flag ORDER BY value DESC LIMIT 10 OFFSET 5")
        #expect(plan.kind == .scan)
        #expect(plan.shardQuery.limit == 15)
        #expect(plan.shardQuery.offset == nil)
        #expect(plan.mergeQuery.limit == 10 && plan.mergeQuery.offset == 5)
        #expect(plan.shardSQL.hasSuffix("ORDER BY \"value\" DESC, \"rowid\" LIMIT 15"))
        #expect(plan.mergeSQL.hasSuffix("ORDER BY \"k0\" DESC, \"_s\", \"_r\" LIMIT 10 OFFSET 5"))
        let capped = try planner.plan("SELECT id FROM dataset")
        #expect(capped.shardQuery.limit == 1001)
        #expect(capped.mergeQuery.limit == 1001)
    }

    @Test("COUNT(DISTINCT x) groups the shards by x and counts distinct values at the merge")
    func countDistinct() throws {
        let plan = try planner.plan("SELECT flag, count(DISTINCT text), sum(amount) FROM dataset GROUP BY flag")
        #expect(plan.shardQuery.groupBy == [.column("flag"), .column("text")])
        #expect(plan.mergeSQL.contains("count(DISTINCT \"d\")"))
        #expect(plan.mergeSQL.contains("GROUP BY \"g0\""))
    }

    @Test("rendered SQL never contains the user's text: literals are re-spelled and identifiers quoted")
    func rendering() throws {
        let plan = try planner.plan("select ID from dataset where TEXT = 'it''s' and id>-3 order by 1")
        #expect(plan.shardSQL.contains("(\"text\" = 'it''s')"))
        #expect(plan.shardSQL.contains("(\"id\" > (- 3))"))
        #expect(plan.outputColumns == ["id"])
    }

    @Test("plans round-trip through JSON, and explain describes both halves")
    func codableAndExplain() throws {
        let plan = try planner.plan("SELECT round(avg(value), 2) AS r FROM dataset WHERE text LIKE 'a%' ORDER BY r")
        let data = try JSONEncoder().encode(plan)
        let decoded = try JSONDecoder().decode(QueryPlan.self, from: data)
        #expect(decoded == plan)
        #expect(decoded.shardSQL == plan.shardSQL && decoded.mergeSQL == plan.mergeSQL)
        let text = plan.explain()
        #expect(text.contains("per shard:") && text.contains(plan.shardSQL))
        #expect(text.contains("merge (in-memory SQLite):") && text.contains(plan.mergeSQL))
        #expect(text.contains("TOTAL and COUNT"))
    }

    @Test("parsing the rendered SQL gives the same SQL again")
    func renderRoundTrip() throws {
        for query in CorrectnessTests.cases {
            let ast = try SQLParser.parse(query.sql)
            let once = SQLRenderer.render(ast)
            #expect(SQLRenderer.render(try SQLParser.parse(once)) == once, "\(query.sql)")
        }
    }
}

@Suite("Executor: row cap, partial cap, shard cache, import")
struct ExecutorTests {
    @Test("a result over the row cap is cut and marked truncated")
    func rowCap() async throws {
        let fixture = try QueryFixture.get()
        let result = try await fixture.federated(
            "SELECT id FROM dataset",
            shards: 7,
            options: QueryOptions(maxRows: 100)
        )
        #expect(result.truncated)
        #expect(result.rows.count == 100)
        #expect(result.rows.map { $0[0] } == (0..<100).map { QueryValue.integer(Int64($0)) })
        #expect(result.partialRowCount <= 7 * 101)
        let exact = try await fixture.federated(
            "SELECT id FROM dataset LIMIT 100",
            shards: 7,
            options: QueryOptions(maxRows: 100)
        )
        #expect(!exact.truncated && exact.rows.count == 100)
    }

    @Test("partial rows past the budget fail with limit_exceeded instead of growing memory")
    func partialCap() async throws {
        let fixture = try QueryFixture.get()
        await #expect(throws: ShoalError(.limitExceeded, "")) {
            _ = try await fixture.federated(
                "SELECT id, count(*) FROM dataset GROUP BY id",
                shards: 7,
                options: QueryOptions(maxPartialRows: 5000)
            )
        }
    }

    @Test("an execution past its deadline fails with timeout")
    func deadline() async throws {
        let fixture = try QueryFixture.get()
        await #expect(throws: ShoalError(.timeout, "")) {
            _ = try await fixture.federated(
                "SELECT text, count(DISTINCT amount) FROM dataset GROUP BY text",
                shards: 32,
                options: QueryOptions(concurrency: 1, timeout: .nanoseconds(1))
            )
        }
    }

    @Test("the cache keeps one file per shard CID and imports it once")
    func cache() throws {
        let directory = NSTemporaryDirectory() + "shoal-query-cache-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = try ShardDatabaseCache(directory: directory)
        let table = try SyntheticTable.make(rows: 50, seed: 3)
        let piece = try #require(try shard(table, shardSize: 50).first)
        var loads = 0
        let path = try cache.database(for: piece.cid) {
            loads += 1
            return table
        }
        let again = try cache.database(for: piece.cid) {
            loads += 1
            return table
        }
        #expect(path == again && loads == 1)
        #expect(path == directory + "/" + piece.cid.string() + ".sqlite")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [piece.cid.string() + ".sqlite"])
        #expect(throws: ShoalError.self) {
            _ = try cache.database(for: ContentID.of([1, 2, 3])) { throw ShoalError(.io, "no bytes") }
        }
    }

    @Test("vectors are stored as float32 little-endian blobs; booleans as 0/1")
    func importTypes() throws {
        let schema = try DatasetSchema(parsing: "id:integer,ok:boolean,v:float[2]?")
        var builder = TableBuilder(schema: schema)
        try builder.append([.integer(1), .boolean(true), .vector([1.0, -2.5])])
        try builder.append([.integer(2), .boolean(false), .null])
        let table = builder.build()
        let queue = try DatabaseQueue()
        try queue.writeWithoutTransaction { db in try ShardImporter.importTable(table, into: db) }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT ok, v, typeof(v) FROM dataset ORDER BY id")
        }
        #expect(rows[0][0] == 1 as Int64)
        #expect(rows[1][0] == 0 as Int64)
        let blob: Data = rows[0][1]
        #expect([UInt8](blob) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0])
        #expect(rows[1][2] == "null")
    }

    @Test("a column named rowid is refused at import")
    func rowidColumn() throws {
        let table = DatasetTable(empty: try DatasetSchema(parsing: "rowid:integer"))
        let queue = try DatabaseQueue()
        #expect(throws: ShoalError.self) {
            try queue.writeWithoutTransaction { db in try ShardImporter.importTable(table, into: db) }
        }
    }

    @Test("the engine runs SQL over a dataset in a block store")
    func engine() async throws {
        let root = NSTemporaryDirectory() + "shoal-query-store-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try BlockStore(root: root)
        let table = try SyntheticTable.make(rows: 1000, seed: 9)
        var packer = try DatasetPacker(schema: table.schema, parameters: PackParameters(shardSize: 300))
        var shards = try packer.add(table)
        let (last, manifest) = try packer.finish(name: "synthetic")
        if let last { shards.append(last) }
        for piece in shards { try store.put(piece.bytes) }
        let engine = DatasetQueryEngine(store: store, cache: try ShardDatabaseCache(directory: root + "/query-cache"))
        let result = try await engine.run(
            "SELECT count(*), max(id) FROM dataset WHERE id > 500",
            manifest: manifest
        )
        #expect(result.shardCount == 4)
        #expect(result.rows == [[.integer(499), .integer(999)]])
        store.remove(shards[0].cid)
        let fresh = DatasetQueryEngine(store: store, cache: try ShardDatabaseCache(directory: root + "/other-cache"))
        await #expect(throws: ShoalError.self) { _ = try await fresh.run("SELECT 1 FROM dataset", manifest: manifest) }
    }
}
