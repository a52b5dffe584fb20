import Foundation
import ShoalCore
import Testing

@testable import ShoalVector

@Suite("HNSW index")
struct HNSWTests {
    // Small enough for the debug build (building is ~100× slower there than in release); the cross-check suite
    // and the benchmark run the larger sets.
    static let rows = TestData.clustered(count: 2_000, dimension: 24, clusters: 20, spread: 0.5, seed: 11)
    static let queries = TestData.clustered(count: 100, dimension: 24, clusters: 20, spread: 0.5, seed: 12)
    static let parameters = HNSWParameters(m: 12, efConstruction: 64, ef: 48, seed: 7)

    static func matrix(_ metric: VectorMetric) throws -> VectorMatrix {
        try VectorMatrix(dimension: 24, metric: metric, rows: rows)
    }

    @Test("recall@10 is at least 0.95 against brute force", arguments: [VectorMetric.l2, .cosine])
    func recall(metric: VectorMetric) throws {
        let index = try HNSWIndex(vectors: Self.matrix(metric), parameters: Self.parameters)
        var scratch = HNSWScratch()
        var total = 0.0
        for query in Self.queries {
            let hits = index.search(query, topK: 10, scratch: &scratch)
            #expect(hits.count == 10)
            total += TestData.recall(
                found: hits.map(\.id),
                scores: TestData.referenceScores(Self.rows, query, metric),
                k: 10
            )
        }
        let recall = total / Double(Self.queries.count)
        #expect(recall >= 0.95, "recall@10 \(recall)")
    }

    @Test("the same seed and order give the same graph; another seed another")
    func deterministic() throws {
        let vectors = try VectorMatrix(dimension: 24, metric: .l2, rows: Array(Self.rows.prefix(600)))
        let a = try HNSWIndex(vectors: vectors, parameters: Self.parameters)
        let b = try HNSWIndex(vectors: vectors, parameters: Self.parameters)
        var other = Self.parameters
        other.seed = 8
        let c = try HNSWIndex(vectors: vectors, parameters: other)
        #expect(HNSWIndexCodec.encode(a, key: "k") == HNSWIndexCodec.encode(b, key: "k"))
        #expect(HNSWIndexCodec.encode(a, key: "k") != HNSWIndexCodec.encode(c, key: "k"))
    }

    @Test("the index file round-trips and searches the same")
    func persistenceRoundTrip() throws {
        let vectors = try VectorMatrix(dimension: 24, metric: .cosine, rows: Array(Self.rows.prefix(800)))
        let index = try HNSWIndex(vectors: vectors, parameters: Self.parameters)
        let bytes = HNSWIndexCodec.encode(index, key: "shard/vector")
        let decoded = try HNSWIndexCodec.decode(bytes, vectors: vectors, key: "shard/vector")
        #expect(HNSWIndexCodec.encode(decoded, key: "shard/vector") == bytes)
        for query in Self.queries.prefix(20) {
            #expect(decoded.search(query, topK: 5) == index.search(query, topK: 5))
        }
    }

    @Test("damaged or foreign index files are rejected with malformed_input")
    func corruptFiles() throws {
        let vectors = try VectorMatrix(dimension: 24, metric: .l2, rows: Array(Self.rows.prefix(300)))
        let bytes = HNSWIndexCodec.encode(try HNSWIndex(vectors: vectors, parameters: Self.parameters), key: "k")
        func rejects(_ data: [UInt8], key: String = "k", vectors v: VectorMatrix? = nil) -> Bool {
            do {
                _ = try HNSWIndexCodec.decode(data, vectors: v ?? vectors, key: key)
                return false
            } catch let error as ShoalError {
                return error.code == .malformedInput
            } catch {
                return false
            }
        }
        #expect(!rejects(bytes))
        #expect(rejects([]))
        #expect(rejects(Array(bytes.prefix(bytes.count / 2))))
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(rejects(flipped))
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        #expect(rejects(magic))
        #expect(rejects(bytes, key: "other"))
        let fewer = try VectorMatrix(dimension: 24, metric: .l2, rows: Array(Self.rows.prefix(299)))
        #expect(rejects(bytes, vectors: fewer))
        let cosine = try VectorMatrix(dimension: 24, metric: .cosine, rows: Array(Self.rows.prefix(300)))
        #expect(rejects(bytes, vectors: cosine))
        #expect(rejects(bytes + [0]))
    }

