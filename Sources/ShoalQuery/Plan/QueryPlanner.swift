import ShoalCore
public import ShoalDatasets

/// Rewrites a one-table `SELECT` into a ``QueryPlan``: a partial query per shard and a merge query.
///
/// Rules (datasets.md §1.2): WHERE and projections run on the shards; without aggregates, ORDER BY + LIMIT n
/// OFFSET m becomes a top-(n+m) per shard and the merge re-sorts (hidden `(shard, rowid)` tie-breakers keep a scan's
/// order); aggregates become mergeable partials — COUNT → SUM of counts, AVG → TOTAL and COUNT divided at the
/// merge, SUM/TOTAL/MIN/MAX → themselves, COUNT(DISTINCT x) → the shard groups by x and the merge counts distinct
/// values; GROUP BY is pushed down with the partials, HAVING, ORDER BY, DISTINCT, LIMIT and OFFSET are applied at
/// the merge, and expressions over aggregates are evaluated there over the merged partials.
public struct QueryPlanner: Sendable {
    /// Largest OFFSET accepted (each shard returns OFFSET + LIMIT rows; page with a keyset filter instead).
    public static let maximumOffset: Int64 = 100_000
    /// The default result row cap.
    public static let defaultMaxRows = 10_000
    /// Largest result row cap.
    public static let maximumMaxRows = 10_000_000

    /// The dataset schema (column names and types).
    public let schema: DatasetSchema
    /// The result row cap.
    public let maxRows: Int

    /// Creates a planner.
    /// - Parameters:
    ///   - schema: the dataset schema.
    ///   - maxRows: the result row cap, 1...``maximumMaxRows`` (clamped).
    public init(schema: DatasetSchema, maxRows: Int = QueryPlanner.defaultMaxRows) {
        self.schema = schema
        self.maxRows = min(max(maxRows, 1), Self.maximumMaxRows)
    }

    /// Parses and plans `sql`.
    /// - Throws: the parser's errors; `sql_syntax` for unknown columns or misplaced aggregates; `unsupported_sql`
    ///   for bare columns in aggregate queries and other shapes that cannot be merged; `.limitExceeded` for an
    ///   OFFSET over ``maximumOffset``.
    public func plan(_ sql: String) throws -> QueryPlan { try plan(SQLParser.parse(sql)) }

    /// Plans a parsed statement.
    /// - Throws: as ``plan(_:)-(String)``.
    public func plan(_ select: SQLSelect) throws -> QueryPlan {
        do {
            let resolved = try resolve(select)
            if let offset = resolved.offset, offset > Self.maximumOffset {
                throw ShoalError(
                    .limitExceeded,
                    "OFFSET \(offset) exceeds \(Self.maximumOffset) (page with a WHERE on the sort key instead)"
                )
            }
            let isAggregate =
                !resolved.groupBy.isEmpty || resolved.having != nil
                || resolved.items.contains { $0.expression?.containsAggregate == true }
                || resolved.orderBy.contains { $0.expression.containsAggregate }
            return isAggregate ? try aggregatePlan(resolved) : try scanPlan(resolved)
        } catch let diagnostic as SQLDiagnostic {
            throw diagnostic.error
        }
    }

    // MARK: - Shared pieces

    /// The merge LIMIT: the user's, but never more than one row past the cap.
    var mergeLimit: (Int64?) -> Int64 {
        let cap = Int64(maxRows) + 1
        return { limit in limit.map { min($0, cap) } ?? cap }
    }

    /// The SQLite affinity an expression carries into a column (columns and CASTs have one; other expressions do
    /// not), so the merge compares values as the single-table query would.
    func affinity(_ e: SQLExpression) -> String? {
        switch e {
        case .column(let name):
            guard let i = schema.index(of: name) else { return nil }
            return ShardImporter.declaredType(schema.fields[i].type)
        case .cast(_, let type):
            switch type {
            case "INTEGER", "INT", "BIGINT": return "INTEGER"
            case "REAL", "FLOAT", "DOUBLE": return "REAL"
            case "TEXT", "VARCHAR", "CHAR": return "TEXT"
            case "NUMERIC", "DECIMAL", "BOOLEAN": return "NUMERIC"
            default: return nil
            }
        default:
            return nil
        }
    }

    static func item(_ e: SQLExpression, _ alias: String, at position: SQLPosition) -> SQLSelectItem {
        SQLSelectItem(.expression(e), alias: alias, name: alias, position: position)
    }
}

extension SQLSelectItem {
    /// The expression, or nil for `*`.
    var expression: SQLExpression? {
        if case .expression(let e) = value { return e }
        return nil
    }
}
