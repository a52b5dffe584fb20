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
    /// A weight (1 when the dataset has none); returned, not used in the score.
    public var weight: Double

    /// Creates a relation.
    public init(id: Int, source: String, target: String, type: String = "", weight: Double = 1) {
        self.id = id
        self.source = source
        self.target = target
        self.type = type
        self.weight = weight
    }

    /// The end that is not `vertex` (the source for a self-loop).
    public func otherEnd(from vertex: String) -> String { vertex == source ? target : source }
}
