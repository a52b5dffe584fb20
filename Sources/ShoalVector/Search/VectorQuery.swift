public import ShoalCore

/// How a shard is searched.
public enum VectorSearchMode: String, Sendable, Hashable, Codable {
    /// HNSW where the shard has an index, exact elsewhere.
    case auto
    /// Exact brute force everywhere.
    case exact
}

/// A vector search request: the query vector, how many results, an optional threshold and the mode.
public struct VectorQuery: Sendable, Hashable, Codable {
    /// Largest `topK` accepted.
    public static let maximumTopK = 10_000

    /// The query vector.
    public var vector: [Float]
    /// Results wanted (1…``maximumTopK``).
    public var topK: Int
    /// Keep only results whose score is ≥ this (see ``VectorMetric`` for the score of each metric).
    public var similarityThreshold: Float?
    /// Exact or index search.
    public var mode: VectorSearchMode
    /// The HNSW search breadth (nil: the index's default; raised to `topK` when lower).
    public var ef: Int?

    /// Creates a query.
    public init(
        vector: [Float],
        topK: Int,
        similarityThreshold: Float? = nil,
        mode: VectorSearchMode = .auto,
        ef: Int? = nil
    ) {
        self.vector = vector
        self.topK = topK
        self.similarityThreshold = similarityThreshold
        self.mode = mode
        self.ef = ef
    }

    /// Checks the query against a collection of vectors of `dimension`.
    /// - Throws: ``VectorSearchError`` as a `ShoalError`: `.invalidArgument` for a wrong dimension, a NaN or
    ///   infinite element, top_k ≤ 0, a NaN threshold or ef ≤ 0; `.limitExceeded` for top_k above
    ///   ``maximumTopK``.
    public func validate(dimension: Int) throws {
        guard vector.count == dimension else {
            throw VectorSearchError.wrongDimension(vector.count, expected: dimension)
        }
        if let index = vector.firstIndex(where: { !$0.isFinite }) { throw VectorSearchError.nonFinite(index: index) }
        guard topK >= 1 else { throw VectorSearchError.badTopK(topK) }
        guard topK <= Self.maximumTopK else { throw VectorSearchError.topKTooLarge(topK) }
        if let similarityThreshold, similarityThreshold.isNaN {
            throw ShoalError(.invalidArgument, "vector search: similarity_threshold is NaN")
        }
        if let ef, ef < 1 { throw ShoalError(.invalidArgument, "vector search: ef \(ef) must be at least 1") }
    }
}

/// The typed errors of vector search, as `ShoalError` values with stable codes and messages.
public enum VectorSearchError {
    /// The query vector has `count` elements, the data `expected`.
    public static func wrongDimension(_ count: Int, expected: Int) -> ShoalError {
        ShoalError(.invalidArgument, "vector search: query vector has dimension \(count), expected \(expected)")
    }

    /// Element `index` of the query vector is NaN or infinite.
    public static func nonFinite(index: Int) -> ShoalError {
        ShoalError(.invalidArgument, "vector search: query vector element \(index) is NaN or infinite")
    }

    /// top_k is not positive.
    public static func badTopK(_ topK: Int) -> ShoalError {
        ShoalError(.invalidArgument, "vector search: top_k \(topK) must be at least 1")
    }

    /// top_k is above ``VectorQuery/maximumTopK``.
    public static func topKTooLarge(_ topK: Int) -> ShoalError {
        ShoalError(.limitExceeded, "vector search: top_k \(topK) is above the cap \(VectorQuery.maximumTopK)")
    }

    /// The dataset has no vectors.
    public static func emptyDataset(_ name: String) -> ShoalError {
        ShoalError(.invalidArgument, "vector search: dataset \(name) has no vectors")
    }
}
