import ShoalCore

/// One partition of a knowledge graph: the entities whose id hashes to it and every relation touching them.
///
/// A relation between entities of partitions A and B is stored in both (edge-cut, each edge at both ends), so a
/// neighbour lookup is local in both directions.
public struct GraphPartition: Sendable {
    /// The partition number.
    public let index: Int
    /// The entities of this partition by id.
    public private(set) var entities: [String: GraphEntity] = [:]
    /// The relations touching each entity of this partition.
    public private(set) var adjacency: [String: [GraphRelation]] = [:]

    /// Creates an empty partition.
    public init(index: Int) { self.index = index }

    mutating func add(_ entity: GraphEntity) { entities[entity.id] = entity }

    mutating func add(_ relation: GraphRelation, at vertex: String) { adjacency[vertex, default: []].append(relation) }

    /// Answers a round's request.
    /// - Throws: `ShoalError` `.invalidArgument` when the request is for another partition or names a vertex this
    ///   partition does not hold.
    public func answer(_ request: NeighborRequest) throws -> NeighborResponse {
        guard request.partition == index else {
            throw ShoalError(.invalidArgument, "graph: request for partition \(request.partition) sent to \(index)")
        }
        var out: [VertexRelations] = []
        out.reserveCapacity(request.vertices.count)
        for vertex in request.vertices {
            guard entities[vertex] != nil else {
                throw ShoalError(.invalidArgument, "graph: partition \(index) has no entity '\(vertex)'")
            }
            var relations = adjacency[vertex] ?? []
            if let cap = request.perVertexCap, relations.count > cap {
                relations.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.id < $1.id) }
                relations.removeLast(relations.count - max(cap, 0))
            }
            out.append(VertexRelations(vertex: vertex, relations: relations))
        }
        return NeighborResponse(round: request.round, partition: index, adjacency: out)
    }
}
