import ShoalCore
import ShoalVector

/// Seeded test vectors (splitmix64, Box-Muller free: uniform in [-1, 1) around cluster centres).
enum TestData {
    static func uniform(_ generator: inout SplitMix64) -> Float { Float(generator.nextUnit() * 2 - 1) }

    /// `count` vectors of `dimension` around `clusters` centres.
    static func clustered(count: Int, dimension: Int, clusters: Int, spread: Float, seed: UInt64) -> [[Float]] {
        var g = SplitMix64(seed: seed)
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in uniform(&g) } }
        return (0..<count).map { _ in
            let centre = centres[Int(g.next() % UInt64(clusters))]
            return centre.map { $0 + spread * uniform(&g) }
        }
    }

    /// The brute-force scores of `query` against `rows` in double precision, written out per metric.
    static func referenceScores(_ rows: [[Float]], _ query: [Float], _ metric: VectorMetric) -> [Double] {
        rows.map { row in
            var dot = 0.0
            var qq = 0.0
            var rr = 0.0
            var l2 = 0.0
            for (a, b) in zip(query, row) {
                dot += Double(a) * Double(b)
                qq += Double(a) * Double(a)
                rr += Double(b) * Double(b)
                l2 += (Double(a) - Double(b)) * (Double(a) - Double(b))
            }
            switch metric {
            case .dot: return dot
            case .cosine: return qq == 0 || rr == 0 ? 0 : dot / (qq.squareRoot() * rr.squareRoot())
            case .l2: return -l2.squareRoot()
            }
        }
    }

    /// The reference top-k ids: by score descending, ties by lower id.
    static func referenceTopK(_ scores: [Double], k: Int, threshold: Double? = nil) -> [Int] {
        scores.indices
            .filter { threshold == nil || scores[$0] >= threshold! }
            .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            .prefix(k)
            .map { $0 }
    }

    /// A collection of `rows` cut into `shards` contiguous shards (ids = row numbers), exact search only.
    static func collection(_ rows: [[Float]], metric: VectorMetric, shards: Int) throws -> VectorCollection {
        let dimension = rows[0].count
        var parts: [VectorShard] = []
        for s in 0..<shards {
            let range = (rows.count * s / shards)..<(rows.count * (s + 1) / shards)
            let matrix = try VectorMatrix(
                dimension: dimension,
                metric: metric,
                rows: Array(rows[range]),
                ids: range.map(Int64.init)
            )
            parts.append(VectorShard(name: "s\(s)", vectors: matrix))
        }
        return try VectorCollection(name: "test", dimension: dimension, metric: metric, shards: parts)
    }

    /// recall@k of `found` against the reference top-k, distance-aware (a hit within 1e-6 of the k-th counts).
    static func recall(found: [Int64], scores: [Double], k: Int) -> Double {
        let reference = referenceTopK(scores, k: k)
        let kth = scores[reference[reference.count - 1]]
        let hits = found.filter { scores[Int($0)] >= kth - 1e-6 * max(1, abs(kth)) }.count
        return Double(hits) / Double(k)
    }

    /// Whether `got` is the reference ranking `want`, allowing two ids to swap only when their reference scores
    /// are within float32 rounding (1e-5 relative) of each other.
    static func sameRanking(_ got: [Int], _ want: [Int], scores: [Double]) -> Bool {
        guard got.count == want.count else { return false }
        return zip(got, want).allSatisfy { g, w in
            g == w || abs(scores[g] - scores[w]) <= 1e-5 * max(1, abs(scores[w]))
        }
    }
}
