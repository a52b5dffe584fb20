/// An entity (a vertex) of a knowledge graph.
public struct GraphEntity: Sendable, Hashable, Codable {
    /// The entity id (unique; integer ids are written in decimal).
    public var id: String
    /// A short name (matched against the query text).
    public var name: String
    /// The entity's text unit (a description or a source passage); may be empty.
    public var text: String
    /// The embedding of the entity, if it has one.
    public var vector: [Float]?

    /// Creates an entity.
    public init(id: String, name: String = "", text: String = "", vector: [Float]? = nil) {
        self.id = id
        self.name = name
        self.text = text
        self.vector = vector
    }
}

/// A relation (an edge) between two entities. Expansion treats relations as undirected.
public struct GraphRelation: Sendable, Hashable, Codable {
    /// A unique number (the row of the relations dataset).
    public var id: Int
    /// The source entity id.
    public var source: String
    /// The target entity id.
    public var target: String
    /// The relation type (free text, may be empty).
    public var type: String
    /// A weight (1 when the dataset has none): finite and at least 0 (see ``isValidWeight(_:)``). It picks the
    /// relations kept under a per-vertex cap, and multiplies the score of the vertex it reaches when
    /// ``GraphQueryOptions/useRelationWeights`` is set.
    public var weight: Double

    /// Creates a relation.
    public init(id: Int, source: String, target: String, type: String = "", weight: Double = 1) {
        self.id = id
        self.source = source
        self.target = target
        self.type = type
        self.weight = weight
    }

    /// Whether `weight` is acceptable as a relation weight: finite and at least 0 (0 is allowed; values above 1
    /// are used as given).
    public static func isValidWeight(_ weight: Double) -> Bool { weight.isFinite && weight >= 0 }

    /// The end that is not `vertex` (the source for a self-loop).
    public func otherEnd(from vertex: String) -> String { vertex == source ? target : source }
}
