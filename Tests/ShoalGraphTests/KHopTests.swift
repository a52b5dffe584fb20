import Foundation
import ShoalCore
import ShoalVector
import Testing

@testable import ShoalGraph

@Suite("k-hop expansion in rounds")
struct KHopTests {
    /// A seeded random graph: `n` vertices, a ring (so it is connected) plus `extra` random edges.
    static func randomGraph(n: Int, extra: Int, seed: UInt64) -> (entities: [GraphEntity], relations: [GraphRelation]) {
        var g = SplitMix64(seed: seed)
        var relations: [GraphRelation] = []
        for i in 0..<n {
            relations.append(GraphRelation(id: relations.count, source: "v\(i)", target: "v\((i + 7) % n)"))
        }
        for _ in 0..<extra {
            let a = Int(g.next() % UInt64(n))
            let b = Int(g.next() % UInt64(n))
            relations.append(GraphRelation(id: relations.count, source: "v\(a)", target: "v\(b)"))
        }
        return ((0..<n).map { GraphEntity(id: "v\($0)") }, relations)
    }

    /// Breadth-first search written independently of the library: vertex → hop distance within `maxHops`.
    static func bfs(_ relations: [GraphRelation], from start: String, maxHops: Int) -> [String: Int] {
        var adjacency: [String: [String]] = [:]
        for r in relations {
            adjacency[r.source, default: []].append(r.target)
            adjacency[r.target, default: []].append(r.source)
        }
        var distance = [start: 0]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            guard distance[v]! < maxHops else { continue }
            for w in adjacency[v] ?? [] where distance[w] == nil {
                distance[w] = distance[v]! + 1
                queue.append(w)
            }
        }
        return distance
    }

    @Test("k-hop sets and distances equal a BFS reference", arguments: [1, 3, 8])
    func equalsBFS(partitions: Int) throws {
        let (entities, relations) = Self.randomGraph(n: 400, extra: 300, seed: UInt64(partitions))
        let graph = try KnowledgeGraph(entities: entities, relations: relations, partitionCount: partitions)
        for start in ["v0", "v17", "v399"] {
            for hops in 0...4 {
                #expect(try graph.kHop(from: start, maxHops: hops) == Self.bfs(relations, from: start, maxHops: hops))
            }
        }
    }

    @Test("rounds are at most max_hops, with at most one request per partition per round")
    func roundsBounded() throws {
        let (entities, relations) = Self.randomGraph(n: 500, extra: 500, seed: 3)
        let graph = try KnowledgeGraph(entities: entities, relations: relations, partitionCount: 6)
        var expansion = try KHopExpansion(
            seeds: ["v1": 1, "v2": 1, "v250": 1],
            maxHops: 3,
            partitioner: graph.partitioner
        )
        var rounds = 0
        while !expansion.isFinished {
            let requests = expansion.nextRequests()
            #expect(!requests.isEmpty)
            #expect(requests.count <= 6)
            #expect(Set(requests.map(\.partition)).count == requests.count)
            // Asking again before answering gives nothing (one request per partition per round).
            #expect(expansion.nextRequests().isEmpty)
            for request in requests {
                #expect(request.vertices.allSatisfy { graph.partitioner.partition(of: $0) == request.partition })
            }
            try expansion.apply(requests.map { try graph.answer($0) })
            rounds += 1
        }
        #expect(rounds == 3)
        #expect(expansion.requestsPerRound.count == 3)
        // A graph that runs out of vertices stops early.
        let tiny = try KnowledgeGraph(
            entities: [GraphEntity(id: "a"), GraphEntity(id: "b")],
            relations: [GraphRelation(id: 0, source: "a", target: "b")],
            partitionCount: 4
        )
        var short = try KHopExpansion(seeds: ["a": 1], maxHops: 5, partitioner: tiny.partitioner)
        try tiny.run(&short)
        #expect(short.round == 2)
        #expect(short.hops == ["a": 0, "b": 1])
    }

    @Test("each relation is stored in the partitions of both ends")
    func edgesAtBothEnds() throws {
        let (entities, relations) = Self.randomGraph(n: 200, extra: 100, seed: 9)
        let graph = try KnowledgeGraph(entities: entities, relations: relations, partitionCount: 5)
        for relation in relations {
            for end in [relation.source, relation.target] {
                let partition = graph.partitions[graph.partitioner.partition(of: end)]
                #expect(partition.entities[end] != nil)
                #expect(partition.adjacency[end]?.contains(relation) == true)
            }
        }
    }

    @Test("the partitioner is a fixed hash (FNV-1a 64)")
    func partitionerStable() throws {
        let p = try GraphPartitioner(count: 64)
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; of "" the offset basis 0xcbf29ce484222325.
        #expect(p.partition(of: "a") == Int(UInt64(0xAF63_DC4C_8601_EC8C) % 64))
        #expect(p.partition(of: "") == Int(UInt64(0xCBF2_9CE4_8422_2325) % 64))
        #expect(throws: ShoalError.self) { try GraphPartitioner(count: 0) }
        #expect(throws: ShoalError.self) { try GraphPartitioner(count: GraphPartitioner.maximumPartitions + 1) }
    }

    @Test("bad expansions are typed errors")
    func badExpansions() throws {
        let (entities, relations) = Self.randomGraph(n: 300, extra: 600, seed: 5)
        let graph = try KnowledgeGraph(entities: entities, relations: relations, partitionCount: 3)
        func code(_ body: () throws -> Void) -> ShoalError.Code? {
            do {
                try body()
                return nil
            } catch let error as ShoalError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code { _ = try graph.kHop(from: "v0", maxHops: KHopExpansion.maximumHops + 1) } == .limitExceeded)
        #expect(code { _ = try graph.kHop(from: "v0", maxHops: -1) } == .invalidArgument)
        #expect(code { _ = try graph.kHop(from: "nope", maxHops: 1) } == .invalidArgument)
        #expect(code { _ = try graph.kHop(from: "v0", maxHops: 4, maximumFrontier: 20) } == .limitExceeded)
        // Responses that do not match the round's requests.
        var expansion = try KHopExpansion(seeds: ["v0": 1], maxHops: 2, partitioner: graph.partitioner)
        let requests = expansion.nextRequests()
        #expect(code { try expansion.apply([]) } == .protocolViolation)
        var wrongRound = try graph.answer(requests[0])
        wrongRound.round = 7
        #expect(code { try expansion.apply([wrongRound]) } == .protocolViolation)
        #expect(code { try expansion.apply(requests.map { try graph.answer($0) }) } == nil)
        // A request sent to the wrong partition, or naming a vertex the partition does not own.
        let misrouted = NeighborRequest(round: 1, partition: 0, vertices: ["v0"])
        if graph.partitioner.partition(of: "v0") != 0 {
            #expect(code { _ = try graph.partitions[0].answer(misrouted) } == .invalidArgument)
        }
        #expect(code { _ = try graph.partitions[1].answer(misrouted) } == .invalidArgument)
        // Graph construction.
        #expect(
            code {
                _ = try KnowledgeGraph(
                    entities: [GraphEntity(id: "a"), GraphEntity(id: "a")],
                    relations: [],
                    partitionCount: 2
                )
            } == .invalidArgument
        )
        #expect(
            code {
                _ = try KnowledgeGraph(
                    entities: [GraphEntity(id: "a")],
                    relations: [GraphRelation(id: 0, source: "a", target: "b")],
                    partitionCount: 2
                )
            } == .invalidArgument
        )
    }

    @Test("round messages round-trip through JSON")
    func messagesCodable() throws {
        let request = NeighborRequest(round: 2, partition: 3, vertices: ["a", "b"], perVertexCap: 10)
        let response = NeighborResponse(
            round: 2,
            partition: 3,
            adjacency: [
                VertexRelations(
                    vertex: "a",
                    relations: [GraphRelation(id: 4, source: "a", target: "c", type: "knows", weight: 0.5)]
                )
            ]
        )
        #expect(try JSONDecoder().decode(NeighborRequest.self, from: JSONEncoder().encode(request)) == request)
        #expect(try JSONDecoder().decode(NeighborResponse.self, from: JSONEncoder().encode(response)) == response)
    }

    @Test("a per-vertex cap keeps the heaviest relations")
    func perVertexCap() throws {
        let entities = ["hub", "a", "b", "c"].map { GraphEntity(id: $0) }
        let relations = [
            GraphRelation(id: 0, source: "hub", target: "a", weight: 0.1),
            GraphRelation(id: 1, source: "hub", target: "b", weight: 0.9),
            GraphRelation(id: 2, source: "c", target: "hub", weight: 0.5),
        ]
        let graph = try KnowledgeGraph(entities: entities, relations: relations, partitionCount: 1)
        let response = try graph.answer(NeighborRequest(round: 1, partition: 0, vertices: ["hub"], perVertexCap: 2))
        #expect(response.adjacency[0].relations.map(\.id) == [1, 2])
    }
}
