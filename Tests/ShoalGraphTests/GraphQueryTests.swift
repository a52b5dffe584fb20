import Foundation
import ShoalCore
import ShoalDatasets
import ShoalVector
import Testing

@testable import ShoalGraph

@Suite("graph_query: seed, expand, rank")
struct GraphQueryTests {
    /// A–B–C–D–E, vectors on the unit circle; E is close to A's direction (cosine 0.8 with [1, 0]). `weights` are
    /// those of relations 0…3 (default 1).
    static func graph(partitions: Int = 3, weights: [Double] = [1, 1, 1, 1]) throws -> KnowledgeGraph {
        let entities = [
            GraphEntity(id: "A", name: "Alice", text: "Alice runs the lab.", vector: [1, 0]),
            GraphEntity(id: "B", name: "Bob", text: "Bob works for Alice.", vector: [0, 1]),
            GraphEntity(id: "C", name: "Carol", text: "", vector: [-1, 0]),
            GraphEntity(id: "D", name: "Dan", text: "Dan knows Carol.", vector: [0, -1]),
            GraphEntity(id: "E", name: "Eve", text: "Eve audits the lab.", vector: [0.8, 0.6]),
        ]
        let relations = [
            GraphRelation(id: 0, source: "A", target: "B", type: "manages", weight: weights[0]),
            GraphRelation(id: 1, source: "B", target: "C", type: "knows", weight: weights[1]),
            GraphRelation(id: 2, source: "C", target: "D", type: "knows", weight: weights[2]),
            GraphRelation(id: 3, source: "E", target: "D", type: "audits", weight: weights[3]),
        ]
        return try KnowledgeGraph(entities: entities, relations: relations, partitionCount: partitions)
    }

    @Test("one seed: scores decay by half per hop and hops are reported")
    func oneSeed() throws {
        let result = try Self.graph().graphQuery(
            queryText: nil,
            queryVector: [1, 0],
            maxHops: 2,
            topK: 5,
            options: GraphQueryOptions(seedCount: 1)
        )
        #expect(result.entities.map(\.id) == ["A", "B", "C"])
        #expect(result.entities.map(\.hop) == [0, 1, 2])
        #expect(result.entities.map(\.score) == [1, 0.5, 0.25])
        #expect(result.relations.map(\.id) == [0, 1])
        #expect(result.textUnits.map(\.entity) == ["A", "B"])  // C has no text
        #expect(result.rounds == 2)
        #expect(result.requestsPerRound.allSatisfy { $0 <= 3 })
    }

    @Test("two seeds: a vertex keeps its best path score; ranking by score then hop then id")
    func twoSeeds() throws {
        let result = try Self.graph().graphQuery(
            queryText: nil,
            queryVector: [1, 0],
            maxHops: 2,
            topK: 5,
            options: GraphQueryOptions(seedCount: 2)
        )
        #expect(result.entities.map(\.id) == ["A", "E", "B", "D", "C"])
        let scores = result.entities.map(\.score)
        #expect(abs(scores[1] - 0.8) < 1e-6 && abs(scores[3] - 0.4) < 1e-6)
        #expect(scores[4] == 0.25)  // via B (0.5 × 0.5), not via D (0.4 × 0.5)
        #expect(result.entities.map(\.hop) == [0, 0, 1, 1, 2])
        // top_k cuts the list; relations only between returned entities.
        let top3 = try Self.graph().graphQuery(
            queryText: nil,
            queryVector: [1, 0],
            maxHops: 2,
            topK: 3,
            options: GraphQueryOptions(seedCount: 2)
        )
        #expect(top3.entities.map(\.id) == ["A", "E", "B"])
        #expect(top3.relations.map(\.id) == [0])
    }

    @Test("query text seeds entities whose name it mentions")
    func textSeeds() throws {
        let result = try Self.graph().graphQuery(
            queryText: "what does carol do?",
            queryVector: nil,
            maxHops: 1,
            topK: 5
        )
        #expect(result.entities.map(\.id) == ["C", "B", "D"])
        #expect(result.entities.map(\.score) == [1, 0.5, 0.5])
    }

