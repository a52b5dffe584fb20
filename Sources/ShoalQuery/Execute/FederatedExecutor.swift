public import GRDB
import ShoalCore

/// Limits of one federated execution.
public struct QueryOptions: Sendable, Hashable {
    /// The result row cap (a longer result is cut and marked ``QueryResult/truncated``).
    public var maxRows: Int
    /// Most partial rows all shards together may return (GROUP BY on a near-unique key, SELECT DISTINCT without
    /// ORDER BY); past it the query fails with `.limitExceeded` instead of growing memory.
    public var maxPartialRows: Int
    /// Most shards queried at the same time.
    public var concurrency: Int
    /// The deadline of one execution (shards and merge); past it SQLite is interrupted and the query fails with
    /// `.timeout`.
    public var timeout: Duration

    /// Creates options.
    public init(
        maxRows: Int = QueryPlanner.defaultMaxRows,
        maxPartialRows: Int = 2_000_000,
        concurrency: Int = 4,
        timeout: Duration = .seconds(120)
    ) {
        self.maxRows = maxRows
        self.maxPartialRows = maxPartialRows
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
    }
}

/// Runs a ``QueryPlan``: the shard query on each shard database (concurrently, bounded), then the merge in an
/// in-memory SQLite.
public enum FederatedExecutor {
    /// Runs `plan` over the shard databases at `paths` (in dataset row order), within `options.timeout`.
    /// - Throws: `ShoalError` `.limitExceeded` past `options.maxPartialRows`, `.timeout` past the deadline, `.io`
    ///   when a shard database cannot be opened or read; task cancellation interrupts SQLite.
    public static func execute(
        _ plan: QueryPlan,
        shards paths: [String],
        options: QueryOptions
    ) async throws -> QueryResult {
        let timeout = options.timeout
        return try await withThrowingTaskGroup(of: QueryResult.self) { group in
            group.addTask { try await executeWithoutDeadline(plan, shards: paths, options: options) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ShoalError(.timeout, "the query did not finish within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else {
                throw ShoalError(.internalError, "query execution produced no result")
            }
            return first
        }
    }

    static func executeWithoutDeadline(
        _ plan: QueryPlan,
        shards paths: [String],
        options: QueryOptions
    ) async throws -> QueryResult {
        try Task.checkCancellation()
        let shardSQL = plan.shardSQL
        let budget = options.maxPartialRows
        var partials = Array(repeating: [[DatabaseValue]](), count: paths.count)
        try await withThrowingTaskGroup(of: (Int, [[DatabaseValue]]).self) { group in
            var next = 0
            func start() {
                let i = next
                next += 1
                group.addTask { (i, try await runShard(shardSQL, at: paths[i], budget: budget)) }
            }
            while next < min(options.concurrency, paths.count) { start() }
            var total = 0
            while let (i, rows) = try await group.next() {
                partials[i] = rows
                total += rows.count
                guard total <= budget else {
                    group.cancelAll()
                    throw partialLimitError(budget)
                }
                if next < paths.count { start() }
            }
        }
        try Task.checkCancellation()
        return try merge(plan, partials: partials)
    }

    /// Runs the shard SQL on one shard database (read-only).
    static func runShard(_ sql: String, at path: String, budget: Int) async throws -> [[DatabaseValue]] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw ShoalError(.io, "cannot open shard database \(path)", cause: error)
        }
        let rows = try await queue.read { db in
            var out: [[DatabaseValue]] = []
            let cursor = try Row.fetchCursor(db, sql: sql)
            while let row = try cursor.next() {
                out.append(Array(row.databaseValues))
                if out.count > budget { throw partialLimitError(budget) }
            }
            return out
        }
        try queue.close()
        return rows
    }

    static func partialLimitError(_ budget: Int) -> ShoalError {
        ShoalError(
            .limitExceeded,
            "the shards returned more than \(budget) partial rows (narrow the query with WHERE, or add ORDER BY and LIMIT)"
        )
    }

    /// Inserts the partial rows (shard by shard) into an in-memory `partials` table and runs the merge query.
    /// - Parameters:
    ///   - plan: the plan.
    ///   - partials: each shard's rows, in shard order.
    /// - Throws: GRDB errors from SQLite (not expected for a plan the planner made).
    public static func merge(_ plan: QueryPlan, partials: [[[DatabaseValue]]]) throws -> QueryResult {
        let queue = try DatabaseQueue()
        let mergeSQL = plan.mergeSQL
        let cap = plan.maxRows
        let rows: [[QueryValue]] = try queue.writeWithoutTransaction { db in
            try db.execute(sql: plan.mergeTableSQL)
            let placeholders = Array(repeating: "?", count: plan.mergeColumns.count).joined(separator: ", ")
            let insert = try db.makeStatement(sql: "INSERT INTO \"\(QueryPlan.mergeTable)\" VALUES (\(placeholders))")
            try db.inTransaction {
                for (ordinal, shardRows) in partials.enumerated() {
                    for row in shardRows {
                        var values = row
                        if plan.tagsRows { values.append(Int64(ordinal).databaseValue) }
                        insert.setUncheckedArguments(StatementArguments(values))
                        try insert.execute()
                    }
                }
                return .commit
            }
            var out: [[QueryValue]] = []
            let cursor = try Row.fetchCursor(db, sql: mergeSQL)
            while let row = try cursor.next(), out.count <= cap {
                out.append(row.databaseValues.map(QueryValue.init))
            }
            return out
        }
        try queue.close()
        let truncated = rows.count > cap
        return QueryResult(
            columns: plan.outputColumns,
            rows: truncated ? Array(rows.prefix(cap)) : rows,
            truncated: truncated,
            shardCount: partials.count,
            partialRowCount: partials.reduce(0) { $0 + $1.count }
        )
    }
}
