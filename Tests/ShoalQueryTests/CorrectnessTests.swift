import ShoalQuery
import Testing

/// One query of the correctness suite and how its rows are compared.
struct CorrectnessCase: Sendable, CustomTestStringConvertible {
    enum Order: Sendable {
        /// Row by row (the ORDER BY is total, or the result is one row, or a scan's row order).
        case exact
        /// As multisets (SQL leaves the order undefined).
        case unordered
        /// Ordered by the first N columns; ties compared as sets.
        case ties(Int)
    }

    var sql: String
    var order: Order

    init(_ sql: String, _ order: Order = .exact) {
        self.sql = sql
        self.order = order
    }

    var testDescription: String { sql }
}

/// datasets.md §7 Q1: every query over 1, 7 and 32 shards equals one SQLite over the whole table.
@Suite("Federated SQL equals one SQLite over the whole table (Q1)")
struct CorrectnessTests {
    static let cases: [CorrectnessCase] = [
        // Projection, filter, LIMIT/OFFSET without ORDER BY (scan order), the original design's example.
        .init("SELECT id, text FROM dataset WHERE id > 500 LIMIT 10"),
        .init("SELECT * FROM dataset WHERE amount > 990"),
        .init("SELECT id, text FROM dataset LIMIT 5 OFFSET 99990"),
        .init("SELECT ID, Text FROM dataset WHERE Id < 3"),
        .init("SELECT id FROM dataset WHERE id < 0"),
        // ORDER BY + LIMIT/OFFSET, NULLS FIRST/LAST.
        .init(
            "SELECT id, value * 2 AS v2, upper(category) FROM dataset WHERE value IS NOT NULL AND flag "
                + "ORDER BY value DESC, id LIMIT 25"
        ),
        .init("SELECT id FROM dataset ORDER BY amount NULLS LAST, id LIMIT 20 OFFSET 100"),
        .init("SELECT id, amount FROM dataset ORDER BY amount DESC NULLS FIRST, id DESC LIMIT 15"),
        .init("SELECT id, value FROM dataset ORDER BY value, id LIMIT 10 OFFSET 2000"),
        .init(
            "SELECT id FROM dataset WHERE category IN ('cat-01', 'cat-02') AND NOT flag AND value BETWEEN -10 AND 10 "
                + "ORDER BY id DESC LIMIT 100"
        ),
        .init("SELECT category, id FROM dataset WHERE id < 400 ORDER BY category", .ties(1)),
        // Aggregates with NULLs and all-NULL groups.
        .init("SELECT count(*) FROM dataset"),
        .init(
            "SELECT count(*), count(value), count(amount), sum(amount), total(amount), avg(value), min(value), "
                + "max(value) FROM dataset"
        ),
        .init(
            "SELECT sum(sparse), total(sparse), avg(sparse), min(sparse), max(sparse), count(sparse) FROM dataset "
                + "WHERE category = 'cat-10'"
        ),
        .init(
            "SELECT category, sum(sparse), total(sparse), avg(sparse) FROM dataset GROUP BY category ORDER BY category"
        ),
        .init("SELECT count(*), sum(amount), avg(value), min(text) FROM dataset WHERE id < 0"),
        .init("SELECT category, count(*) FROM dataset WHERE id < 0 GROUP BY category"),
        .init("SELECT sum(value) FROM dataset"),
        // COUNT(DISTINCT) and DISTINCT aggregates.
        .init("SELECT count(DISTINCT text) FROM dataset"),
        .init("SELECT category, count(DISTINCT text), count(*) FROM dataset GROUP BY category ORDER BY category"),
        .init("SELECT avg(DISTINCT amount), sum(DISTINCT amount), count(DISTINCT amount) FROM dataset"),
        .init("SELECT max(text), min(category), count(DISTINCT category) FROM dataset WHERE flag = 1"),
        // GROUP BY one and two keys, HAVING, ORDER BY an aggregate + LIMIT.
        .init(
            "SELECT flag, category, count(*) AS n, avg(amount) FROM dataset GROUP BY flag, category "
                + "ORDER BY flag, category"
        ),
        .init(
            "SELECT category, count(*) AS n FROM dataset GROUP BY category HAVING count(*) > 2000 ORDER BY n DESC, category"
        ),
        .init("SELECT category, sum(amount) AS s FROM dataset GROUP BY category ORDER BY s DESC LIMIT 3"),
        .init("SELECT category FROM dataset GROUP BY 1 HAVING min(amount) = -1000 ORDER BY 1"),
        .init("SELECT category, count(*) FROM dataset GROUP BY category HAVING sum(flag) > 700 ORDER BY 2 DESC, 1"),
        .init("SELECT text, count(*) FROM dataset GROUP BY text ORDER BY count(*) DESC, text LIMIT 5"),
        .init("SELECT amount % 7 AS m, count(*) FROM dataset WHERE amount NOT NULL GROUP BY m ORDER BY m"),
        .init("SELECT category, max(value) FROM dataset GROUP BY category", .unordered),
        .init("SELECT count(*) FROM dataset HAVING count(*) > 5"),
        // DISTINCT.
        .init("SELECT DISTINCT category FROM dataset ORDER BY category"),
        .init("SELECT DISTINCT text FROM dataset WHERE flag", .unordered),
        .init("SELECT DISTINCT flag, category FROM dataset ORDER BY category DESC, flag LIMIT 7 OFFSET 3"),
        .init("SELECT DISTINCT amount / 100 FROM dataset", .unordered),
        // Expressions over aggregates.
        .init(
            "SELECT sum(amount) / count(*) AS mean, round(avg(value), 2) AS r, max(value) - min(value) AS spread "
                + "FROM dataset"
        ),
        .init(
            "SELECT category, round(avg(value), 2) AS r, sum(amount) * 1.0 / count(amount) AS m FROM dataset "
                + "GROUP BY category ORDER BY category"
        ),
        // json_extract, LIKE, GLOB, scalar functions, CASE, CAST.
        .init(
            "SELECT json_extract(attrs, '$.tag') AS tag, count(*), avg(json_extract(attrs, '$.nested.v')) "
                + "FROM dataset GROUP BY tag ORDER BY tag"
        ),
        .init(
            "SELECT id, attrs ->> '$.k' AS k FROM dataset WHERE json_extract(attrs, '$.k') = 42 ORDER BY id LIMIT 50"
        ),
        .init("SELECT count(*) FROM dataset WHERE text LIKE 'al%' OR text LIKE '%TANGO'"),
        .init("SELECT id, text FROM dataset WHERE text GLOB '*ec*' AND id BETWEEN 1000 AND 3000 ORDER BY id"),
        .init(
            "SELECT id, CASE WHEN value > 500 THEN 'high' WHEN value < -500 THEN 'low' ELSE 'mid' END AS band, "
                + "coalesce(amount, -1), ifnull(sparse, 0), nullif(amount, 0) FROM dataset WHERE id % 997 = 0"
        ),
        .init(
            "SELECT id, substr(text, 2, 3), length(text), instr(text, 'a'), replace(text, ' ', '_'), trim('  x '), "
                + "abs(amount), typeof(value), iif(flag, 'y', 'n'), max(amount, 0, sparse), min(id, 5) "
                + "FROM dataset WHERE id IN (1, 2, 3, 500, 99999)"
        ),
        .init(
            "SELECT CAST(value AS INTEGER) AS vi, CAST(id AS TEXT) || '-' || category FROM dataset "
                + "WHERE amount IS NULL ORDER BY id LIMIT 30"
        ),
        .init("SELECT CAST(amount AS TEXT) AS t, count(*) FROM dataset GROUP BY t HAVING t = 5 ORDER BY t"),
    ]