    @Test("the loader builds, then loads, and rebuilds a missing or corrupt index file")
    func loaderCache() throws {
        let directory = NSTemporaryDirectory() + "shoal-hnsw-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let vectors = try VectorMatrix(dimension: 24, metric: .l2, rows: Array(Self.rows.prefix(400)))
        let policy = VectorIndexPolicy(threshold: 100, parameters: Self.parameters, directory: directory)
        let (first, s1) = try VectorShardLoader.shard(name: "shard", column: "vector", vectors: vectors, policy: policy)
        #expect(s1 == .built)
        let (_, s2) = try VectorShardLoader.shard(name: "shard", column: "vector", vectors: vectors, policy: policy)
        #expect(s2 == .loaded)
        let path = VectorShardLoader.indexPath(directory: directory, name: "shard", column: "vector", metric: .l2)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[100] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (rebuilt, s3) = try VectorShardLoader.shard(
            name: "shard",
            column: "vector",
            vectors: vectors,
            policy: policy
        )
        #expect(s3 == .rebuilt)
        #expect(
            rebuilt.index.map { HNSWIndexCodec.encode($0, key: "k") }
                == first.index.map { HNSWIndexCodec.encode($0, key: "k") }
        )
        let (_, s4) = try VectorShardLoader.shard(name: "shard", column: "vector", vectors: vectors, policy: policy)
        #expect(s4 == .loaded)
        var changed = policy
        changed.parameters.m = 8
        let (_, s5) = try VectorShardLoader.shard(name: "shard", column: "vector", vectors: vectors, policy: changed)
        #expect(s5 == .rebuilt)
        try FileManager.default.removeItem(atPath: path)
        let (_, s6) = try VectorShardLoader.shard(name: "shard", column: "vector", vectors: vectors, policy: policy)
        #expect(s6 == .built)
        let small = VectorIndexPolicy(threshold: 1000, parameters: Self.parameters, directory: directory)
        let (exact, s7) = try VectorShardLoader.shard(name: "shard", column: "vector", vectors: vectors, policy: small)
        #expect(s7 == .none)
        #expect(exact.index == nil)
    }

    @Test("bad parameters are typed errors")
    func badParameters() throws {
        let vectors = try VectorMatrix(dimension: 24, metric: .l2, rows: Array(Self.rows.prefix(10)))
        for parameters in [
            HNSWParameters(m: 1), HNSWParameters(m: 101), HNSWParameters(efConstruction: 0), HNSWParameters(ef: 0),
        ] {
            #expect(throws: ShoalError.self) { try HNSWIndex(vectors: vectors, parameters: parameters) }
        }
    }

    @Test("threshold and top_k apply to index search; an empty index returns nothing")
    func indexSearchEdges() throws {
        let vectors = try VectorMatrix(dimension: 24, metric: .cosine, rows: Array(Self.rows.prefix(300)))
        let index = try HNSWIndex(vectors: vectors, parameters: Self.parameters)
        let query = Self.queries[0]
        let all = index.search(query, topK: 20)
        let threshold = all[5].score
        let cut = index.search(query, topK: 20, threshold: threshold)
        #expect(cut.allSatisfy { $0.score >= threshold })
        #expect(cut.count >= 6)
        let empty = try HNSWIndex(vectors: VectorMatrix(dimension: 24, metric: .cosine, rows: []))
        #expect(empty.search(query, topK: 3).isEmpty)
    }

    @Test("equal scores across the top-k cut rank by lower id, as exact search does", arguments: VectorMetric.allCases)
    func tiesAtTheCut(metric: VectorMetric) throws {
        // Eight copies of each of 40 distinct vectors, with ids descending as rows ascend: the graph's internal
        // order (rows) and the result order (ids) disagree on every tie.
        let distinct = Array(Self.rows.prefix(40))
        let rows = (0..<320).map { distinct[$0 % 40] }
        let ids = (0..<320).map { Int64(1_000 - $0) }
        let vectors = try VectorMatrix(dimension: 24, metric: metric, rows: rows, ids: ids)
        let index = try HNSWIndex(vectors: vectors, parameters: Self.parameters)
        for query in Self.queries.prefix(10) {
            for topK in [3, 8, 11] {
                let want = ExactSearch.search(vectors, query: query, topK: topK)
                let got = index.search(query, topK: topK, ef: 320)
                #expect(got.map(\.id) == want.map(\.id), "top-\(topK)")
                // The same with a threshold at the last score: the tied hits below the cut stay out.
                let threshold = want[topK - 1].score
                let cut = index.search(query, topK: topK, ef: 320, threshold: threshold)
                #expect(cut.map(\.id) == want.map(\.id), "top-\(topK), threshold")
            }
        }
    }
}
