// Test-only driver for scripts/vector-crosscheck.sh: exact search, HNSW search and k-hop expansion over files
// that Tests/crosscheck/vector_crosscheck.py writes and checks against numpy, hnswlib and networkx.
//
//   exact DATA QUERIES DIM K METRIC SHARDS OUT [THRESHOLD]   per query K × (int64 id, float32 score), id -1 = none
//   hnsw DATA QUERIES DIM K METRIC M EFC SEED EF[,EF…] OUT [REPEATS]
//                                                             per ef: OUT.<ef> with K int64 ids per query;
//                                                             prints one JSON line per ef with the QPS (the
//                                                             best of REPEATS timed passes, default 1)
//   khop EDGES STARTS MAXHOPS PARTITIONS OUT                  lines "start hops v1 v2 …" (sorted vertex ids)
//   graphquery VECTORS DIM EDGES QUERIES MAXHOPS TOPK SEEDS PARTITIONS OUT
//                                                             per query one line "id:score:hop …" (vertex i has
//                                                             row i of VECTORS as its embedding)
// Files of floats are raw little-endian float32, row-major.

import Foundation
import ShoalCore
import ShoalGraph
import ShoalVector

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

func readFloats(_ path: String) -> [Float] {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return data.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func write(_ bytes: [UInt8], to path: String) {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fail("cannot write \(path)") }
}

func append<T>(_ value: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: value) { out.append(contentsOf: $0) }
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: exact|hnsw|khop …") }

