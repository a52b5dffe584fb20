import CShoalPrefetch

extension HNSWIndex {
    // MARK: - Search

    /// The approximate best `topK` rows for `query` (best first), keeping only scores ≥ `threshold`.
    /// - Parameters:
    ///   - query: the query vector, already checked (``VectorQuery/validate(dimension:)``).
    ///   - topK: results wanted.
    ///   - ef: the candidate list size (nil: ``HNSWParameters/ef``; raised to `topK` when lower).
    ///   - threshold: the score threshold.
    ///   - scratch: reusable search state (one per thread).
    public func search(
        _ query: [Float],
        topK: Int,
        ef: Int? = nil,
        threshold: Float? = nil,
        scratch: inout HNSWScratch
    ) -> [SearchHit] {
        precondition(query.count == vectors.dimension, "query dimension checked by the caller")
        guard entryPoint >= 0, topK > 0 else { return [] }
        let prepared = vectors.metric.prepare(query)
        let breadth = max(ef ?? parameters.ef, topK)
        let d = vectors.dimension
        prepared.withUnsafeBufferPointer { q in
            vectors.elements.withUnsafeBufferPointer { buffer in
                let qp = q.baseAddress!
                var current = entryPoint
                var currentDistance = vectors.metric.distance(qp, buffer.baseAddress! + Int(current) * d, d)
                for lc in stride(from: maxLevel, to: 0, by: -1) {
                    (current, currentDistance) = greedy(qp, from: current, distance: currentDistance, level: lc)
                }
                searchLayer(
                    qp,
                    entry: current,
                    entryDistance: currentDistance,
                    ef: breadth,
                    level: 0,
                    scratch: &scratch
                )
            }
        }
        let metric = vectors.metric
        // Only the candidates scoring at least as well as the topK-th closest can rank in the top k (the score
        // falls as the distance grows; equal scores are all kept for the id tie-break below).
        scratch.results.items.sort(by: Candidate.closer)
        let found = scratch.results.items
        var keep = min(topK, found.count)
        if keep > 0 && keep < found.count {
            let last = metric.score(fromDistance: found[keep - 1].distance)
            while keep < found.count && metric.score(fromDistance: found[keep].distance) >= last { keep += 1 }
        }
        var hits = found[..<keep].map {
            SearchHit(id: vectors.ids[Int($0.id)], score: metric.score(fromDistance: $0.distance))
        }
        if let threshold { hits.removeAll { !($0.score >= threshold) } }
        hits.sort(by: SearchHit.ranksBefore)
        if hits.count > topK { hits.removeLast(hits.count - topK) }
        return hits
    }

    /// ``search(_:topK:ef:threshold:scratch:)`` with fresh scratch space.
    public func search(_ query: [Float], topK: Int, ef: Int? = nil, threshold: Float? = nil) -> [SearchHit] {
        var scratch = HNSWScratch()
        return search(query, topK: topK, ef: ef, threshold: threshold, scratch: &scratch)
    }

    // MARK: - Layer walks

    /// Greedy descent on `level`: move to a closer neighbour until none is closer.
    func greedy(_ query: UnsafePointer<Float>, from start: Int32, distance: Float, level: Int) -> (Int32, Float) {
        var current = start
        var best = distance
        let d = vectors.dimension
        let metric = vectors.metric
        vectors.elements.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            var changed = true
            while changed {
                changed = false
                let list = neighbours(current, level)
                for n in list { prefetch(base + Int(n) &* d, d) }
                for n in list {
                    let dn = metric.distance(query, base + Int(n) &* d, d)
                    if dn < best || (dn == best && n < current) {
                        best = dn
                        current = n
                        changed = true
                    }
                }
            }
        }
        return (current, best)
    }

    /// Best-first search of `level` from `entry`, leaving the `ef` closest nodes found in `scratch.results`.
    ///
    /// Each expanded node's unvisited neighbours are gathered first (their vectors prefetched as they are found),
    /// then their distances computed in one branch-free run, then offered to the heaps in neighbour order: the same
    /// visits and the same results as offering them one by one. A neighbour that becomes a candidate gets its
    /// level-0 links prefetched, since it may be expanded soon. The prefetches are hints (`CShoalPrefetch`): about
    /// half of the walk was waiting on cache misses without them.
    func searchLayer(
        _ query: UnsafePointer<Float>,
        entry: Int32,
        entryDistance: Float,
        ef: Int,
        level: Int,
        scratch: inout HNSWScratch
    ) {
        scratch.begin(count)
        let epoch = scratch.epoch
        let d = vectors.dimension
        let metric = vectors.metric
        let stride0 = self.stride0
        let capacity = max(stride0, strideUpper)
        // Move the state out of `scratch` so the marks can be borrowed as a raw buffer for the whole walk.
        var marks = scratch.marks
        var candidates = scratch.candidates
        var results = scratch.results
        scratch.marks = []
        defer {
            scratch.marks = marks
            scratch.candidates = candidates
            scratch.results = results
        }
        let first = Candidate(distance: entryDistance, id: entry)
        candidates.push(first)
        results.push(first)
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { fresh in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: capacity) { distances in
                marks.withUnsafeMutableBufferPointer { seen in
                    seen[Int(entry)] = epoch
                    vectors.elements.withUnsafeBufferPointer { buffer in
                        links0.withUnsafeBufferPointer { links in
                            let base = buffer.baseAddress!
                            while !candidates.isEmpty {
                                let closest = candidates.top
                                if closest.distance > results.top.distance && results.count >= ef { break }
                                candidates.pop()
                                // Gather the unvisited neighbours.
                                var freshCount = 0
                                if level == 0 {
                                    let start = Int(closest.id) &* stride0
                                    let linkCount = Int(links[start])
                                    var j = 1
                                    while j <= linkCount {
                                        let n = links[start &+ j]
                                        if seen[Int(n)] != epoch {
                                            seen[Int(n)] = epoch
                                            let row = base + Int(n) &* d
                                            var o = 0
                                            while o < d {
                                                shoal_prefetch(row + o)
                                                o &+= 16
                                            }
                                            fresh[freshCount] = n
                                            freshCount &+= 1
                                        }
                                        j &+= 1
                                    }
                                } else {
                                    for n in neighbours(closest.id, level) where seen[Int(n)] != epoch {
                                        seen[Int(n)] = epoch
                                        fresh[freshCount] = n
                                        freshCount &+= 1
                                    }
                                }
                                // Their distances, with no branch between two vectors.
                                var t = 0
                                while t < freshCount {
                                    distances[t] = metric.distance(query, base + Int(fresh[t]) &* d, d)
                                    t &+= 1
                                }
                                // Offer them in neighbour order.
                                t = 0
                                while t < freshCount {
                                    let dn = distances[t]
                                    if results.count < ef || dn < results.top.distance {
                                        let c = Candidate(distance: dn, id: fresh[t])
                                        if level == 0 {
                                            // It may be expanded soon: start loading its links.
                                            let row = links.baseAddress! + Int(c.id) &* stride0
                                            shoal_prefetch(row)
                                            shoal_prefetch(row + 16)
                                        }
                                        candidates.push(c)
                                        results.push(c)
                                        if results.count > ef { results.pop() }
                                    }
                                    t &+= 1
                                }
                                // Start loading the links of the next node to expand.
                                if level == 0 && !candidates.isEmpty {
                                    let next = links.baseAddress! + Int(candidates.top.id) &* stride0
                                    shoal_prefetch(next)
                                    shoal_prefetch(next + 16)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