    @Test("query over 1, 7 and 32 shards equals one SQLite", arguments: cases)
    func matchesReference(_ query: CorrectnessCase) async throws {
        let fixture = try QueryFixture.get()
        let want = try fixture.referenceResult(query.sql)
        for shards in QueryFixture.shardings {
            let got = try await fixture.federated(query.sql, shards: shards)
            #expect(got.columns == want.columns, "\(shards) shards")
            #expect(!got.truncated)
            let problem: String?
            switch query.order {
            case .exact: problem = ResultComparison.difference(got.rows, want.rows, ordered: true)
            case .unordered: problem = ResultComparison.difference(got.rows, want.rows, ordered: false)
            case .ties(let keys): problem = ResultComparison.differenceWithTies(got.rows, want.rows, keys: keys)
            }
            #expect(problem == nil, "\(query.sql) over \(shards) shards: \(problem ?? "")")
        }
    }

    @Test("the suite has at least 30 queries, and some return rows")
    func suiteSize() throws {
        #expect(Self.cases.count >= 30)
        let fixture = try QueryFixture.get()
        let nonEmpty = try Self.cases.filter { !(try fixture.referenceResult($0.sql).rows.isEmpty) }
        #expect(nonEmpty.count >= Self.cases.count - 3)
    }
}
