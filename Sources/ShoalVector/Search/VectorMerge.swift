/// The scatter-gather merge of per-shard top-k lists.
///
/// Each shard returns its own best `k` hits with score ≥ threshold; the merge keeps the best `k` of their union
/// by ``SearchHit/ranksBefore(_:_:)`` and applies the threshold again. With exact per-shard lists this equals the
/// exact top-k of the whole dataset (every global top-k hit is in its shard's top-k), and with the threshold it is
/// exactly "the top-k among the hits with score ≥ threshold": nothing below the threshold, and every
/// above-threshold hit of the exact top-k (datasets.md §7 V3). Fewer than `k` hits is a valid answer.
public enum VectorMerge {
    /// The best `topK` hits of `lists` with score ≥ `threshold`, best first (duplicate ids keep their best score).
    public static func merge(_ lists: [[SearchHit]], topK: Int, threshold: Float? = nil) -> [SearchHit] {
        guard topK > 0 else { return [] }
        var collector = TopKCollector(k: topK)
        var seen = Set<Int64>()
        var all = lists.joined().filter { threshold == nil || $0.score >= threshold! }
        all.sort(by: SearchHit.ranksBefore)
        for hit in all where seen.insert(hit.id).inserted {
            collector.offer(hit)
            if collector.isFull { break }
        }
        return collector.sorted()
    }
}