    @Test("graph query over the same graph in 1 or 7 partitions gives the same answer")
    func partitionIndependent() throws {
        let one = try Self.graph(partitions: 1)
        let seven = try Self.graph(partitions: 7)
        for vector: [Float] in [[1, 0], [0.3, -0.9], [-0.5, 0.5]] {
            for hops in 0...3 {
                let a = try one.graphQuery(queryText: "Dan", queryVector: vector, maxHops: hops, topK: 4)
                let b = try seven.graphQuery(queryText: "Dan", queryVector: vector, maxHops: hops, topK: 4)
                #expect(a.entities == b.entities)
                #expect(a.relations == b.relations)
            }
        }
    }

    @Test("bad graph queries are typed errors")
    func badQueries() throws {
        let graph = try Self.graph()
        func code(
            _ text: String?,
            _ vector: [Float]?,
            hops: Int = 1,
            topK: Int = 3,
            frontier: Int? = nil
        ) -> ShoalError.Code? {
            do {
                var options = GraphQueryOptions()
                if let frontier { options.maximumFrontier = frontier }
                _ = try graph.graphQuery(
                    queryText: text,
                    queryVector: vector,
                    maxHops: hops,
                    topK: topK,
                    options: options
                )
                return nil
            } catch let error as ShoalError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code(nil, [1, 0]) == nil)
        #expect(code(nil, [1, 0], hops: 6) == .limitExceeded)
        #expect(code(nil, [1, 0], hops: -1) == .invalidArgument)
        #expect(code(nil, [1, 0], topK: 0) == .invalidArgument)
        #expect(code(nil, [1, 0], topK: GraphQueryOptions.maximumTopK + 1) == .limitExceeded)
        #expect(code(nil, [1, 0, 0]) == .invalidArgument)
        #expect(code(nil, [.nan, 0]) == .invalidArgument)
        #expect(code(nil, nil) == .invalidArgument)
        #expect(code("  ", nil) == .invalidArgument)
        #expect(code(nil, [1, 0], hops: 3, topK: 5, frontier: 1) == .limitExceeded)
    }

    @Test("a graph loads from entity and relation tables")
    func fromTables() throws {
        var entities = TableBuilder(
            schema: try DatasetSchema(parsing: "id:integer,name:string,text:string,vector:float[2]?")
        )
        try entities.append([.integer(1), .string("Alice"), .string("a"), .vector([1, 0])])
        try entities.append([.integer(2), .string("Bob"), .string("b"), .null])
        try entities.append([.integer(3), .string("Carol"), .string("c"), .vector([0, 1])])
        var relations = TableBuilder(
            schema: try DatasetSchema(parsing: "src:integer,dst:integer,type:string,weight:float")
        )
        try relations.append([.integer(1), .integer(2), .string("knows"), .float(0.5)])
        try relations.append([.integer(2), .integer(3), .string("knows"), .float(1)])
        let graph = try GraphDatasetLoader.graph(
            entities: entities.build(),
            relations: relations.build(),
            partitionCount: 2
        )
        #expect(graph.entity("2")?.vector == nil)
        #expect(graph.vectors?.count == 2)
        let result = try graph.graphQuery(
            queryText: nil,
            queryVector: [1, 0.1],
            maxHops: 2,
            topK: 3,
            options: GraphQueryOptions(seedCount: 1)
        )
        #expect(result.entities.map(\.id) == ["1", "2", "3"])
        #expect(result.relations.first?.weight == 0.5)
        var bad = TableBuilder(schema: try DatasetSchema(parsing: "src:integer,target:integer"))
        try bad.append([.integer(1), .integer(2)])
        #expect(throws: ShoalError.self) {
            try GraphDatasetLoader.graph(entities: entities.build(), relations: bad.build(), partitionCount: 2)
        }
    }
}
