import ShoalCore

/// The knobs of an ``HNSWIndex`` (the names and meaning of hnswlib's).
public struct HNSWParameters: Sendable, Hashable, Codable {
    /// Allowed range of ``m``.
    public static let mRange = 2...100
    /// Largest ``efConstruction`` and ``ef``.
    public static let maximumEf = 100_000

    /// Links per element on levels ≥ 1; level 0 keeps up to `2·m`.
    public var m: Int
    /// The candidate list size while inserting (larger: better graph, slower build).
    public var efConstruction: Int
    /// The default candidate list size while searching (raised to top_k when lower).
    public var ef: Int
    /// The seed of the level generator (splitmix64): the same seed and insertion order give the same graph.
    public var seed: UInt64

    /// Creates parameters (defaults: M 16, efConstruction 200, ef 64, seed 42).
    public init(m: Int = 16, efConstruction: Int = 200, ef: Int = 64, seed: UInt64 = 42) {
        self.m = m
        self.efConstruction = efConstruction
        self.ef = ef
        self.seed = seed
    }

    /// Checks the ranges.
    /// - Throws: `ShoalError` `.invalidArgument` naming the parameter out of range.
    public func validate() throws {
        guard Self.mRange.contains(m) else {
            throw ShoalError(.invalidArgument, "hnsw: M \(m) is outside \(Self.mRange)")
        }
        guard (1...Self.maximumEf).contains(efConstruction) else {
            throw ShoalError(
                .invalidArgument,
                "hnsw: efConstruction \(efConstruction) is outside 1...\(Self.maximumEf)"
            )
        }
        guard (1...Self.maximumEf).contains(ef) else {
            throw ShoalError(.invalidArgument, "hnsw: ef \(ef) is outside 1...\(Self.maximumEf)")
        }
    }
}
