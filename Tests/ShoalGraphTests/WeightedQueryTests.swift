import Foundation
import ShoalCore
import ShoalDatasets
import ShoalVector
import Testing

@testable import ShoalGraph

@Suite("graph_query with relation weights")
struct WeightedQueryTests {
    /// S is the only seed (named in the query text). Weights are powers of two so every score below is exact.
    ///
    ///     W ─2── S ─0.25── X ─1──── Z
    ///            └─0.75── Y ─0.125─┘
    static func graph(partitions: Int = 3) throws -> KnowledgeGraph {
        let entities = ["S", "W", "X", "Y", "Z"].map { GraphEntity(id: $0, name: $0 == "S" ? "Sam" : "") }
        let relations = [
            GraphRelation(id: 0, source: "S", target: "X", weight: 0.25),
            GraphRelation(id: 1, source: "S", target: "Y", weight: 0.75),
            GraphRelation(id: 2, source: "X", target: "Z", weight: 1),
            GraphRelation(id: 3, source: "Y", target: "Z", weight: 0.125),
            GraphRelation(id: 4, source: "W", target: "S", weight: 2),
        ]
        return try KnowledgeGraph(entities: entities, relations: relations, partitionCount: partitions)
    }

    @Test("weights change the ranking: score(parent) × decay × weight, best relation wins, above 1 allowed")
    func weightsChangeRanking() throws {
        let graph = try Self.graph()
        let weighted = try graph.graphQuery(
            queryText: "ask Sam",
            queryVector: nil,
            maxHops: 2,
            topK: 5,
            options: GraphQueryOptions(useRelationWeights: true)
        )
        // W: 1 × 0.5 × 2 = 1 (ties S, ranks after it by hop); Y: 0.5 × 0.75; X: 0.5 × 0.25;
        // Z: best of X (0.125 × 0.5 × 1 = 0.0625) and Y (0.375 × 0.5 × 0.125 = 0.0234375).
        #expect(weighted.entities.map(\.id) == ["S", "W", "Y", "X", "Z"])
        #expect(weighted.entities.map(\.score) == [1, 1, 0.375, 0.125, 0.0625])
        #expect(weighted.entities.map(\.hop) == [0, 1, 1, 1, 2])
        // Without the option the weights do not count: every hop-1 vertex scores 0.5 and ties break by id.
        let plain = try graph.graphQuery(queryText: "ask Sam", queryVector: nil, maxHops: 2, topK: 5)
        #expect(plain.entities.map(\.id) == ["S", "W", "X", "Y", "Z"])
        #expect(plain.entities.map(\.score) == [1, 0.5, 0.5, 0.5, 0.25])
    }

    @Test("weighted graph query over the same graph in 1 or 7 partitions gives the same answer")
    func partitionIndependent() throws {
        let one = try GraphQueryTests.graph(partitions: 1, weights: [0.9, 0.3, 0.6, 1.7])
        let seven = try GraphQueryTests.graph(partitions: 7, weights: [0.9, 0.3, 0.6, 1.7])
        let options = GraphQueryOptions(useRelationWeights: true)
        var differsFromPlain = false
        for vector: [Float] in [[1, 0], [0.3, -0.9], [-0.5, 0.5]] {
            for hops in 0...3 {
                let a = try one.graphQuery(
                    queryText: "Dan",
                    queryVector: vector,
                    maxHops: hops,
                    topK: 4,
                    options: options
                )
                let b = try seven.graphQuery(
                    queryText: "Dan",
                    queryVector: vector,
                    maxHops: hops,
                    topK: 4,
                    options: options
                )
                #expect(a.entities == b.entities)
                #expect(a.relations == b.relations)
                let plain = try one.graphQuery(queryText: "Dan", queryVector: vector, maxHops: hops, topK: 4)
                if plain.entities != a.entities { differsFromPlain = true }
            }
        }
        #expect(differsFromPlain)  // the weights matter on this graph, so the comparison above tests them
    }

    /// Weighted layered scoring written independently of the library: vertex → (hop, score).
    static func reference(
        _ relations: [GraphRelation],
        seeds: [String: Double],
        maxHops: Int,
        decay: Double
    ) -> [String: (Int, Double)] {
        var result = seeds.mapValues { (0, $0) }
        var layer = Set(seeds.keys)
        for hop in 1...max(maxHops, 1) where hop <= maxHops {
            var next: [String: Double] = [:]
            for r in relations {
                for (from, to) in [(r.source, r.target), (r.target, r.source)]
                where layer.contains(from) && result[to] == nil {
                    next[to] = max(next[to] ?? -1, result[from]!.1 * decay * r.weight)
                }
            }
            for (vertex, score) in next { result[vertex] = (hop, score) }
            layer = Set(next.keys)
        }
        return result
    }

