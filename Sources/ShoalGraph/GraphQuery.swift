import Foundation
import ShoalCore
import ShoalVector

/// The knobs of ``KnowledgeGraph/graphQuery(queryText:queryVector:maxHops:topK:options:)``.
public struct GraphQueryOptions: Sendable, Hashable, Codable {
    /// Largest top_k accepted.
    public static let maximumTopK = 1000

    /// Seeds taken from the vector search (nil: top_k).
    public var seedCount: Int?
    /// The score factor per hop (see ``KHopExpansion``).
    public var decay: Double
    /// Expand only the best `beamWidth` new vertices of each round (nil: all, exact k-hop).
    public var beamWidth: Int?
    /// The frontier cap of one round.
    public var maximumFrontier: Int
    /// Most relations returned.
    public var maximumRelations: Int
    /// The score a text-matched seed gets.
    public var textMatchScore: Double
    /// Multiply each hop's score by the weight of the relation followed (default false: weights only pick the
    /// relations kept under a cap). See ``KHopExpansion`` for the rule.
    public var useRelationWeights: Bool

    /// Creates options (defaults: seeds = top_k, decay 0.5, no beam, frontier cap 100,000, 100 relations,
    /// text match score 1, relation weights not used in the score).
    public init(
        seedCount: Int? = nil,
        decay: Double = 0.5,
        beamWidth: Int? = nil,
        maximumFrontier: Int = KHopExpansion.defaultMaximumFrontier,
        maximumRelations: Int = 100,
        textMatchScore: Double = 1,
        useRelationWeights: Bool = false
    ) {
        self.seedCount = seedCount
        self.decay = decay
        self.beamWidth = beamWidth
        self.maximumFrontier = maximumFrontier
        self.maximumRelations = maximumRelations
        self.textMatchScore = textMatchScore
        self.useRelationWeights = useRelationWeights
    }

    private enum CodingKeys: String, CodingKey {
        case seedCount, decay, beamWidth, maximumFrontier, maximumRelations, textMatchScore, useRelationWeights
    }

    /// Decodes options; `useRelationWeights` may be absent (options written before it existed), meaning false.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seedCount = try c.decodeIfPresent(Int.self, forKey: .seedCount)
        decay = try c.decode(Double.self, forKey: .decay)
        beamWidth = try c.decodeIfPresent(Int.self, forKey: .beamWidth)
        maximumFrontier = try c.decode(Int.self, forKey: .maximumFrontier)
        maximumRelations = try c.decode(Int.self, forKey: .maximumRelations)
        textMatchScore = try c.decode(Double.self, forKey: .textMatchScore)
        useRelationWeights = try c.decodeIfPresent(Bool.self, forKey: .useRelationWeights) ?? false
    }
}

/// An entity in a graph query result.
public struct RankedEntity: Sendable, Hashable, Codable {
    /// The entity id.
    public var id: String
    /// Its name.
    public var name: String
    /// Its score (see ``KnowledgeGraph/graphQuery(queryText:queryVector:maxHops:topK:options:)``).
    public var score: Double
    /// Hops from the nearest seed (0 for a seed).
    public var hop: Int
}

/// A text unit in a graph query result: an entity's text, ranked with its entity.
public struct RankedTextUnit: Sendable, Hashable, Codable {
    /// The entity the text belongs to.
    public var entity: String
    /// The text.
    public var text: String
    /// The entity's score.
    public var score: Double
}

/// What a graph query returns.
public struct GraphQueryResult: Sendable, Hashable, Codable {
    /// The best entities, best first.
    public var entities: [RankedEntity]
    /// Relations between returned entities, by the sum of their ends' scores (then id).
    public var relations: [GraphRelation]
    /// The non-empty texts of the returned entities, in entity order.
    public var textUnits: [RankedTextUnit]
    /// Expansion rounds run.
    public var rounds: Int
    /// Partition requests per round (each ≤ the partition count).
    public var requestsPerRound: [Int]
    /// Vertices reached by the expansion.
    public var reached: Int
}

