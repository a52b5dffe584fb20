/// One round's request to one graph partition: the frontier vertices it owns (the message a coordinator sends to
/// the node holding the partition; at most one per partition per round).
public struct NeighborRequest: Sendable, Hashable, Codable {
    /// The round (1…max_hops).
    public var round: Int
    /// The partition asked.
    public var partition: Int
    /// The frontier vertices of this partition, sorted.
    public var vertices: [String]
    /// Most edges returned per vertex (highest weight first, then lowest relation id); nil: all.
    public var perVertexCap: Int?

    /// Creates a request.
    public init(round: Int, partition: Int, vertices: [String], perVertexCap: Int? = nil) {
        self.round = round
        self.partition = partition
        self.vertices = vertices
        self.perVertexCap = perVertexCap
    }
}

/// A partition's answer: for each requested vertex, its incident relations (both directions).
public struct NeighborResponse: Sendable, Hashable, Codable {
    /// The round answered.
    public var round: Int
    /// The partition answering.
    public var partition: Int
    /// The relations of each requested vertex, in request order.
    public var adjacency: [VertexRelations]

    /// Creates a response.
    public init(round: Int, partition: Int, adjacency: [VertexRelations]) {
        self.round = round
        self.partition = partition
        self.adjacency = adjacency
    }
}

/// One vertex and its incident relations.
public struct VertexRelations: Sendable, Hashable, Codable {
    /// The vertex.
    public var vertex: String
    /// Its relations (sources or targets equal to `vertex`).
    public var relations: [GraphRelation]

    /// Creates an entry.
    public init(vertex: String, relations: [GraphRelation]) {
        self.vertex = vertex
        self.relations = relations
    }
}
