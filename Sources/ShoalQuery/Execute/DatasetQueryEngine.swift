import ShoalCore
public import ShoalDatasets
import ShoalMultiformats
import ShoalParquet

/// Federated SQL over a dataset in a local block store: plans a query, imports missing shards into the
/// ``ShardDatabaseCache`` (by CID), runs the partials per shard and merges them.
public struct DatasetQueryEngine: Sendable {
    /// Where the shards are.
    public let store: BlockStore
    /// Where their SQLite copies go.
    public let cache: ShardDatabaseCache
    /// Row caps and concurrency.
    public var options: QueryOptions

    /// Creates an engine.
    public init(store: BlockStore, cache: ShardDatabaseCache, options: QueryOptions = QueryOptions()) {
        self.store = store
        self.cache = cache
        self.options = options
    }

    /// Plans `sql` against `manifest`'s schema.
    /// - Throws: the planner's errors (`unsupported_sql`, `sql_syntax`, `.limitExceeded`).
    public func plan(_ sql: String, manifest: DatasetManifest) throws -> QueryPlan {
        try QueryPlanner(schema: manifest.schema, maxRows: options.maxRows).plan(sql)
    }

    /// The database file of every shard of `manifest`, importing the ones not cached yet.
    /// - Throws: `ShoalError` `.invalidArgument` when the store lacks a shard, and read or import errors.
    public func shardDatabases(_ manifest: DatasetManifest) throws -> [String] {
        try manifest.shards.map { shard in
            try cache.database(for: shard.cid) {
                guard let bytes = try store.get(shard.cid) else {
                    throw ShoalError(.invalidArgument, "block store \(store.root) has no shard \(shard.cid)")
                }
                return try DatasetTable(parquet: try ParquetReader.read(bytes), schema: manifest.schema)
            }
        }
    }

    /// Runs `sql` over every shard of `manifest`.
    /// - Throws: planning errors before anything runs, then import and execution errors.
    public func run(_ sql: String, manifest: DatasetManifest) async throws -> QueryResult {
        let plan = try plan(sql, manifest: manifest)
        return try await FederatedExecutor.execute(plan, shards: try shardDatabases(manifest), options: options)
    }
}
