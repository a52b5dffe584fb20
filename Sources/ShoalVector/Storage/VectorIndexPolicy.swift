/// When shards get an HNSW index and where index files live.
public struct VectorIndexPolicy: Sendable, Hashable {
    /// Shards with at least this many vectors get an HNSW index (smaller ones are searched exactly).
    public var threshold: Int
    /// The index parameters.
    public var parameters: HNSWParameters
    /// The directory of index files (nil: indexes are built in memory and not persisted).
    public var directory: String?

    /// Creates a policy (defaults: threshold 50,000 vectors per shard, datasets.md §3.2; default parameters).
    public init(threshold: Int = 50_000, parameters: HNSWParameters = HNSWParameters(), directory: String? = nil) {
        self.threshold = threshold
        self.parameters = parameters
        self.directory = directory
    }
}

/// What happened to a shard's index when a collection was loaded.
public enum VectorIndexStatus: String, Sendable, Hashable, Codable {
    /// The shard is below the threshold: exact search.
    case none
    /// A valid index file was read.
    case loaded
    /// No index file existed: one was built (and written when the policy has a directory).
    case built
    /// The index file was corrupt or stale: it was rebuilt and rewritten.
    case rebuilt
}
