import ShoalCore
public import ShoalVector

/// A knowledge graph split into hash partitions, with the entity embeddings searchable for seeding.
public struct KnowledgeGraph: Sendable {
    /// The partitioner (entity id → partition).
    public let partitioner: GraphPartitioner
    /// The partitions, by number.
    public let partitions: [GraphPartition]
    /// Every entity id, sorted (the vector ids are positions in this list).
    public let entityIDs: [String]
    /// The entity embeddings (one shard per partition, cosine), nil when no entity has a vector.
    public let vectors: VectorCollection?
    /// The number of relations.
    public let relationCount: Int

    /// Builds the partitions.
    /// - Parameters:
    ///   - entities: the entities (unique ids).
    ///   - relations: the relations (both ends must be entities).
    ///   - partitionCount: the number of partitions.
    ///   - indexPolicy: when partitions get an HNSW index over their embeddings (default: exact below 50,000).
    /// - Throws: `ShoalError` `.invalidArgument` for a repeated entity id, a relation to an unknown entity, a
    ///   relation weight that is negative, NaN or infinite (``GraphRelation/isValidWeight(_:)``), or embeddings of different dimensions or with non-finite elements.
    public init(
        entities: [GraphEntity],
        relations: [GraphRelation],
        partitionCount: Int,
        indexPolicy: VectorIndexPolicy = VectorIndexPolicy()
    ) throws {
        let partitioner = try GraphPartitioner(count: partitionCount)
        var parts = (0..<partitionCount).map { GraphPartition(index: $0) }
        var ids = Set<String>()
        for entity in entities {
            guard ids.insert(entity.id).inserted else {
                throw ShoalError(.invalidArgument, "graph: entity id '\(entity.id)' appears twice")
            }
            parts[partitioner.partition(of: entity.id)].add(entity)
        }
        for relation in relations {
            guard GraphRelation.isValidWeight(relation.weight) else {
                throw ShoalError(
                    .invalidArgument,
                    "graph: relation \(relation.id) (\(relation.source) → \(relation.target)) has weight \(relation.weight); weights must be finite and at least 0"
                )
            }
            for end in [relation.source, relation.target] where !ids.contains(end) {
                throw ShoalError(
                    .invalidArgument,
                    "graph: relation \(relation.id) (\(relation.source) → \(relation.target)) names unknown entity '\(end)'"
                )
            }
            let a = partitioner.partition(of: relation.source)
            parts[a].add(relation, at: relation.source)
            if relation.target != relation.source {
                parts[partitioner.partition(of: relation.target)].add(relation, at: relation.target)
            }
        }
        let sorted = ids.sorted()
        self.partitioner = partitioner
        self.partitions = parts
        self.entityIDs = sorted
        self.relationCount = relations.count
        self.vectors = try Self.embeddings(entities, sorted, partitioner, indexPolicy)
    }

    /// The entity with `id`.
    public func entity(_ id: String) -> GraphEntity? { partitions[partitioner.partition(of: id)].entities[id] }

    /// Answers one round's request locally (the network shell does the same on the node holding the partition).
    public func answer(_ request: NeighborRequest) throws -> NeighborResponse {
        guard request.partition >= 0, request.partition < partitions.count else {
            throw ShoalError(.invalidArgument, "graph: no partition \(request.partition)")
        }
        return try partitions[request.partition].answer(request)
    }

    /// Runs `expansion` to the end against the local partitions.
    public func run(_ expansion: inout KHopExpansion) throws {
        while !expansion.isFinished {
            let requests = expansion.nextRequests()
            try expansion.apply(requests.map { try answer($0) })
        }
    }

    /// The vertices within `maxHops` of `start` with their hop distance (a single-seed expansion).
    /// - Throws: `ShoalError` for an unknown start, max_hops out of range, or a frontier over the cap.
    public func kHop(
        from start: String,
        maxHops: Int,
        maximumFrontier: Int = KHopExpansion.defaultMaximumFrontier
    )
        throws -> [String: Int]
    {
        guard entity(start) != nil else { throw ShoalError(.invalidArgument, "graph: no entity '\(start)'") }
        var expansion = try KHopExpansion(
            seeds: [start: 1],
            maxHops: maxHops,
            partitioner: partitioner,
            maximumFrontier: maximumFrontier
        )
        try run(&expansion)
        return expansion.hops
    }

    private static func embeddings(
        _ entities: [GraphEntity],
        _ sortedIDs: [String],
        _ partitioner: GraphPartitioner,
        _ policy: VectorIndexPolicy
    ) throws -> VectorCollection? {
        let withVectors = entities.filter { $0.vector != nil }
        guard let dimension = withVectors.first?.vector?.count else { return nil }
        let position = Dictionary(uniqueKeysWithValues: sortedIDs.enumerated().map { ($1, Int64($0)) })
        var rows = [[[Float]]](repeating: [], count: partitioner.count)
        var rowIDs = [[Int64]](repeating: [], count: partitioner.count)
        for entity in withVectors.sorted(by: { $0.id < $1.id }) {
            let p = partitioner.partition(of: entity.id)
            rows[p].append(entity.vector!)
            rowIDs[p].append(position[entity.id]!)
        }
        var shards: [VectorShard] = []
        for p in 0..<partitioner.count {
            let matrix = try VectorMatrix(dimension: dimension, metric: .cosine, rows: rows[p], ids: rowIDs[p])
            shards.append(
                try VectorShardLoader.shard(name: "partition-\(p)", column: "vector", vectors: matrix, policy: policy).0
            )
        }
        return try VectorCollection(name: "entities", dimension: dimension, metric: .cosine, shards: shards)
    }
}
