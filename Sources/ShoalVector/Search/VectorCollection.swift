import ShoalCore

/// The vectors of one dataset column over all its shards, searched by scatter-gather.
public struct VectorCollection: Sendable {
    /// The dataset (or collection) name, for messages.
    public let name: String
    /// The vector dimension.
    public let dimension: Int
    /// The metric.
    public let metric: VectorMetric
    /// The shards, in dataset order.
    public let shards: [VectorShard]

    /// Creates a collection.
    /// - Throws: `ShoalError` `.invalidArgument` when a shard's dimension or metric differs.
    public init(name: String, dimension: Int, metric: VectorMetric, shards: [VectorShard]) throws {
        for shard in shards where shard.vectors.dimension != dimension || shard.vectors.metric != metric {
            throw ShoalError(.invalidArgument, "vector collection \(name): shard \(shard.name) does not match")
        }
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.shards = shards
    }

    /// The number of vectors.
    public var count: Int { shards.reduce(0) { $0 + $1.vectors.count } }

    /// One request per shard for `query` (the scatter step).
    public func requests(for query: VectorQuery) -> [VectorShardRequest] {
        shards.map {
            VectorShardRequest(
                shard: $0.name,
                vector: query.vector,
                topK: query.topK,
                similarityThreshold: query.similarityThreshold,
                mode: query.mode,
                ef: query.ef
            )
        }
    }

    /// Searches every shard and merges (``VectorMerge``).
    /// - Throws: the ``VectorSearchError`` errors for a bad query, and ``VectorSearchError/emptyDataset(_:)``
    ///   when the collection has no vectors.
    public func search(_ query: VectorQuery) throws -> VectorSearchResult {
        try query.validate(dimension: dimension)
        guard count > 0 else { throw VectorSearchError.emptyDataset(name) }
        var scratch = HNSWScratch()
        var responses: [VectorShardResponse] = []
        for (shard, request) in zip(shards, requests(for: query)) {
            responses.append(shard.answer(request, scratch: &scratch))
        }
        let hits = VectorMerge.merge(
            responses.map(\.hits),
            topK: query.topK,
            threshold: query.similarityThreshold
        )
        return VectorSearchResult(
            hits: hits,
            shardsSearched: responses.count,
            shardsUsingIndex: responses.filter(\.usedIndex).count
        )
    }
}

/// What ``VectorCollection/search(_:)`` returns.
public struct VectorSearchResult: Sendable, Hashable, Codable {
    /// The merged hits, best first (fewer than top_k when the threshold or the data leave fewer).
    public var hits: [SearchHit]
    /// Shards asked.
    public var shardsSearched: Int
    /// Shards answered by their HNSW index.
    public var shardsUsingIndex: Int
}
