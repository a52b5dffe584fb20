import Foundation
import ShoalCore
import Testing

@testable import ShoalVector

@Suite("Exact vector search")
struct ExactSearchTests {
    // Dimension 37 exercises the 32-wide, 16-wide and scalar parts of the kernels.
    static let rows = TestData.clustered(count: 900, dimension: 37, clusters: 12, spread: 0.4, seed: 1)
    static let queries = TestData.clustered(count: 40, dimension: 37, clusters: 12, spread: 0.4, seed: 2)

    @Test("exact top-k over shards equals brute force computed independently", arguments: VectorMetric.allCases)
    func exactEqualsBruteForce(metric: VectorMetric) throws {
        for shards in [1, 3, 7] {
            let collection = try TestData.collection(Self.rows, metric: metric, shards: shards)
            for query in Self.queries {
                let reference = TestData.referenceScores(Self.rows, query, metric)
                let expected = TestData.referenceTopK(reference, k: 10)
                let hits = try collection.search(VectorQuery(vector: query, topK: 10, mode: .exact)).hits
                #expect(TestData.sameRanking(hits.map { Int($0.id) }, expected, scores: reference))
                for hit in hits {
                    let want = reference[Int(hit.id)]
                    #expect(abs(Double(hit.score) - want) <= 1e-4 * max(1, abs(want)))
                }
            }
        }
    }

    @Test("the threshold merge across shards is exact", arguments: [VectorMetric.cosine, .l2])
    func thresholdMergeIsExact(metric: VectorMetric) throws {
        let collection = try TestData.collection(Self.rows, metric: metric, shards: 5)
        var partial = 0
        for query in Self.queries {
            let reference = TestData.referenceScores(Self.rows, query, metric)
            // A threshold between the 4th and 5th best scores of the whole set, away from any score.
            let sorted = reference.sorted(by: >)
            let threshold = (sorted[3] + sorted[4]) / 2
            let hits = try collection.search(
                VectorQuery(vector: query, topK: 10, similarityThreshold: Float(threshold), mode: .exact)
            ).hits
            #expect(hits.allSatisfy { $0.score >= Float(threshold) })
            let expected = TestData.referenceTopK(reference, k: 10, threshold: threshold)
            #expect(TestData.sameRanking(hits.map { Int($0.id) }, expected, scores: reference))
            if hits.count < 10 { partial += 1 }
        }
        #expect(partial == Self.queries.count)  // fewer than top_k is a valid answer
    }

    @Test("merge keeps the best k with ties by lower id and drops duplicates")
    func mergeOrder() {
        let a = [SearchHit(id: 5, score: 0.9), SearchHit(id: 2, score: 0.5)]
        let b = [SearchHit(id: 1, score: 0.9), SearchHit(id: 5, score: 0.9), SearchHit(id: 7, score: 0.4)]
        #expect(VectorMerge.merge([a, b], topK: 3).map(\.id) == [1, 5, 2])
        #expect(VectorMerge.merge([a, b], topK: 10, threshold: 0.45).map(\.id) == [1, 5, 2])
        #expect(VectorMerge.merge([a, b], topK: 10, threshold: 1).isEmpty)
    }

    @Test("an all-zero vector has cosine 0 with everything")
    func zeroVectorCosine() throws {
        let collection = try TestData.collection([[0, 0, 0], [1, 0, 0]], metric: .cosine, shards: 1)
        let hits = try collection.search(VectorQuery(vector: [1, 0, 0], topK: 2)).hits
        #expect(hits.map(\.id) == [1, 0])
        #expect(hits.map(\.score) == [1, 0])
    }

    // MARK: - Bad input

    @Test("bad queries give typed errors")
    func badQueries() throws {
        let collection = try TestData.collection(Self.rows, metric: .cosine, shards: 2)
        let good = Self.queries[0]
        func code(_ query: VectorQuery) -> ShoalError.Code? {
            do {
                _ = try collection.search(query)
                return nil
            } catch let error as ShoalError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code(VectorQuery(vector: Array(good.prefix(36)), topK: 3)) == .invalidArgument)
        var nan = good
        nan[3] = .nan
        #expect(code(VectorQuery(vector: nan, topK: 3)) == .invalidArgument)
        var inf = good
        inf[0] = .infinity
        #expect(code(VectorQuery(vector: inf, topK: 3)) == .invalidArgument)
        #expect(code(VectorQuery(vector: good, topK: 0)) == .invalidArgument)
        #expect(code(VectorQuery(vector: good, topK: -4)) == .invalidArgument)
        #expect(code(VectorQuery(vector: good, topK: VectorQuery.maximumTopK + 1)) == .limitExceeded)
        #expect(code(VectorQuery(vector: good, topK: 3, similarityThreshold: .nan)) == .invalidArgument)
        #expect(code(VectorQuery(vector: good, topK: 3)) == nil)
        let error = #expect(throws: ShoalError.self) {
            try collection.search(VectorQuery(vector: Array(good.prefix(36)), topK: 3))
        }
        #expect(error?.message.contains("dimension 36, expected 37") == true)
    }

    @Test("an empty dataset is a typed error")
    func emptyDataset() throws {
        let empty = try VectorCollection(
            name: "nothing",
            dimension: 4,
            metric: .l2,
            shards: [VectorShard(name: "s", vectors: try VectorMatrix(dimension: 4, metric: .l2, rows: []))]
        )
        let error = #expect(throws: ShoalError.self) { try empty.search(VectorQuery(vector: [0, 0, 0, 0], topK: 1)) }
        #expect(error?.message.contains("has no vectors") == true)
    }

    @Test("matrices reject bad rows")
    func badMatrices() {
        #expect(throws: ShoalError.self) { try VectorMatrix(dimension: 2, metric: .l2, rows: [[1, 2, 3]]) }
        #expect(throws: ShoalError.self) { try VectorMatrix(dimension: 2, metric: .l2, rows: [[1, .nan]]) }
        #expect(throws: ShoalError.self) { try VectorMatrix(dimension: 0, metric: .l2, rows: []) }
        #expect(throws: ShoalError.self) { try VectorMatrix(dimension: 2, metric: .l2, rows: [[1, 2]], ids: [1, 2]) }
    }

    @Test("shard request and response messages round-trip through JSON")
    func messagesCodable() throws {
        let request = VectorShardRequest(
            shard: "bafkrei…",
            vector: [0.5, -1],
            topK: 3,
            similarityThreshold: 0.2,
            mode: .auto,
            ef: 40
        )
        let response = VectorShardResponse(shard: "bafkrei…", hits: [SearchHit(id: 3, score: 0.75)], usedIndex: true)
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        #expect(try decoder.decode(VectorShardRequest.self, from: encoder.encode(request)) == request)
        #expect(try decoder.decode(VectorShardResponse.self, from: encoder.encode(response)) == response)
    }
}
