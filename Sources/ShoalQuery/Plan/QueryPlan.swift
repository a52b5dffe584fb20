/// A federated query split into a per-shard partial query and a merge query, both SQL trees (rendered with
/// ``SQLRenderer``), and serializable so a coordinator can send the shard half to other nodes.
///
/// Execution: every shard runs ``shardQuery`` against its table `dataset`; the rows (with the shard ordinal appended
/// when ``tagsRows`` is set) are inserted, shard by shard, into the table `partials` of an in-memory SQLite whose
/// columns are ``mergeColumns``; ``mergeQuery`` over `partials` gives the result.
public struct QueryPlan: Sendable, Hashable, Codable {
    /// The shape of the query.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// No aggregates: shards filter, project and (with ORDER BY/LIMIT) keep their top rows.
        case scan
        /// Aggregates or GROUP BY: shards compute partial aggregates, the merge combines them.
        case aggregate
    }

    /// One column of the merge table.
    public struct MergeColumn: Sendable, Hashable, Codable {
        /// The column name in `partials`.
        public var name: String
        /// The declared type (giving SQLite's column affinity), or nil for none.
        public var declaredType: String?
        /// What the column holds, for `explain`.
        public var meaning: String

        /// Creates a column.
        public init(name: String, declaredType: String?, meaning: String) {
            self.name = name
            self.declaredType = declaredType
            self.meaning = meaning
        }
    }

    /// The name of the merge table.
    public static let mergeTable = "partials"

    /// The shape of the query.
    public var kind: Kind
    /// The query every shard runs (table `dataset`).
    public var shardQuery: SQLSelect
    /// The columns of the merge table, in the order of a shard row (then `_s` when ``tagsRows``).
    public var mergeColumns: [MergeColumn]
    /// The query over the merge table that gives the result.
    public var mergeQuery: SQLSelect
    /// Whether shard rows end with their rowid (`_r`) and the executor appends the shard ordinal (`_s`), the
    /// hidden tie-breakers that make the merged order equal a scan of the whole table.
    public var tagsRows: Bool
    /// The result column names.
    public var outputColumns: [String]
    /// The result row cap: the merge asks for one more row to tell whether the result was cut.
    public var maxRows: Int
    /// Human-readable notes on each rewrite, for `explain`.
    public var notes: [String]

    /// The SQL each shard runs.
    public var shardSQL: String { SQLRenderer.render(shardQuery) }

    /// The SQL of the merge.
    public var mergeSQL: String { SQLRenderer.render(mergeQuery) }

    /// `CREATE TABLE` for the merge table.
    public var mergeTableSQL: String {
        "CREATE TABLE \(SQLRenderer.quote(Self.mergeTable)) ("
            + mergeColumns.map { SQLRenderer.quote($0.name) + ($0.declaredType.map { " " + $0 } ?? "") }
            .joined(separator: ", ") + ")"
    }

    /// Creates a plan (the planner's output; exposed for decoding and tests).
    public init(
        kind: Kind,
        shardQuery: SQLSelect,
        mergeColumns: [MergeColumn],
        mergeQuery: SQLSelect,
        tagsRows: Bool,
        outputColumns: [String],
        maxRows: Int,
        notes: [String]
    ) {
        self.kind = kind
        self.shardQuery = shardQuery
        self.mergeColumns = mergeColumns
        self.mergeQuery = mergeQuery
        self.tagsRows = tagsRows
        self.outputColumns = outputColumns
        self.maxRows = maxRows
        self.notes = notes
    }

    // MARK: - Explain

    /// A human-readable description of the plan.
    public func explain() -> String {
        var lines = ["plan: \(kind.rawValue)", "", "per shard:", "  " + shardSQL, "", "merge table:"]
        for column in mergeColumns {
            lines.append("  \(column.name)\(column.declaredType.map { " " + $0 } ?? ""): \(column.meaning)")
        }
        lines += ["", "merge (in-memory SQLite):", "  " + mergeSQL, "", "output columns: "]
        lines[lines.count - 1] += outputColumns.joined(separator: ", ")
        lines.append("row cap: \(maxRows) (a longer result is cut and marked truncated)")
        if !notes.isEmpty {
            lines.append("")
            lines.append("rewrites:")
            lines += notes.map { "  - " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
