/// Exact (brute-force) top-k over a ``VectorMatrix``: every row is scored with the SIMD kernels.
public enum ExactSearch {
    /// The best `topK` rows of `matrix` for `query` (best first), keeping only scores ≥ `threshold`.
    ///
    /// The query must already be checked (``VectorQuery/validate(dimension:)``); for cosine it is normalised here.
    /// Equal scores are ordered by lower id.
    public static func search(
        _ matrix: VectorMatrix,
        query: [Float],
        topK: Int,
        threshold: Float? = nil
    ) -> [SearchHit] {
        precondition(query.count == matrix.dimension, "query dimension checked by the caller")
        let prepared = matrix.metric.prepare(query)
        var collector = TopKCollector(k: topK)
        let d = matrix.dimension
        let metric = matrix.metric
        prepared.withUnsafeBufferPointer { q in
            matrix.elements.withUnsafeBufferPointer { rows in
                matrix.ids.withUnsafeBufferPointer { ids in
                    guard let base = rows.baseAddress, let qp = q.baseAddress else { return }
                    for row in 0..<ids.count {
                        let score = metric.score(fromDistance: metric.distance(qp, base + row &* d, d))
                        if let threshold, !(score >= threshold) { continue }
                        collector.offer(SearchHit(id: ids[row], score: score))
                    }
                }
            }
        }
        return collector.sorted()
    }
}

extension VectorMetric {
    /// The query as the kernels expect it (unit length for cosine; unchanged otherwise).
    func prepare(_ query: [Float]) -> [Float] {
        guard self == .cosine else { return query }
        var copy = query
        VectorMatrix.normalise(&copy, 0, copy.count)
        return copy
    }
}
