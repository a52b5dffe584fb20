/// One shard's vectors and, when it is large enough, its HNSW index.
public struct VectorShard: Sendable {
    /// The shard's name (its CID text for dataset shards).
    public let name: String
    /// The vectors (ids are dataset row numbers).
    public let vectors: VectorMatrix
    /// The HNSW index, when built.
    public let index: HNSWIndex?

    /// Creates a shard.
    public init(name: String, vectors: VectorMatrix, index: HNSWIndex? = nil) {
        self.name = name
        self.vectors = vectors
        self.index = index
    }

    /// Answers one shard request: the shard's best `topK` with score ≥ threshold, exact unless an index exists and
    /// the mode allows it. The request must be validated (``VectorQuery/validate(dimension:)``).
    public func answer(_ request: VectorShardRequest, scratch: inout HNSWScratch) -> VectorShardResponse {
        if request.mode == .auto, let index {
            let hits = index.search(
                request.vector,
                topK: request.topK,
                ef: request.ef,
                threshold: request.similarityThreshold,
                scratch: &scratch
            )
            return VectorShardResponse(shard: name, hits: hits, usedIndex: true)
        }
        let hits = ExactSearch.search(
            vectors,
            query: request.vector,
            topK: request.topK,
            threshold: request.similarityThreshold
        )
        return VectorShardResponse(shard: name, hits: hits, usedIndex: false)
    }
}

/// The per-shard message of a vector search (what a coordinator sends to the node holding a shard).
public struct VectorShardRequest: Sendable, Hashable, Codable {
    /// The shard (CID text).
    public var shard: String
    /// The query vector.
    public var vector: [Float]
    /// Results wanted from this shard (k per shard = k: shards are row ranges, so no under-fetch is safe).
    public var topK: Int
    /// The score threshold, applied on the shard (and again after the merge).
    public var similarityThreshold: Float?
    /// Exact or index search.
    public var mode: VectorSearchMode
    /// The HNSW breadth.
    public var ef: Int?

    /// Creates a request.
    public init(
        shard: String,
        vector: [Float],
        topK: Int,
        similarityThreshold: Float?,
        mode: VectorSearchMode,
        ef: Int?
    ) {
        self.shard = shard
        self.vector = vector
        self.topK = topK
        self.similarityThreshold = similarityThreshold
        self.mode = mode
        self.ef = ef
    }
}

/// A shard's answer to a ``VectorShardRequest``.
public struct VectorShardResponse: Sendable, Hashable, Codable {
    /// The shard (CID text).
    public var shard: String
    /// Its best hits, best first.
    public var hits: [SearchHit]
    /// Whether the HNSW index answered (false: exact).
    public var usedIndex: Bool

    /// Creates a response.
    public init(shard: String, hits: [SearchHit], usedIndex: Bool) {
        self.shard = shard
        self.hits = hits
        self.usedIndex = usedIndex
    }
}