do {
    switch command {
    case "exact":
        guard args.count >= 8, let dim = Int(args[3]), let k = Int(args[4]),
            let metric = VectorMetric(rawValue: args[5]),
            let shardCount = Int(args[6])
        else { fail("usage: exact DATA QUERIES DIM K METRIC SHARDS OUT [THRESHOLD]") }
        let data = readFloats(args[1])
        let queries = readFloats(args[2])
        let threshold = args.count > 8 ? Float(args[8]) : nil
        let n = data.count / dim
        var shards: [VectorShard] = []
        for s in 0..<shardCount {
            let lo = n * s / shardCount
            let hi = n * (s + 1) / shardCount
            let matrix = try VectorMatrix(
                dimension: dim,
                metric: metric,
                elements: Array(data[(lo * dim)..<(hi * dim)]),
                ids: (lo..<hi).map(Int64.init)
            )
            shards.append(VectorShard(name: "shard-\(s)", vectors: matrix))
        }
        let collection = try VectorCollection(name: "crosscheck", dimension: dim, metric: metric, shards: shards)
        var out: [UInt8] = []
        for q in 0..<(queries.count / dim) {
            let query = VectorQuery(
                vector: Array(queries[(q * dim)..<((q + 1) * dim)]),
                topK: k,
                similarityThreshold: threshold,
                mode: .exact
            )
            let hits = try collection.search(query).hits
            for i in 0..<k {
                append(i < hits.count ? hits[i].id : -1, to: &out)
                append(i < hits.count ? hits[i].score : Float.nan, to: &out)
            }
        }
        write(out, to: args[7])
    case "hnsw":
        guard args.count == 11 || args.count == 12, let dim = Int(args[3]), let k = Int(args[4]),
            let metric = VectorMetric(rawValue: args[5]), let m = Int(args[6]), let efc = Int(args[7]),
            let seed = UInt64(args[8]), let repeats = args.count == 12 ? Int(args[11]) : 1, (1...100).contains(repeats)
        else { fail("usage: hnsw DATA QUERIES DIM K METRIC M EFC SEED EF[,EF…] OUT [REPEATS 1-100]") }
        let efs = args[9].split(separator: ",").compactMap { Int($0) }
        let data = readFloats(args[1])
        let queries = readFloats(args[2])
        let n = data.count / dim
        let matrix = try VectorMatrix(dimension: dim, metric: metric, elements: data, ids: (0..<n).map(Int64.init))
        let start = now()
        let index = try HNSWIndex(vectors: matrix, parameters: HNSWParameters(m: m, efConstruction: efc, seed: seed))
        let buildSeconds = now() - start
        print("{\"build_seconds\": \(buildSeconds), \"n\": \(n)}")
        let queryCount = queries.count / dim
        let queryRows = (0..<queryCount).map { Array(queries[($0 * dim)..<(($0 + 1) * dim)]) }
        var scratch = HNSWScratch()
        for ef in efs {
            var out: [UInt8] = []
            out.reserveCapacity(queryCount * k * 8)
            var results: [[SearchHit]] = []
            var seconds = Double.infinity
            for _ in 0..<repeats {
                results.removeAll(keepingCapacity: true)
                results.reserveCapacity(queryCount)
                let t0 = now()
                for query in queryRows { results.append(index.search(query, topK: k, ef: ef, scratch: &scratch)) }
                seconds = min(seconds, now() - t0)
            }
            for hits in results {
                for i in 0..<k { append(i < hits.count ? hits[i].id : -1, to: &out) }
            }
            write(out, to: "\(args[10]).\(ef)")
            print("{\"ef\": \(ef), \"qps\": \(Double(queryCount) / seconds)}")
        }
    case "khop":
        guard args.count == 6, let maxHops = Int(args[3]), let partitions = Int(args[4]) else {
            fail("usage: khop EDGES STARTS MAXHOPS PARTITIONS OUT")
        }
        guard let edgeText = try? String(contentsOfFile: args[1], encoding: .utf8),
            let startText = try? String(contentsOfFile: args[2], encoding: .utf8)
        else { fail("cannot read the edge or start file") }
        var vertices = Set<String>()
        var relations: [GraphRelation] = []
        for line in edgeText.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count >= 2 else { continue }
            vertices.insert(parts[0])
            vertices.insert(parts[1])
            relations.append(GraphRelation(id: relations.count, source: parts[0], target: parts[1]))
        }
        let graph = try KnowledgeGraph(
            entities: vertices.sorted().map { GraphEntity(id: $0) },
            relations: relations,
            partitionCount: partitions
        )
        var lines: [String] = []
        var maxRequests = 0
        var maxRounds = 0
        for start in startText.split(separator: "\n").map(String.init) where !start.isEmpty {
            for hops in 1...maxHops {
                var expansion = try KHopExpansion(seeds: [start: 1], maxHops: hops, partitioner: graph.partitioner)
                try graph.run(&expansion)
                maxRequests = max(maxRequests, expansion.requestsPerRound.max() ?? 0)
                maxRounds = max(maxRounds, expansion.round - hops)
                lines.append("\(start) \(hops) " + expansion.hops.keys.sorted().joined(separator: " "))
            }
        }
        write(Array((lines.joined(separator: "\n") + "\n").utf8), to: args[5])
        print(
            "{\"max_requests_per_round\": \(maxRequests), \"partitions\": \(partitions), \"rounds_over_max_hops\": \(maxRounds)}"
        )
    case "graphquery":
        guard args.count == 10, let dim = Int(args[2]), let maxHops = Int(args[5]), let topK = Int(args[6]),
            let seeds = Int(args[7]), let partitions = Int(args[8])
        else { fail("usage: graphquery VECTORS DIM EDGES QUERIES MAXHOPS TOPK SEEDS PARTITIONS OUT") }
        let vectors = readFloats(args[1])
        let queries = readFloats(args[4])
        guard let edgeText = try? String(contentsOfFile: args[3], encoding: .utf8) else { fail("cannot read edges") }
        let entities = (0..<(vectors.count / dim)).map {
            GraphEntity(id: String($0), vector: Array(vectors[($0 * dim)..<(($0 + 1) * dim)]))
        }
        var relations: [GraphRelation] = []
        for line in edgeText.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count >= 2 else { continue }
            relations.append(GraphRelation(id: relations.count, source: parts[0], target: parts[1]))
        }
        let graph = try KnowledgeGraph(entities: entities, relations: relations, partitionCount: partitions)
        var lines: [String] = []
        for q in 0..<(queries.count / dim) {
            let result = try graph.graphQuery(
                queryText: nil,
                queryVector: Array(queries[(q * dim)..<((q + 1) * dim)]),
                maxHops: maxHops,
                topK: topK,
                options: GraphQueryOptions(seedCount: seeds)
            )
            lines.append(result.entities.map { "\($0.id):\($0.score):\($0.hop)" }.joined(separator: " "))
        }
        write(Array((lines.joined(separator: "\n") + "\n").utf8), to: args[9])
    default:
        fail("unknown command \(command)")
    }
} catch {
    fail("\(error)")
}