extension KnowledgeGraph {
    /// Local search over the graph: seed, expand, rank.
    ///
    /// 1. **Seeds.** The `seedCount` (default `topK`) entities most cosine-similar to `queryVector` get seed score
    ///    `max(similarity, 0)`; entities whose name occurs in `queryText` (case-insensitive, whole name, names of
    ///    at least 2 characters) get ``GraphQueryOptions/textMatchScore`` (the larger of the two is kept).
    /// 2. **Expansion** in `maxHops` rounds (``KHopExpansion``): a vertex first reached in round h scores the best
    ///    `score(parent) × decay` over its round h−1 neighbours, i.e. `seed score × decay^h`; with
    ///    ``GraphQueryOptions/useRelationWeights``, the best `score(parent) × decay × weight` over the relations
    ///    reaching it from round h−1.
    /// 3. **Ranking** by score (higher first), then hop (lower first), then id; the best `topK` are returned with
    ///    the relations among them and their text units.
    /// - Throws: `ShoalError`: `.invalidArgument` when neither a vector nor text is given, for a bad vector
    ///   (``VectorSearchError``), top_k ≤ 0 or negative max_hops; `.limitExceeded` for top_k above
    ///   ``GraphQueryOptions/maximumTopK``, max_hops above ``KHopExpansion/maximumHops`` or a frontier over the cap.
    public func graphQuery(
        queryText: String?,
        queryVector: [Float]?,
        maxHops: Int,
        topK: Int,
        options: GraphQueryOptions = GraphQueryOptions()
    ) throws -> GraphQueryResult {
        guard (1...GraphQueryOptions.maximumTopK).contains(topK) else { throw GraphError.badTopK(topK) }
        guard maxHops >= 0 else { throw GraphError.badHops(maxHops) }
        guard maxHops <= KHopExpansion.maximumHops else { throw GraphError.tooManyHops(maxHops) }
        let text = queryText?.trimmingCharacters(in: .whitespaces) ?? ""
        guard queryVector != nil || !text.isEmpty else {
            throw ShoalError(.invalidArgument, "graph: give a query vector, a query text, or both")
        }
        var seeds: [String: Double] = [:]
        if let queryVector {
            guard let vectors else { throw ShoalError(.invalidArgument, "graph: the entities have no vectors") }
            let hits = try vectors.search(VectorQuery(vector: queryVector, topK: options.seedCount ?? topK))
            for hit in hits.hits { seeds[entityIDs[Int(hit.id)]] = max(Double(hit.score), 0) }
        }
        if !text.isEmpty {
            let haystack = text.lowercased()
            for partition in partitions {
                for entity in partition.entities.values where entity.name.count >= 2 {
                    if haystack.contains(entity.name.lowercased()) {
                        seeds[entity.id] = max(seeds[entity.id] ?? 0, options.textMatchScore)
                    }
                }
            }
        }
        var expansion = try KHopExpansion(
            seeds: seeds,
            maxHops: maxHops,
            partitioner: partitioner,
            decay: options.decay,
            beamWidth: options.beamWidth,
            maximumFrontier: options.maximumFrontier,
            useRelationWeights: options.useRelationWeights
        )
        try run(&expansion)
        return rank(expansion, topK: topK, maximumRelations: options.maximumRelations)
    }

    /// Ranks an expansion's vertices (score desc, hop asc, id asc) and gathers relations and text units.
    func rank(_ expansion: KHopExpansion, topK: Int, maximumRelations: Int) -> GraphQueryResult {
        let ordered = expansion.scores.keys.sorted { a, b in
            let (sa, sb) = (expansion.scores[a]!, expansion.scores[b]!)
            if sa != sb { return sa > sb }
            let (ha, hb) = (expansion.hops[a]!, expansion.hops[b]!)
            if ha != hb { return ha < hb }
            return a < b
        }
        let chosen = ordered.prefix(topK)
        let chosenSet = Set(chosen)
        let entities = chosen.map { id in
            RankedEntity(id: id, name: entity(id)?.name ?? "", score: expansion.scores[id]!, hop: expansion.hops[id]!)
        }
        let relations = expansion.relations.values
            .filter { chosenSet.contains($0.source) && chosenSet.contains($0.target) }
            .sorted { a, b in
                let sa = expansion.scores[a.source]! + expansion.scores[a.target]!
                let sb = expansion.scores[b.source]! + expansion.scores[b.target]!
                return sa != sb ? sa > sb : a.id < b.id
            }
            .prefix(maximumRelations)
        let textUnits = entities.compactMap { ranked -> RankedTextUnit? in
            guard let text = entity(ranked.id)?.text, !text.isEmpty else { return nil }
            return RankedTextUnit(entity: ranked.id, text: text, score: ranked.score)
        }
        return GraphQueryResult(
            entities: entities,
            relations: Array(relations),
            textUnits: textUnits,
            rounds: expansion.round,
            requestsPerRound: expansion.requestsPerRound,
            reached: expansion.hops.count
        )
    }
}