    @Test("weighted expansion equals an independent reference for 1, 3 and 8 partitions", arguments: [1, 3, 8])
    func equalsReference(partitions: Int) throws {
        let (entities, unweighted) = KHopTests.randomGraph(n: 300, extra: 300, seed: 11)
        var relations = unweighted
        var g = SplitMix64(seed: 29)
        for i in relations.indices { relations[i].weight = Double(g.next() % 1000) / 500 }  // 0 ..< 2
        let graph = try KnowledgeGraph(entities: entities, relations: relations, partitionCount: partitions)
        let seeds = ["v0": 1.0, "v50": 0.7, "v123": 0.4]
        for hops in 0...4 {
            var expansion = try KHopExpansion(
                seeds: seeds,
                maxHops: hops,
                partitioner: graph.partitioner,
                decay: 0.6,
                useRelationWeights: true
            )
            try graph.run(&expansion)
            let expected = Self.reference(relations, seeds: seeds, maxHops: hops, decay: 0.6)
            #expect(expansion.hops == expected.mapValues(\.0))
            #expect(expansion.scores == expected.mapValues(\.1))
        }
    }

    @Test("negative, NaN and infinite weights are typed errors at load time and in responses")
    func badWeights() throws {
        let entities = [GraphEntity(id: "a"), GraphEntity(id: "b")]
        for weight in [-0.5, -.infinity, .infinity, .nan] {
            let error = #expect(throws: ShoalError.self) {
                try KnowledgeGraph(
                    entities: entities,
                    relations: [GraphRelation(id: 0, source: "a", target: "b", weight: weight)],
                    partitionCount: 2
                )
            }
            #expect(error?.code == .invalidArgument)
        }
        #expect(
            try KnowledgeGraph(
                entities: entities,
                relations: [GraphRelation(id: 0, source: "a", target: "b", weight: 0)],
                partitionCount: 2
            ).relationCount == 1
        )
        // From a dataset: the loader's weight column goes through the same check.
        var ids = TableBuilder(schema: try DatasetSchema(parsing: "id:integer"))
        try ids.append([.integer(1)])
        try ids.append([.integer(2)])
        var relations = TableBuilder(schema: try DatasetSchema(parsing: "src:integer,dst:integer,weight:float"))
        try relations.append([.integer(1), .integer(2), .float(-1)])
        let loadError = #expect(throws: ShoalError.self) {
            try GraphDatasetLoader.graph(entities: ids.build(), relations: relations.build(), partitionCount: 1)
        }
        #expect(loadError?.code == .invalidArgument)
        // A partition (a remote node) answering with a bad weight: a protocol violation when weights are used.
        let partitioner = try GraphPartitioner(count: 1)
        for useWeights in [true, false] {
            var expansion = try KHopExpansion(
                seeds: ["a": 1],
                maxHops: 1,
                partitioner: partitioner,
                useRelationWeights: useWeights
            )
            let request = try #require(expansion.nextRequests().first)
            let response = NeighborResponse(
                round: request.round,
                partition: request.partition,
                adjacency: [
                    VertexRelations(
                        vertex: "a",
                        relations: [GraphRelation(id: 0, source: "a", target: "b", weight: .nan)]
                    )
                ]
            )
            if useWeights {
                let error = #expect(throws: ShoalError.self) { try expansion.apply([response]) }
                #expect(error?.code == .protocolViolation)
            } else {
                try expansion.apply([response])
                #expect(expansion.scores["b"] == 0.5)
            }
        }
    }
}

@Suite("Graph query options decoding")
struct GraphQueryOptionsDecodingTests {
    @Test("options encoded without useRelationWeights decode with weights off; a round trip keeps the flag")
    func decodesOlderOptions() throws {
        let older = #"{"decay":0.25,"maximumFrontier":10,"maximumRelations":5,"textMatchScore":1}"#
        let decoded = try JSONDecoder().decode(GraphQueryOptions.self, from: Data(older.utf8))
        #expect(decoded == GraphQueryOptions(decay: 0.25, maximumFrontier: 10, maximumRelations: 5))
        let weighted = GraphQueryOptions(seedCount: 3, useRelationWeights: true)
        let again = try JSONDecoder().decode(GraphQueryOptions.self, from: JSONEncoder().encode(weighted))
        #expect(again == weighted)
    }
}
